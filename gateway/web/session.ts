// Portal sessions: a random id in a `__Host-` cookie (HttpOnly, Secure, SameSite=Strict, Path=/), its
// hash in web_sessions (storage/accounts/web-sessions.ts) so every gateway process shares them. A login
// always starts a new session (no fixation: an id planted before login is dropped), and a session of
// an account that is locked, removed or changed is refused at once.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionIdHash, type SessionLimits } from '../../storage/accounts/web-sessions.js';
import type { AccountRow } from '../../storage/rows.js';
import type { PortalDeps, PortalUser } from './context.js';

const SESSION_COOKIE = '__Host-dg_session';

const SECURE_COOKIE = { path: '/', httpOnly: true, secure: true, sameSite: 'strict' } as const;

function sessionLimits(deps: PortalDeps): SessionLimits {
  return { idleMs: deps.config.docgate.web.idleTimeout, absoluteMs: deps.config.docgate.web.absoluteTimeout };
}

/** The account behind the request's session cookie, or null. */
export async function loadUser(deps: PortalDeps, req: FastifyRequest): Promise<PortalUser | null> {
  const id = req.cookies[SESSION_COOKIE];
  if (!id || id.length > 100) return null;
  const now = deps.now();
  const session = await deps.storage.webSessions.find(id, now, sessionLimits(deps));
  if (!session) return null;
  const account = await deps.storage.accounts.findById(session.accountId);
  if (!account || account.disabled || account.removedAt) {
    await deps.storage.writes.run((t) => deps.storage.webSessions.delete(t, session.idHash));
    return null;
  }
  if (deps.storage.webSessions.needsTouch(session, now)) {
    await deps.storage.writes.run((t) => deps.storage.webSessions.touch(t, session.idHash, now));
  }
  return { session, account };
}

/** A fresh session for the account; the request's previous one (if any) ends. */
export async function startSession(deps: PortalDeps, req: FastifyRequest, reply: FastifyReply, account: AccountRow): Promise<void> {
  const previous = req.cookies[SESSION_COOKIE];
  const now = deps.now();
  const id = await deps.storage.writes.run(async (t) => {
    if (previous) await deps.storage.webSessions.delete(t, sessionIdHash(previous));
    await deps.storage.webSessions.sweep(t, now, sessionLimits(deps));
    return deps.storage.webSessions.create(t, account.id, req.ip, now);
  });
  reply.setCookie(SESSION_COOKIE, id, { ...SECURE_COOKIE, maxAge: Math.floor(deps.config.docgate.web.absoluteTimeout / 1000) });
}

export async function endSession(deps: PortalDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const id = req.cookies[SESSION_COOKIE];
  if (id) await deps.storage.writes.run((t) => deps.storage.webSessions.delete(t, sessionIdHash(id)));
  reply.clearCookie(SESSION_COOKIE, SECURE_COOKIE);
}
