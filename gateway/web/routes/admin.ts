// Administrator pages: accounts (create with a temporary password shown once, lock, unlock, reset,
// role), the quarantine (gateway/admin/quarantine.ts, as `docgate quarantine`), the relay queue (as
// `docgate queue`) and the configuration in force with the result of `config check`. Each action is a
// register event with the actor, written in the action's own transaction (gateway/admin/events.ts);
// password resets and role changes ask for the administrator's own password again.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { generateAcceptablePassword, passwordRulesOf } from '../../../storage/accounts/password-rules.js';
import { hashPassword } from '../../../storage/accounts/password.js';
import { QuarantineStateError } from '../../../storage/register/repository.js';
import type { AccountRow } from '../../../storage/rows.js';
import { recordAdminAction, type AdminAction } from '../../admin/events.js';
import { rejectHeld, releaseHeld } from '../../admin/quarantine.js';
import { sendPage, userOf, type PortalDeps } from '../context.js';
import { csrfToken, requireAdmin } from '../guards.js';
import type { SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { notFound } from '../not-found.js';
import { accountsPage, configPage, quarantinePage, queuePage, temporaryPasswordBox } from '../pages/admin.js';
import { reauthenticate } from './auth.js';

type Body = Record<string, string | undefined>;

export function registerAdminRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const guard = { preHandler: requireAdmin(deps) };
  const tz = deps.config.docgate.timezone;
  const storage = deps.storage;

  const showAccounts = async (req: FastifyRequest, reply: FastifyReply, message: SafeHtml | null, error: string | null, status = 200) => {
    const { t } = req.portal;
    const accounts = await storage.accounts.list();
    const csrf = csrfToken(req, reply);
    const body = accountsPage(t, csrf, { accounts, agencies: deps.agencies.agencies, timeZone: tz, message, error });
    return sendPage(reply, page(deps, req, { title: t('Tài khoản', 'Accounts'), body, csrf }), status);
  };

  /** Runs an account change and its register event in one transaction. */
  const act = (change: Parameters<typeof storage.writes.run>[0], action: AdminAction) =>
    storage.writes.run(async (t) => {
      const result = await change(t);
      await recordAdminAction(storage, t, action);
      return result;
    });

  app.get('/admin/accounts', guard, async (req, reply) => showAccounts(req, reply, null, null));

  app.post('/admin/accounts', guard, async (req, reply) => {
    const { t } = req.portal;
    const admin = userOf(req).account;
    const body = (req.body ?? {}) as Body;
    const email = String(body.email ?? '')
      .trim()
      .toLowerCase();
    const agency = deps.agencies.get(String(body.agency ?? ''));
    const role = body.role === 'admin' ? 'admin' : 'clerk';
    if (!agency || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || !deps.agencies.belongsTo(email, agency.id)) {
      return showAccounts(req, reply, null, t('Địa chỉ không thuộc cơ quan đã chọn.', 'The address is not one of the chosen agency.'), 400);
    }
    if (await storage.accounts.find(email)) return showAccounts(req, reply, null, t('Tài khoản đã tồn tại.', 'The account already exists.'), 409);
    const password = generateAcceptablePassword(email, passwordRulesOf(deps.config.docgate.auth));
    const passwordHash = await hashPassword(password);
    const now = deps.now();
    await act((tx) => storage.accounts.create(tx, { email, agencyId: agency.id, passwordHash, mustChangePassword: true, now, role }), {
      actor: admin.email,
      action: 'account-created',
      agencyId: agency.id,
      target: email,
      note: role,
      at: now,
    });
    deps.log.info('account created on the portal', { user: email, agency: agency.id, role, actor: admin.email });
    return showAccounts(req, reply, temporaryPasswordBox(t, email, password), null);
  });

  const target = async (req: FastifyRequest): Promise<AccountRow | null> => {
    const { id } = req.params as { id: string };
    if (!/^\d{1,12}$/.test(id)) return null;
    const account = await storage.accounts.findById(Number(id));
    return account && !account.removedAt ? account : null;
  };

  for (const [name, disabled] of [
    ['lock', true],
    ['unlock', false],
  ] as const) {
    app.post(`/admin/accounts/:id/${name}`, guard, async (req, reply) => {
      const account = await target(req);
      if (!account) return notFound(deps, req, reply);
      const now = deps.now();
      const actor = userOf(req).account.email;
      await act(
        async (tx) => {
          await storage.accounts.setDisabled(tx, account.email, disabled, now);
          if (disabled) await storage.webSessions.deleteForAccount(tx, account.id);
        },
        { actor, action: disabled ? 'account-locked' : 'account-unlocked', agencyId: account.agencyId, target: account.email, at: now },
      );
      deps.log.info(disabled ? 'account locked by administrator' : 'account unlocked by administrator (temporary locks cleared)', {
        user: account.email,
        actor,
      });
      return reply.redirect('/admin/accounts', 303);
    });
  }

  app.post('/admin/accounts/:id/reset', guard, async (req, reply) => {
    const { t } = req.portal;
    const admin = userOf(req).account;
    const account = await target(req);
    if (!account) return notFound(deps, req, reply);
    const failure = await reauthenticate(deps, admin, String((req.body as Body)?.current ?? ''), req.ip);
    if (failure) return showAccounts(req, reply, null, t('Mật khẩu của bạn không đúng.', 'Your password is wrong.'), 400);
    const password = generateAcceptablePassword(account.email, passwordRulesOf(deps.config.docgate.auth));
    const passwordHash = await hashPassword(password);
    const now = deps.now();
    await act(
      async (tx) => {
        await storage.accounts.setPassword(tx, account.email, passwordHash, true, now);
        await storage.webSessions.deleteForAccount(tx, account.id, account.id === admin.id ? userOf(req).session.idHash : null);
      },
      { actor: admin.email, action: 'password-reset', agencyId: account.agencyId, target: account.email, at: now },
    );
    deps.log.info('temporary password set by administrator', { user: account.email, actor: admin.email });
    return showAccounts(req, reply, temporaryPasswordBox(t, account.email, password), null);
  });

  app.post('/admin/accounts/:id/role', guard, async (req, reply) => {
    const { t } = req.portal;
    const admin = userOf(req).account;
    const account = await target(req);
    const body = (req.body ?? {}) as Body;
    if (!account || (body.role !== 'clerk' && body.role !== 'admin')) return notFound(deps, req, reply);
    const role = body.role;
    const failure = await reauthenticate(deps, admin, String(body.current ?? ''), req.ip);
    if (failure) return showAccounts(req, reply, null, t('Mật khẩu của bạn không đúng.', 'Your password is wrong.'), 400);
    const now = deps.now();
    await act((tx) => storage.accounts.setRole(tx, account.email, role, now), {
      actor: admin.email,
      action: 'role-changed',
      agencyId: account.agencyId,
      target: account.email,
      note: role,
      at: now,
    });
    deps.log.info('account role changed by administrator', { user: account.email, role, actor: admin.email });
    return reply.redirect('/admin/accounts', 303);
  });

  const showQuarantine = async (req: FastifyRequest, reply: FastifyReply, error: string | null, status = 200) => {
    const { t } = req.portal;
    const csrf = csrfToken(req, reply);
    const body = quarantinePage(t, csrf, await storage.register.quarantined(), tz, error);
    return sendPage(reply, page(deps, req, { title: t('Văn bản bị giữ', 'Quarantine'), body, csrf }), status);
  };

  app.get('/admin/quarantine', guard, async (req, reply) => showQuarantine(req, reply, null));

  for (const decision of ['release', 'reject'] as const) {
    app.post(`/admin/quarantine/:id/${decision}`, guard, async (req, reply) => {
      const { t } = req.portal;
      const { id } = req.params as { id: string };
      const doc = await storage.register.findDocument(id.slice(0, 40));
      if (!doc) return notFound(deps, req, reply);
      const note = String((req.body as Body)?.note ?? '').slice(0, 500) || null;
      const d = { trackingId: doc.id, actor: userOf(req).account.email, note, at: deps.now() };
      try {
        if (decision === 'release') await releaseHeld(deps.config, storage, doc, d);
        else await rejectHeld(storage, d);
      } catch (err) {
        if (err instanceof QuarantineStateError) return showQuarantine(req, reply, t('Văn bản này không còn bị giữ.', 'This document is no longer held.'), 409);
        throw err;
      }
      deps.log.info(`quarantine ${decision} by administrator`, { document: doc.id, actor: d.actor });
      return reply.redirect('/admin/quarantine', 303);
    });
  }

  const showQueue = async (req: FastifyRequest, reply: FastifyReply, error: string | null, status = 200) => {
    const { t } = req.portal;
    const csrf = csrfToken(req, reply);
    // The jobs an administrator can act on, newest first: delivered ones (thousands, no action) would
    // push the waiting and failed ones off the page.
    const jobs = await storage.queue.list({ status: ['queued', 'sending', 'failed', 'dropped'], newestFirst: true, limit: 500 });
    const body = queuePage(t, csrf, jobs, tz, error);
    return sendPage(reply, page(deps, req, { title: t('Hàng đợi chuyển tiếp', 'Relay queue'), body, csrf }), status);
  };

  app.get('/admin/queue', guard, async (req, reply) => showQueue(req, reply, null));

  for (const op of ['retry', 'drop'] as const) {
    app.post(`/admin/queue/:id/${op}`, guard, async (req, reply) => {
      const { t } = req.portal;
      const { id } = req.params as { id: string };
      if (!/^\d{1,12}$/.test(id)) return notFound(deps, req, reply);
      const now = deps.now();
      const actor = userOf(req).account.email;
      const job = await storage.writes.run(async (tx) => {
        const changed = op === 'retry' ? await storage.queue.retry(tx, Number(id), now) : await storage.queue.drop(tx, Number(id), now);
        if (changed) {
          await recordAdminAction(storage, tx, {
            actor,
            action: op === 'retry' ? 'relay-retry' : 'relay-drop',
            agencyId: changed.agencyId,
            documentId: changed.documentId,
            note: `job ${changed.id}`,
            at: now,
          });
        }
        return changed;
      });
      if (!job) return showQueue(req, reply, t('Không có công việc này hoặc đã chuyển xong.', 'No such job, or already delivered.'), 409);
      deps.log.info(`relay job ${op} by administrator`, { job: job.id, actor });
      return reply.redirect('/admin/queue', 303);
    });
  }

  app.get('/admin/config', guard, async (req, reply) => {
    const { t } = req.portal;
    const body = configPage(t, {
      policy: deps.policy(),
      agencies: deps.agencies.agencies,
      problems: await deps.configCheck(),
      hostname: deps.config.docgate.hostname,
    });
    return sendPage(reply, page(deps, req, { title: t('Cấu hình', 'Configuration'), body, csrf: csrfToken(req, reply) }));
  });
}
