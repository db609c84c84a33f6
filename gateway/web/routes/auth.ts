// Login, logout and the password change: the same accounts, scrypt check and lockout as SMTP and IMAP
// (gateway/auth/authenticator.ts), a rate limit per client address on top, a new session at login, and
// re-authentication with the current password for a change. A temporary password logs in to the
// change page only; the new password is in force for SMTP AUTH and IMAP LOGIN as soon as it is saved.

import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../../storage/accounts/password.js';
import { checkNewPassword, passwordRulesOf } from '../../../storage/accounts/password-rules.js';
import type { AccountRow } from '../../../storage/rows.js';
import type { AuthFailure } from '../../auth/authenticator.js';
import { sendPage, userOf, type PortalDeps } from '../context.js';
import { csrfToken, requireUser } from '../guards.js';
import type { Translate } from '../i18n.js';
import { page } from '../layout.js';
import { loginForm } from '../pages/login.js';
import { passwordForm } from '../pages/password.js';
import { endSession, startSession } from '../session.js';

function failureText(t: Translate, failure: AuthFailure): string {
  switch (failure) {
    case 'locked':
      return t('Tài khoản tạm khóa do đăng nhập sai nhiều lần, vui lòng thử lại sau.', 'Account temporarily locked after repeated failures, try again later.');
    case 'disabled':
      return t('Tài khoản đã bị quản trị viên khóa.', 'The account was locked by the administrator.');
    default:
      return t('Sai tên đăng nhập hoặc mật khẩu.', 'Invalid user name or password.');
  }
}

/** The current password, checked through the authenticator (so failures count towards the lockout). */
export async function reauthenticate(deps: PortalDeps, account: AccountRow, password: string, remoteAddress: string): Promise<AuthFailure | null> {
  const result = await deps.authenticator.authenticate(account.email, password, remoteAddress);
  if (result.ok || (result.failure === 'must-change' && result.account?.id === account.id)) return null;
  return result.failure;
}

export function registerAuthRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const auth = deps.config.docgate.auth;

  app.get('/login', async (req, reply) => {
    if (req.portal.user) return reply.redirect('/', 303);
    const { t } = req.portal;
    return sendPage(reply, page(deps, req, { title: t('Đăng nhập', 'Log in'), body: loginForm(t, csrfToken(req, reply), '', null) }));
  });

  app.post('/login', { config: { rateLimit: { max: deps.config.docgate.web.loginRateLimit, timeWindow: 60_000 } } }, async (req, reply) => {
    const { t } = req.portal;
    const body = (req.body ?? {}) as { email?: string; password?: string };
    const email = String(body.email ?? '').slice(0, 254);
    const result = await deps.authenticator.authenticate(email, String(body.password ?? ''), req.ip);
    const account = result.ok ? result.account : result.failure === 'must-change' ? result.account : undefined;
    if (!account) {
      const failure = result.ok ? 'invalid' : result.failure;
      deps.log.info('portal login failed', { user: email, remoteAddress: req.ip, failure });
      req.portal.user = null;
      return sendPage(
        reply,
        page(deps, req, { title: t('Đăng nhập', 'Log in'), body: loginForm(t, csrfToken(req, reply), email, failureText(t, failure)) }),
        401,
      );
    }
    await startSession(deps, req, reply, account);
    deps.log.info('portal login', { user: account.email, remoteAddress: req.ip, role: account.role });
    return reply.redirect(account.mustChangePassword ? '/password' : '/', 303);
  });

  app.post('/logout', async (req, reply) => {
    await endSession(deps, req, reply);
    return reply.redirect('/login', 303);
  });

  const showPassword = (req: Parameters<typeof csrfToken>[0], reply: Parameters<typeof csrfToken>[1], error: string | null, status = 200) => {
    const { t } = req.portal;
    const forced = userOf(req).account.mustChangePassword;
    const body = passwordForm(t, csrfToken(req, reply), {
      forced,
      minLength: auth.minPasswordLength,
      classes: auth.passwordClasses,
      history: auth.passwordHistory,
      error,
    });
    return sendPage(reply, page(deps, req, { title: t('Đổi mật khẩu', 'Change password'), body, csrf: csrfToken(req, reply) }), status);
  };

  app.get('/password', { preHandler: requireUser({ allowTemporary: true }) }, async (req, reply) => showPassword(req, reply, null));

  app.post('/password', { preHandler: requireUser({ allowTemporary: true }) }, async (req, reply) => {
    const { t } = req.portal;
    const { account } = userOf(req);
    const body = (req.body ?? {}) as { current?: string; password?: string; confirm?: string };
    const password = String(body.password ?? '');
    const failure = await reauthenticate(deps, account, String(body.current ?? ''), req.ip);
    if (failure) return showPassword(req, reply, `${t('Mật khẩu hiện tại không đúng', 'The current password is wrong')}: ${failureText(t, failure)}`, 400);
    if (password !== String(body.confirm ?? ''))
      return showPassword(req, reply, t('Hai lần nhập mật khẩu mới không khớp.', 'The two new passwords differ.'), 400);
    const history = await deps.storage.accounts.previousPasswordHashes(account.id, Math.max(0, auth.passwordHistory - 1));
    const problem = await checkNewPassword({
      email: account.email,
      password,
      rules: passwordRulesOf(auth),
      currentHash: account.passwordHash,
      previousHashes: history,
    });
    if (problem) return showPassword(req, reply, `${t('Mật khẩu không hợp lệ', 'Password refused')}: ${t(problem.vi, problem.en)}`, 400);
    const passwordHash = await hashPassword(password);
    const now = deps.now();
    await deps.storage.writes.run(async (t) => {
      await deps.storage.accounts.setPassword(t, account.email, passwordHash, false, now);
      // Other browsers logged in with the old password are logged out.
      await deps.storage.webSessions.deleteForAccount(t, account.id);
    });
    deps.log.info('password changed on the portal', { user: account.email, remoteAddress: req.ip });
    // A new session id after the privilege change, like at login.
    await startSession(deps, req, reply, { ...account, passwordHash, mustChangePassword: false });
    return reply.redirect('/?changed=1', 303);
  });
}
