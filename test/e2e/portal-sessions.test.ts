// Portal sessions against the gateway's clock: a session ends after web.idleTimeout unused and after
// web.absoluteTimeout however busy (the cookie's Max-Age says so too); and the login shares the SMTP
// and IMAP lockout (auth.maxFailures): failures on the portal lock SMTP AUTH, failures over SMTP lock the
// portal login, and the lock ends for both after auth.lockDuration.

import { expect } from 'chai';
import { addClerk, TEST_PASSWORD } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { CLERKS } from '../helpers/imap.js';
import { PortalClient, startPortalGateway, type HttpResponse, type PortalGateway } from '../helpers/portal.js';
import { authReply } from '../helpers/smtp-wire.js';

const MINUTE = 60_000;
const errorOf = (page: HttpResponse) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(page.text)?.[1] ?? null;

describe('web portal: session timeouts and the shared lockout', function () {
  this.timeout(90_000);
  let pg: PortalGateway;
  let clock = new Date();

  before(async () => {
    pg = await startPortalGateway({
      now: () => clock,
      docgate: { web: { listeners: [{ host: '127.0.0.1', port: 0 }], loginRateLimit: 1000, idleTimeout: '30m', absoluteTimeout: '2h' } },
    });
    for (const [email, agency] of [
      [CLERKS.ubnd, AGENCIES.ubnd.id],
      [CLERKS.snv, AGENCIES.snv.id],
      [CLERKS.snv2, AGENCIES.snv.id],
      [CLERKS.stttt, AGENCIES.stttt.id],
    ] as const) {
      await addClerk(pg.gateway, email, agency);
    }
  });

  after(async () => {
    await pg?.stop();
  });

  const later = (ms: number) => (clock = new Date(clock.getTime() + ms));

  it('ends a session unused for web.idleTimeout, not one in use', async () => {
    const client = new PortalClient(pg.baseUrl);
    expect((await client.login(CLERKS.ubnd, TEST_PASSWORD)).status).to.equal(303);
    for (let i = 0; i < 3; i++) {
      later(29 * MINUTE);
      expect((await client.get('/incoming')).status, `after ${(i + 1) * 29} min`).to.equal(200);
    }
    later(31 * MINUTE);
    const ended = await client.get('/incoming');
    expect([ended.status, ended.headers.location]).to.deep.equal([303, '/login']);
  });

  it('ends a busy session web.absoluteTimeout after its login', async () => {
    const client = new PortalClient(pg.baseUrl);
    await client.login(CLERKS.snv, TEST_PASSWORD);
    const cookie = client.lastSetCookie.find((l) => l.startsWith('__Host-dg_session='))!;
    expect(cookie).to.match(/; Max-Age=7200(;|$)/);
    for (let minutes = 25; minutes <= 100; minutes += 25) {
      later(25 * MINUTE);
      expect((await client.get('/incoming')).status, `after ${minutes} min`).to.equal(200);
    }
    later(25 * MINUTE);
    const ended = await client.get('/incoming');
    expect([ended.status, ended.headers.location]).to.deep.equal([303, '/login']);
    // A new login gives a new session.
    expect((await client.login(CLERKS.snv, TEST_PASSWORD)).status).to.equal(303);
    expect((await client.get('/incoming')).status).to.equal(200);
  });

  it('locks SMTP AUTH after failed portal logins, and the portal after failed SMTP AUTH', async () => {
    const maxFailures = pg.gateway.config.docgate.auth.maxFailures;
    const portal = new PortalClient(pg.baseUrl);
    for (let i = 0; i < maxFailures; i++) expect((await portal.login(CLERKS.snv2, `sai-mat-khau-${i}`)).status).to.equal(401);
    expect(await authReply(pg.tlsPort, CLERKS.snv2, TEST_PASSWORD)).to.match(/^535 .*Tai khoan tam khoa/);
    const locked = await portal.login(CLERKS.snv2, TEST_PASSWORD);
    expect(locked.status).to.equal(401);
    expect(errorOf(locked)).to.equal('Tài khoản tạm khóa do đăng nhập sai nhiều lần, vui lòng thử lại sau.');

    for (let i = 0; i < maxFailures; i++) expect(await authReply(pg.tlsPort, CLERKS.stttt, `sai-mat-khau-${i}`)).to.match(/^535 /);
    const other = new PortalClient(pg.baseUrl);
    const refused = await other.login(CLERKS.stttt, TEST_PASSWORD);
    expect(refused.status).to.equal(401);
    expect(errorOf(refused)).to.equal('Tài khoản tạm khóa do đăng nhập sai nhiều lần, vui lòng thử lại sau.');
    expect(other.cookies.has('__Host-dg_session')).to.equal(false);

    // auth.lockDuration later both ends take the password again.
    later(pg.gateway.config.docgate.auth.lockDuration + MINUTE);
    expect((await other.login(CLERKS.stttt, TEST_PASSWORD)).status).to.equal(303);
    expect(await authReply(pg.tlsPort, CLERKS.snv2, TEST_PASSWORD)).to.equal('235 2.7.0 Authentication successful');
  });
});
