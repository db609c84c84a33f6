// What every portal route gets: the services (passed in at start, never imported) and, per request,
// the language, the CSP nonce and the logged-in account.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import type { PolicyConfig } from '../../policies/policy-file.js';
import type { Storage } from '../../storage/index.js';
import type { WebSessionRow } from '../../storage/accounts/web-sessions.js';
import type { AccountRow } from '../../storage/rows.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { PreflightProblem } from '../preflight.js';
import type { MailEndpoint } from './autoconfig/endpoints.js';
import type { Lang, Translate } from './i18n.js';

export interface PortalDeps {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  authenticator: Authenticator;
  log: Logger;
  now: () => Date;
  /** The SMTP and IMAP endpoints mail clients are told about (the running listeners' ports). */
  mailEndpoints: () => MailEndpoint[];
  /** policy.yaml as in force (reloads included). */
  policy: () => PolicyConfig;
  /** What `docgate config check` reports for the configuration in force (ports not probed). */
  configCheck: () => Promise<PreflightProblem[]>;
}

export interface PortalUser {
  session: WebSessionRow;
  account: AccountRow;
}

interface PortalRequestState {
  lang: Lang;
  t: Translate;
  nonce: string;
  user: PortalUser | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    portal: PortalRequestState;
  }
}

export function sendPage(reply: FastifyReply, body: { toString(): string }, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body.toString());
}

/** The signed-in user; routes behind requireUser only. */
export function userOf(req: FastifyRequest): PortalUser {
  if (!req.portal.user) throw new Error('route without requireUser');
  return req.portal.user;
}
