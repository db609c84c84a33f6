// The one 404 page: unknown paths, and documents or files outside the clerk's agency alike.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage, type PortalDeps } from './context.js';
import { html } from './html.js';
import { page } from './layout.js';

export function notFound(deps: PortalDeps, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { t } = req.portal;
  return sendPage(
    reply,
    page(deps, req, { title: t('Không tìm thấy', 'Not found'), body: html`<p>${t('Trang hoặc văn bản này không có.', 'No such page or document.')}</p>` }),
    404,
  );
}
