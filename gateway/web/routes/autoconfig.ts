// Mail-client autoconfiguration: Thunderbird's autoconfig (both URLs it tries), Outlook/Apple POX
// autodiscover, and, on the portal, the clerk's Apple .mobileconfig and a set-up page. An address or
// host of no configured agency is a 404: nothing is said about domains docgate does not serve.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Agency } from '../../../config/schema.js';
import { sendPage, userOf, type PortalDeps } from '../context.js';
import { csrfToken, requireUser } from '../guards.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { notFound } from '../not-found.js';
import { autodiscoverResponse, requestedAddress } from '../autoconfig/autodiscover.js';
import { mobileConfig } from '../autoconfig/mobileconfig.js';
import { thunderbirdConfig } from '../autoconfig/thunderbird.js';
import { attachmentDisposition } from '../files.js';

/** The agency of ?emailaddress=, else of the Host header (autoconfig.<domain> or <domain>). */
function agencyOf(deps: PortalDeps, req: FastifyRequest): Agency | undefined {
  const address = (req.query as { emailaddress?: unknown }).emailaddress;
  if (typeof address === 'string' && address.includes('@')) return deps.agencies.ownerOf(address.slice(0, 254));
  const host = (req.hostname ?? '')
    .toLowerCase()
    .replace(/:\d+$/, '')
    .replace(/^(autoconfig|autodiscover)\./, '');
  return deps.agencies.agencies.find((a) => a.domain === host);
}

export function registerAutoconfigRoutes(app: FastifyInstance, deps: PortalDeps): void {
  for (const url of ['/.well-known/autoconfig/mail/config-v1.1.xml', '/mail/config-v1.1.xml']) {
    app.get(url, async (req, reply) => {
      const agency = agencyOf(deps, req);
      if (!agency) return notFound(deps, req, reply);
      return reply.type('application/xml; charset=utf-8').send(thunderbirdConfig(agency, deps.mailEndpoints()));
    });
  }

  for (const url of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml']) {
    app.post(url, async (req, reply) => {
      const email = typeof req.body === 'string' ? requestedAddress(req.body) : null;
      const agency = email ? deps.agencies.ownerOf(email) : undefined;
      if (!email || !agency) return notFound(deps, req, reply);
      return reply.type('application/xml; charset=utf-8').send(autodiscoverResponse(email, agency.name, deps.mailEndpoints()));
    });
  }

  app.get('/mail-setup', { preHandler: requireUser() }, async (req, reply) => {
    const { t } = req.portal;
    const { account } = userOf(req);
    const endpoints = deps.mailEndpoints();
    const rows = endpoints.map(
      (e) =>
        html`<tr>
          <td>${e.protocol === 'imap' ? 'IMAP' : 'SMTP'}</td>
          <td><code>${e.host}</code></td>
          <td>${e.port}</td>
          <td>${e.tls === 'implicit' ? 'SSL/TLS' : 'STARTTLS'}</td>
        </tr>`,
    );
    const body = html`<p>
        ${t(
          'Thunderbird và Outlook tự cấu hình khi bạn nhập địa chỉ thư và mật khẩu. Trên iPhone, iPad và máy Mac, tải hồ sơ cấu hình dưới đây.',
          'Thunderbird and Outlook configure themselves from your address and password. On iPhone, iPad and Mac, download the profile below.',
        )}
      </p>
      <p>
        <a href="/mail-setup/docgate.mobileconfig" download>${t('Tải hồ sơ cấu hình Apple (.mobileconfig)', 'Download the Apple profile (.mobileconfig)')}</a>
      </p>
      <table>
        <thead>
          <tr>
            <th>${t('Giao thức', 'Protocol')}</th>
            <th>${t('Máy chủ', 'Server')}</th>
            <th>${t('Cổng', 'Port')}</th>
            <th>${t('Bảo mật', 'Security')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
      <p>${t('Tên đăng nhập', 'User name')}: <code>${account.email}</code></p>`;
    return sendPage(reply, page(deps, req, { title: t('Cài đặt ứng dụng thư', 'Mail client set-up'), body, csrf: csrfToken(req, reply) }));
  });

  app.get('/mail-setup/docgate.mobileconfig', { preHandler: requireUser() }, async (req, reply) => {
    const { account } = userOf(req);
    const agency = deps.agencies.get(account.agencyId);
    const profile = mobileConfig({
      email: account.email,
      agencyName: agency?.name ?? account.agencyId,
      hostname: deps.config.docgate.hostname,
      endpoints: deps.mailEndpoints(),
    });
    if (!profile) return notFound(deps, req, reply);
    return reply
      .header('Content-Disposition', attachmentDisposition('docgate.mobileconfig'))
      .type('application/x-apple-aspen-config; charset=utf-8')
      .send(profile);
  });
}
