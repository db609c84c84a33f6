// The portal over HTTPS without a browser: every lookup scoped to the clerk's agency (another
// agency's document, file or .eml by id is a 404), CSRF tokens required on POST, a new session id at
// login (a planted one is dropped), cookie flags, security headers, downloads with RFC 6266 names,
// password history and character classes, the administrator pages closed to clerks, the register's
// search on the agency's own book, returned documents with their reasons, the language (cookie, then
// Accept-Language) and dates dd/mm/yyyy HH:mm in the register's time zone.

import { expect } from 'chai';
import { addClerk, TEST_PASSWORD, transport } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { CLERKS, deliver } from '../helpers/imap.js';
import { PortalClient, request, startPortalGateway, type PortalGateway } from '../helpers/portal.js';

describe('web portal: access control and security headers', function () {
  this.timeout(60_000);
  let pg: PortalGateway;
  let trackingId: string;
  let fileId: number;
  let otherTrackingId: string;

  before(async () => {
    pg = await startPortalGateway();
    for (const [email, agency] of [
      [CLERKS.ubnd, AGENCIES.ubnd.id],
      [CLERKS.snv, AGENCIES.snv.id],
      [CLERKS.stttt, AGENCIES.stttt.id],
    ] as const) {
      await addClerk(pg.gateway, email, agency);
    }
    const doc = await deliver(pg, {
      subject: 'V/v kế hoạch cải cách hành chính',
      text: 'Số ký hiệu: 12/KH-UBND\nTrích yếu: V/v kế hoạch cải cách hành chính năm 2027\n',
      attachments: [{ filename: 'Kế hoạch 12-KH "năm" 2027.pdf', content: Buffer.from('%PDF-1.4\n% kế hoạch\n%%EOF\n') }],
    });
    trackingId = doc.trackingId;
    fileId = (await pg.gateway.storage.register.filesOf(trackingId))[0].id;
    otherTrackingId = (await deliver(pg, { subject: 'V/v khác', text: 'Trích yếu: V/v khác\n', to: [CLERKS.stttt] })).trackingId;
  });

  after(async () => {
    await pg?.stop();
  });

  it('shows the document to its sender and recipient, and 404s it, its file and its .eml to a third agency', async () => {
    const sender = new PortalClient(pg.baseUrl);
    expect((await sender.login(CLERKS.ubnd, TEST_PASSWORD)).status).to.equal(303);
    expect((await sender.get(`/documents/${trackingId}`)).text).to.contain('12/KH-UBND');
    const recipient = new PortalClient(pg.baseUrl);
    await recipient.login(CLERKS.snv, TEST_PASSWORD);
    const page = await recipient.get(`/documents/${trackingId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('V/v kế hoạch cải cách hành chính năm 2027');
    const file = await recipient.get(`/documents/${trackingId}/files/${fileId}`);
    expect(file.status).to.equal(200);
    expect(file.body.toString('latin1')).to.match(/^%PDF-1\.4/);
    expect(file.headers['content-disposition']).to.equal(
      `attachment; filename="Ke hoach 12-KH _nam_ 2027.pdf"; filename*=UTF-8''${encodeURIComponent('Kế hoạch 12-KH "năm" 2027.pdf')}`,
    );
    const eml = await recipient.get(`/documents/${trackingId}/original.eml`);
    expect(eml.status).to.equal(200);
    expect(eml.text).to.contain('Subject:');
    expect(eml.headers['content-disposition']).to.match(/^attachment; filename="DG\d{8}-[A-Z2-9]{10}\.eml"/);

    const outsider = new PortalClient(pg.baseUrl);
    await outsider.login(CLERKS.stttt, TEST_PASSWORD);
    for (const path of [`/documents/${trackingId}`, `/documents/${trackingId}/files/${fileId}`, `/documents/${trackingId}/original.eml`]) {
      const res = await outsider.get(path);
      expect(res.status, path).to.equal(404);
      expect(res.text).not.to.contain('12/KH-UBND');
    }
    // A file id of another document under a document the clerk may see is a 404 too.
    expect((await outsider.get(`/documents/${otherTrackingId}`)).status).to.equal(200);
    expect((await outsider.get(`/documents/${otherTrackingId}/files/${fileId}`)).status).to.equal(404);
    // The register pages list only the agency's own entries.
    expect((await outsider.get('/incoming')).text).not.to.contain('12/KH-UBND');
    expect((await recipient.get('/incoming')).text).to.contain('12/KH-UBND');
  });

  it('refuses a POST without a valid CSRF token', async () => {
    const client = new PortalClient(pg.baseUrl);
    await client.get('/login');
    const none = await client.post('/login', { email: CLERKS.snv, password: TEST_PASSWORD });
    expect(none.status).to.equal(403);
    expect(client.cookies.has('__Host-dg_session')).to.equal(false);
    await client.login(CLERKS.snv, TEST_PASSWORD);
    const forged = await client.post('/password', {
      _csrf: 'forged-token',
      current: TEST_PASSWORD,
      password: 'Khong-bao-gio-doi-2027',
      confirm: 'Khong-bao-gio-doi-2027',
    });
    expect(forged.status).to.equal(403);
    expect((await client.post('/logout', {})).status).to.equal(403);
  });

  it('gives a new session id at login, drops a planted one, and sets the cookie flags', async () => {
    const client = new PortalClient(pg.baseUrl);
    client.cookies.set('__Host-dg_session', 'planted-by-an-attacker');
    expect((await client.get('/incoming')).status).to.equal(303);
    await client.login(CLERKS.snv, TEST_PASSWORD);
    const line = client.lastSetCookie.find((l) => l.startsWith('__Host-dg_session='))!;
    expect(line)
      .to.match(/; HttpOnly/)
      .and.to.match(/; Secure/)
      .and.to.match(/; SameSite=Strict/)
      .and.to.match(/; Path=\//);
    const first = client.cookies.get('__Host-dg_session')!;
    expect(first).not.to.equal('planted-by-an-attacker');
    // Logging in again from the same browser gives yet another id, and the previous one is dead.
    const signedIn = await client.get('/incoming');
    await client.post('/login', { _csrf: PortalClient.csrfOf(signedIn), email: CLERKS.snv, password: TEST_PASSWORD });
    const second = client.cookies.get('__Host-dg_session')!;
    expect(second).not.to.equal(first);
    const old = await request(pg.baseUrl, '/incoming', { headers: { cookie: `__Host-dg_session=${first}` } });
    expect(old.status).to.equal(303);
    expect((await client.get('/incoming')).status).to.equal(200);
    // Logout ends it.
    const page = await client.get('/incoming');
    await client.post('/logout', { _csrf: PortalClient.csrfOf(page) });
    expect((await request(pg.baseUrl, '/incoming', { headers: { cookie: `__Host-dg_session=${second}` } })).status).to.equal(303);
  });

  it('sends the security headers', async () => {
    const res = await request(pg.baseUrl, '/login');
    const csp = String(res.headers['content-security-policy']);
    expect(csp)
      .to.contain("frame-ancestors 'none'")
      .and.to.contain("default-src 'none'")
      .and.to.match(/script-src 'self' 'nonce-[0-9a-f]{32}'/);
    expect(csp).not.to.contain('unsafe-inline');
    expect(csp).not.to.contain('unsafe-eval');
    expect(res.headers['strict-transport-security']).to.match(/max-age=\d{7,}/);
    expect(res.headers['referrer-policy']).to.equal('no-referrer');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['cache-control']).to.equal('no-store');
    // The CSRF secret's cookie has the session cookie's flags.
    const set = res.headers['set-cookie'] ?? [];
    const csrfCookie = (Array.isArray(set) ? set : [set]).find((l) => l.startsWith('__Host-dg_csrf='));
    expect(csrfCookie)
      .to.match(/; HttpOnly/)
      .and.to.match(/; Secure/)
      .and.to.match(/; SameSite=Strict/)
      .and.to.match(/; Path=\//);
    // The page's one script carries the nonce of its own response.
    const nonce = /'nonce-([0-9a-f]+)'/.exec(csp)![1];
    expect(res.text).to.contain(`<script src="/static/portal.js" nonce="${nonce}" defer></script>`);
    expect((await request(pg.baseUrl, '/static/portal.js')).status).to.equal(200);
  });

  it('searches the agency’s own book only', async () => {
    const recipient = new PortalClient(pg.baseUrl);
    await recipient.login(CLERKS.snv, TEST_PASSWORD);
    const rows = async (query: string) => {
      const page = await recipient.get(`/incoming?${query}`);
      expect(page.status, query).to.equal(200);
      return /<table class="register">[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? '';
    };
    // Words without diacritics find the trích yếu; a word of no document finds nothing.
    expect(await rows('q=cai+cach+hanh+chinh')).to.contain('12/KH-UBND');
    expect(await rows('q=ngan+sach+quoc+phong')).not.to.contain('12/KH-UBND');
    expect(await rows(`documentNumber=${encodeURIComponent('12/KH-UBND')}`)).to.contain('12/KH-UBND');
    expect(await rows(`counterpart=${AGENCIES.stttt.id}`)).not.to.contain('12/KH-UBND');
    // The third agency's search finds none of it, whatever it asks.
    const outsider = new PortalClient(pg.baseUrl);
    await outsider.login(CLERKS.stttt, TEST_PASSWORD);
    for (const book of ['incoming', 'outgoing']) {
      const page = await outsider.get(`/${book}?q=cai+cach&counterpart=${AGENCIES.ubnd.id}`);
      expect(page.text, book).not.to.contain('12/KH-UBND');
    }
    // A bad filter is named, not an error page.
    const bad = await recipient.get('/incoming?from=31/02/2027');
    expect(bad.status).to.equal(200);
    expect(bad.text).to.contain('Có ô lọc không hợp lệ');
  });

  it('lists the agency’s returned documents with their reasons', async () => {
    // A From of another agency: refused by sender-header, a returned entry in the sender's sổ đi.
    const smtp = transport(pg.tlsPort, CLERKS.snv, TEST_PASSWORD, true);
    const refused: unknown = await smtp
      .sendMail({
        envelope: { from: CLERKS.snv, to: [CLERKS.ubnd] },
        raw: `From: ${CLERKS.stttt}\r\nTo: ${CLERKS.ubnd}\r\nSubject: V/v mao danh\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTrích yếu: V/v văn bản mạo danh cơ quan khác\r\n`,
      })
      .catch((err: unknown) => err);
    smtp.close();
    expect(String(refused)).to.match(/550 5\.7\.1 \[sender-unauthorized\]/);
    const sender = new PortalClient(pg.baseUrl);
    await sender.login(CLERKS.snv, TEST_PASSWORD);
    const page = await sender.get('/returned');
    expect(page.status).to.equal(200);
    const rows = [...page.text.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]).filter((r) => r.includes('[sender-unauthorized]'));
    expect(rows, 'the one returned document').to.have.length(1);
    const row = rows[0];
    expect(row)
      .to.contain('Địa chỉ gửi không thuộc cơ quan của tài khoản')
      .and.to.match(/V\/v (văn bản mạo danh cơ quan khác|mao danh)/);
    const id = /href="\/documents\/([^"]+)"/.exec(row)![1];
    const doc = await sender.get(`/documents/${id}`);
    expect(doc.status).to.equal(200);
    expect(doc.text).to.contain('Lý do trả lại');
    // Not the recipient's, nor anyone else's.
    for (const clerk of [CLERKS.ubnd, CLERKS.stttt]) {
      const other = new PortalClient(pg.baseUrl);
      await other.login(clerk, TEST_PASSWORD);
      expect((await other.get('/returned')).text, clerk).not.to.contain('[sender-unauthorized]');
      expect((await other.get(`/documents/${id}`)).status, clerk).to.equal(404);
    }
  });

  it('speaks Vietnamese first, English by cookie or Accept-Language, and writes dates in the register’s time zone', async () => {
    const vi = await request(pg.baseUrl, '/login');
    expect(vi.text).to.contain('<html lang="vi">').and.to.contain('<h1>Đăng nhập</h1>');
    const en = await request(pg.baseUrl, '/login', { headers: { 'accept-language': 'en-GB,en;q=0.9,vi;q=0.5' } });
    expect(en.text).to.contain('<html lang="en">').and.to.contain('<h1>Log in</h1>');
    const chosen = await request(pg.baseUrl, '/login', { headers: { 'accept-language': 'en-GB', cookie: 'dg_lang=vi' } });
    expect(chosen.text).to.contain('<html lang="vi">');
    // The switch sets the cookie and goes back to a path of this site only.
    const switched = await request(pg.baseUrl, '/lang/en?back=%2Fincoming');
    expect([switched.status, switched.headers.location]).to.deep.equal([303, '/incoming']);
    expect(String(switched.headers['set-cookie']))
      .to.match(/^dg_lang=en;/)
      .and.to.match(/; Path=\/(;|$)/)
      .and.to.match(/; Secure(;|$)/)
      .and.to.match(/; SameSite=Strict(;|$)/);
    expect((await request(pg.baseUrl, '/lang/en?back=%2F%2Fevil.example')).headers.location).to.equal('/');

    const client = new PortalClient(pg.baseUrl);
    await client.login(CLERKS.snv, TEST_PASSWORD);
    const doc = (await pg.gateway.storage.register.findDocument(trackingId))!;
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: pg.gateway.config.docgate.timezone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .format(doc.receivedAt)
      .replace(', ', ' ');
    expect(local).to.match(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    const page = await client.get(`/documents/${trackingId}`);
    expect(page.text).to.match(new RegExp(`<th scope="row">Ngày nhận</th>\\s*<td>${local}</td>`));
    client.cookies.set('dg_lang', 'en');
    const english = await client.get(`/documents/${trackingId}`);
    expect(english.text).to.match(new RegExp(`<th scope="row">Received</th>\\s*<td>${local}</td>`));
  });

  it('keeps administrator pages from clerks, and refuses a reused password', async () => {
    const client = new PortalClient(pg.baseUrl);
    await client.login(CLERKS.ubnd, TEST_PASSWORD);
    for (const path of ['/admin/accounts', '/admin/quarantine', '/admin/queue', '/admin/config']) expect((await client.get(path)).status, path).to.equal(404);
    const change = async (current: string, next: string) => {
      const form = await client.get('/password');
      return client.post('/password', { _csrf: PortalClient.csrfOf(form), current, password: next, confirm: next });
    };
    expect((await change(TEST_PASSWORD, 'Chinh-sach-moi-Ha-Tinh-1')).status).to.equal(303);
    expect((await change('Chinh-sach-moi-Ha-Tinh-1', 'Chinh-sach-moi-Ha-Tinh-2')).status).to.equal(303);
    const reused = await change('Chinh-sach-moi-Ha-Tinh-2', TEST_PASSWORD);
    expect(reused.status).to.equal(400);
    expect(/class="error"[^>]*>([^<]*)/.exec(reused.text)?.[1]).to.contain('mật khẩu mới không được trùng một mật khẩu đã dùng gần đây');
    const wrong = await change('not-the-password', 'Chinh-sach-moi-Ha-Tinh-3');
    expect(wrong.status).to.equal(400);
    // Two character classes of the three docgate.yaml asks for: refused with the rule's message.
    const plain = await change('Chinh-sach-moi-Ha-Tinh-2', 'chinh-sach-cua-so');
    expect(plain.status).to.equal(400);
    expect(/class="error"[^>]*>([^<]*)/.exec(plain.text)?.[1]).to.equal(
      'Mật khẩu không hợp lệ: mật khẩu phải có ít nhất 3 trong 4 loại ký tự: chữ thường, chữ hoa, chữ số, ký tự khác',
    );
    expect(plain.text).to.contain('Có ít nhất 3 trong 4 loại: chữ thường, chữ hoa, chữ số, ký tự khác');
  });
});

describe('web portal: login rate limit', function () {
  this.timeout(60_000);
  let pg: PortalGateway;

  before(async () => {
    pg = await startPortalGateway({ docgate: { web: { listeners: [{ host: '127.0.0.1', port: 0 }], loginRateLimit: 3 } } });
  });

  after(async () => {
    await pg?.stop();
  });

  it('answers 429 past web.loginRateLimit attempts a minute from one address', async () => {
    const client = new PortalClient(pg.baseUrl);
    const form = await client.get('/login');
    const token = PortalClient.csrfOf(form);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await client.post('/login', { _csrf: token, email: CLERKS.snv, password: `wrong-${i}` })).status);
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
  });
});
