// Route guards: a signed-in user (else the login page), a changed temporary password (else the change
// page, Điều 10.2: nothing else before it), the administrator role (else 404: the page is not there
// for a clerk), and the CSRF token every form carries.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalDeps } from './context.js';
import { notFound } from './not-found.js';

export function requireUser(options: { allowTemporary?: boolean } = {}) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const user = req.portal.user;
    if (!user) return reply.redirect('/login', 303);
    if (user.account.mustChangePassword && !options.allowTemporary) return reply.redirect('/password', 303);
    return undefined;
  };
}

export function requireAdmin(deps: PortalDeps) {
  const signedIn = requireUser();
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const refused = await signedIn(req, reply);
    if (refused) return refused;
    if (req.portal.user!.account.role !== 'admin') return notFound(deps, req, reply);
    return undefined;
  };
}

/** What CSRF tokens are bound to: the session (its id hash), or the login form's visitor. */
export function csrfUserInfo(req: FastifyRequest): string {
  return req.portal?.user?.session.idHash ?? 'anonymous';
}

/** A token for the forms of this page, bound to the request's session. */
export function csrfToken(req: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfUserInfo(req) });
}
