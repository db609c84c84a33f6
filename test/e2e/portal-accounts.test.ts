// The administrator's accounts page over HTTPS: an account created on the portal gets a temporary
// password shown once (the new clerk must change it first; SMTP refuses it until then), an address of
// another agency or a second account is refused; a password reset and a role change ask for the
// administrator's own password again (a wrong one changes nothing); lock and unlock take effect for
// SMTP at once and end the clerk's sessions; every action is a register event naming the administrator.
// Every POST form of the pages carries the CSRF token, and an action without it is refused.

import { expect } from 'chai';
import { addClerk, TEST_PASSWORD } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { CLERKS } from '../helpers/imap.js';
import { PortalClient, startPortalGateway, type HttpResponse, type PortalGateway } from '../helpers/portal.js';
import { authReply } from '../helpers/smtp-wire.js';

const ADMIN = `quantri@${AGENCIES.ubnd.domain}`;
const NEW_CLERK = `tran.thi.hoa@${AGENCIES.snv.domain}`;

/** The temporary password of the page's "shown once" box, or null. */
const shownPassword = (page: HttpResponse) => /<code class="secret">([^<]+)<\/code>/.exec(page.text)?.[1] ?? null;
const errorOf = (page: HttpResponse) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(page.text)?.[1] ?? null;

describe('web portal: accounts administration', function () {
  this.timeout(90_000);
  let pg: PortalGateway;
  let admin: PortalClient;

  before(async () => {
    pg = await startPortalGateway();
    await addClerk(pg.gateway, ADMIN, AGENCIES.ubnd.id);
    await pg.gateway.storage.writes.run((t) => pg.gateway.storage.accounts.setRole(t, ADMIN, 'admin', new Date()));
    await addClerk(pg.gateway, CLERKS.snv, AGENCIES.snv.id);
    await addClerk(pg.gateway, CLERKS.stttt, AGENCIES.stttt.id);
    admin = new PortalClient(pg.baseUrl);
    expect((await admin.login(ADMIN, TEST_PASSWORD)).status).to.equal(303);
  });

  after(async () => {
    await pg?.stop();
  });

  const accountId = async (email: string) => (await pg.gateway.storage.accounts.find(email))!.id;
  const adminEvents = async () =>
    (await pg.gateway.storage.db.models.RegisterEvent.findAll({ where: { kind: 'admin' }, order: [['seq', 'ASC']] })).map((e) => ({
      status: e.get('status'),
      actor: e.get('actor'),
      subject: e.get('subject'),
      note: e.get('note'),
    }));
  const post = async (path: string, form: Record<string, string>) => {
    const page = await admin.get('/admin/accounts');
    return admin.post(path, { _csrf: PortalClient.csrfOf(page), ...form });
  };

  it('creates an account with a temporary password shown once, which the new clerk must change first', async () => {
    const created = await post('/admin/accounts', { email: NEW_CLERK, agency: AGENCIES.snv.id, role: 'clerk' });
    expect(created.status).to.equal(200);
    const temporary = shownPassword(created);
    expect(temporary).to.match(/^[A-Za-z2-9]{14}$/);
    expect(created.text).to.contain(NEW_CLERK).and.to.contain('chỉ hiện một lần');
    // Shown once: the list page never shows it again.
    const again = await admin.get('/admin/accounts');
    expect(again.text).to.contain(NEW_CLERK);
    expect(shownPassword(again)).to.equal(null);
    expect(again.text).not.to.contain(temporary!);
    const account = (await pg.gateway.storage.accounts.find(NEW_CLERK))!;
    expect([account.agencyId, account.role, account.mustChangePassword]).to.deep.equal([AGENCIES.snv.id, 'clerk', true]);

    // SMTP refuses the temporary password; the portal takes it to the change page only.
    expect(await authReply(pg.tlsPort, NEW_CLERK, temporary!)).to.match(/^535 .*Mat khau tam thoi/);
    const clerk = new PortalClient(pg.baseUrl);
    const login = await clerk.login(NEW_CLERK, temporary!);
    expect([login.status, login.headers.location]).to.deep.equal([303, '/password']);
    const blocked = await clerk.get('/incoming');
    expect([blocked.status, blocked.headers.location]).to.deep.equal([303, '/password']);

    // An address outside the chosen agency, and an account that exists, are refused.
    const foreign = await post('/admin/accounts', { email: `la@${AGENCIES.ubnd.domain}`, agency: AGENCIES.snv.id, role: 'clerk' });
    expect(foreign.status).to.equal(400);
    expect(errorOf(foreign)).to.equal('Địa chỉ không thuộc cơ quan đã chọn.');
    expect(shownPassword(foreign)).to.equal(null);
    const twice = await post('/admin/accounts', { email: NEW_CLERK, agency: AGENCIES.snv.id, role: 'admin' });
    expect(twice.status).to.equal(409);
    expect((await pg.gateway.storage.accounts.find(NEW_CLERK))!.role).to.equal('clerk');
    expect(await pg.gateway.storage.accounts.find(`la@${AGENCIES.ubnd.domain}`)).to.equal(null);

    expect((await adminEvents()).filter((e) => e.status === 'account-created')).to.deep.equal([
      { status: 'account-created', actor: ADMIN, subject: NEW_CLERK, note: 'clerk' },
    ]);
  });

  it('resets a password only with the administrator’s own password, and ends the clerk’s sessions', async () => {
    const clerk = new PortalClient(pg.baseUrl);
    await clerk.login(CLERKS.snv, TEST_PASSWORD);
    expect((await clerk.get('/incoming')).status).to.equal(200);
    const id = await accountId(CLERKS.snv);
    const before = (await pg.gateway.storage.accounts.find(CLERKS.snv))!.passwordHash;

    for (const current of ['not-my-password', '']) {
      const refused = await post(`/admin/accounts/${id}/reset`, { current });
      expect(refused.status, JSON.stringify(current)).to.equal(400);
      expect(errorOf(refused)).to.equal('Mật khẩu của bạn không đúng.');
      expect(shownPassword(refused)).to.equal(null);
    }
    expect((await pg.gateway.storage.accounts.find(CLERKS.snv))!.passwordHash).to.equal(before);
    expect((await clerk.get('/incoming')).status).to.equal(200);
    expect((await adminEvents()).some((e) => e.status === 'password-reset')).to.equal(false);

    const reset = await post(`/admin/accounts/${id}/reset`, { current: TEST_PASSWORD });
    expect(reset.status).to.equal(200);
    const temporary = shownPassword(reset);
    expect(temporary).to.match(/^[A-Za-z2-9]{14}$/);
    expect((await pg.gateway.storage.accounts.find(CLERKS.snv))!.mustChangePassword).to.equal(true);
    // The old password is dead for SMTP, the new one is temporary; the clerk's portal session ended.
    expect(await authReply(pg.tlsPort, CLERKS.snv, TEST_PASSWORD)).to.match(/^535 .*(Sai ten dang nhap|Invalid)/);
    expect(await authReply(pg.tlsPort, CLERKS.snv, temporary!)).to.match(/^535 .*Mat khau tam thoi/);
    const ended = await clerk.get('/incoming');
    expect([ended.status, ended.headers.location]).to.deep.equal([303, '/login']);
    // The administrator's own session goes on.
    expect((await admin.get('/admin/accounts')).status).to.equal(200);
    expect((await adminEvents()).filter((e) => e.status === 'password-reset')).to.deep.equal([
      { status: 'password-reset', actor: ADMIN, subject: CLERKS.snv, note: null },
    ]);
  });

  it('changes a role only with the administrator’s own password, at once for the live session', async () => {
    const clerk = new PortalClient(pg.baseUrl);
    await clerk.login(CLERKS.stttt, TEST_PASSWORD);
    expect((await clerk.get('/admin/accounts')).status).to.equal(404);
    const id = await accountId(CLERKS.stttt);

    const refused = await post(`/admin/accounts/${id}/role`, { role: 'admin', current: 'not-my-password' });
    expect(refused.status).to.equal(400);
    expect(errorOf(refused)).to.equal('Mật khẩu của bạn không đúng.');
    expect((await pg.gateway.storage.accounts.find(CLERKS.stttt))!.role).to.equal('clerk');
    expect((await clerk.get('/admin/accounts')).status).to.equal(404);

    expect((await post(`/admin/accounts/${id}/role`, { role: 'admin', current: TEST_PASSWORD })).status).to.equal(303);
    expect((await pg.gateway.storage.accounts.find(CLERKS.stttt))!.role).to.equal('admin');
    expect((await clerk.get('/admin/accounts')).status).to.equal(200);
    expect((await post(`/admin/accounts/${id}/role`, { role: 'clerk', current: TEST_PASSWORD })).status).to.equal(303);
    expect((await clerk.get('/admin/accounts')).status).to.equal(404);
    // No role but clerk or admin.
    expect((await post(`/admin/accounts/${id}/role`, { role: 'root', current: TEST_PASSWORD })).status).to.equal(404);
    expect((await pg.gateway.storage.accounts.find(CLERKS.stttt))!.role).to.equal('clerk');

    expect((await adminEvents()).filter((e) => e.status === 'role-changed')).to.deep.equal([
      { status: 'role-changed', actor: ADMIN, subject: CLERKS.stttt, note: 'admin' },
      { status: 'role-changed', actor: ADMIN, subject: CLERKS.stttt, note: 'clerk' },
    ]);
  });

  it('puts the CSRF token in every POST form of the administrator’s pages, and refuses an action without it', async () => {
    for (const path of ['/admin/accounts', '/admin/quarantine', '/admin/queue', '/admin/config', '/admin/reports', '/incoming', '/password']) {
      const page = await admin.get(path);
      expect(page.status, path).to.equal(200);
      const forms = [...page.text.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).filter((f) => /method="post"/i.test(f));
      expect(forms.length, `${path}: at least the logout form`).to.be.greaterThan(0);
      for (const form of forms) expect(form, path).to.match(/<input type="hidden" name="_csrf" value="[^"]+" \/>/);
    }
    const id = await accountId(CLERKS.stttt);
    const bare = await admin.post(`/admin/accounts/${id}/lock`, {});
    expect(bare.status).to.equal(403);
    const forged = await admin.post(`/admin/accounts/${id}/reset`, { _csrf: 'forged', current: TEST_PASSWORD });
    expect(forged.status).to.equal(403);
    const account = (await pg.gateway.storage.accounts.find(CLERKS.stttt))!;
    expect([account.disabled, account.mustChangePassword]).to.deep.equal([false, false]);
  });

  it('locks and unlocks an account: SMTP refuses it at once, then takes it again', async () => {
    const clerk = new PortalClient(pg.baseUrl);
    await clerk.login(CLERKS.stttt, TEST_PASSWORD);
    const id = await accountId(CLERKS.stttt);
    expect((await post(`/admin/accounts/${id}/lock`, {})).status).to.equal(303);
    expect(await authReply(pg.tlsPort, CLERKS.stttt, TEST_PASSWORD)).to.match(/^535 .*Tai khoan da bi khoa/);
    expect((await clerk.get('/incoming')).status).to.equal(303);
    const refused = await clerk.login(CLERKS.stttt, TEST_PASSWORD);
    expect(refused.status).to.equal(401);
    expect(errorOf(refused)).to.equal('Tài khoản đã bị quản trị viên khóa.');

    expect((await post(`/admin/accounts/${id}/unlock`, {})).status).to.equal(303);
    expect(await authReply(pg.tlsPort, CLERKS.stttt, TEST_PASSWORD)).to.equal('235 2.7.0 Authentication successful');
    expect((await clerk.login(CLERKS.stttt, TEST_PASSWORD)).status).to.equal(303);
    expect((await clerk.get('/incoming')).status).to.equal(200);
    // An account id that does not exist is a 404.
    expect((await post('/admin/accounts/999999/lock', {})).status).to.equal(404);

    const events = (await adminEvents()).filter((e) => e.subject === CLERKS.stttt && e.status !== 'role-changed');
    expect(events).to.deep.equal([
      { status: 'account-locked', actor: ADMIN, subject: CLERKS.stttt, note: null },
      { status: 'account-unlocked', actor: ADMIN, subject: CLERKS.stttt, note: null },
    ]);
  });
});
