// Bad input over the wire: each attempt gets its reply code and reason code, changes nothing in the
// database or the blob store, and never takes the server down.

import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, TEST_PASSWORD, type TestGateway } from '../helpers/gateway.js';
import { authenticatedSession, WireClient } from '../helpers/smtp-wire.js';
import { fileStoreOf } from '../../storage/blobs.js';

async function snapshot(tg: TestGateway): Promise<Record<string, number>> {
  const m = tg.gateway.storage.db.models;
  const blobs = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? blobs(path.join(dir, e.name)) : 1), 0);
  return {
    documents: await m.Document.count(),
    entries: await m.RegisterEntry.count(),
    mailboxRows: await m.MailboxMessage.count(),
    messages: await m.Message.count(),
    blobs: blobs(fileStoreOf(tg.gateway.storage.blobs).root),
    spool: readdirSync(tg.gateway.storage.spoolDir).length,
  };
}

function message(from: string, to: string, body = 'Noi dung'): string {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: test\r\nMessage-ID: <${Math.random()}@test>\r\n\r\n${body}\r\n`;
}

describe('SMTP hostile input', function () {
  let tg: TestGateway;
  let baseline: Record<string, number>;

  before(async () => {
    tg = await startTestGateway({ docgate: { smtp: { maxMessageSize: 64 * 1024, maxRecipients: 5 }, auth: { maxFailures: 3 } } });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    await addClerk(tg.gateway, 'tam@snv.hatinh.gov.vn', AGENCIES.snv.id, { mustChange: true });
    await addClerk(tg.gateway, 'khoa@snv.hatinh.gov.vn', AGENCIES.snv.id);
    await tg.gateway.storage.writes.run((t) => tg.gateway.storage.accounts.setDisabled(t, 'khoa@snv.hatinh.gov.vn', true, new Date()));
  });
  beforeEach(async () => {
    baseline = await snapshot(tg);
  });
  afterEach(async () => {
    expect(await snapshot(tg)).to.deep.equal(baseline);
  });
  after(async () => tg.stop());

  it('does not offer AUTH before TLS and refuses it with [auth-required]', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    await c.reply();
    const ehlo = await c.command('EHLO x.test');
    expect(ehlo.text).to.contain('STARTTLS');
    expect(ehlo.text).to.not.match(/AUTH/);
    const auth = await c.login(AGENCIES.ubnd.address, TEST_PASSWORD);
    expect(auth.text).to.equal('538 5.7.0 [auth-required] Phai bat TLS (STARTTLS) truoc khi dang nhap / Must issue a STARTTLS command first');
    const mail = await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`);
    expect(mail.text).to.equal('530 5.7.0 [auth-required] Can dang nhap truoc khi gui / Authentication required');
    c.close();
  });

  it('refuses a wrong password and locks the account+address after repeated failures', async () => {
    const c = await WireClient.connect(tg.tlsPort, true);
    await c.reply();
    await c.command('EHLO x.test');
    for (let i = 0; i < 3; i++) {
      const r = await c.login('vanthu@stttt.hatinh.gov.vn', 'wrong-password-123');
      expect(r.text).to.equal('535 5.7.8 [auth-required] Sai ten dang nhap hoac mat khau / Invalid user name or password');
    }
    c.close();
    await addClerk(tg.gateway, 'vanthu@stttt.hatinh.gov.vn', AGENCIES.stttt.id);
    baseline = await snapshot(tg);
    const d = await WireClient.connect(tg.tlsPort, true);
    await d.reply();
    await d.command('EHLO x.test');
    const locked = await d.login('vanthu@stttt.hatinh.gov.vn', TEST_PASSWORD);
    expect(locked.code).to.equal(535);
    expect(locked.text).to.match(/^535 5\.7\.8 \[auth-required\] Tai khoan tam khoa .* \/ Account temporarily locked/);
    d.close();
  });

  it('refuses a temporary password until it is changed, and an administrator-locked account', async () => {
    const c = await WireClient.connect(tg.tlsPort, true);
    await c.reply();
    await c.command('EHLO x.test');
    const temp = await c.login('tam@snv.hatinh.gov.vn', TEST_PASSWORD);
    expect(temp.text).to.equal(
      '535 5.7.8 [auth-required] Mat khau tam thoi phai duoc doi tren cong web truoc khi su dung / The temporary password must be changed on the web portal before use',
    );
    const locked = await c.login('khoa@snv.hatinh.gov.vn', TEST_PASSWORD);
    expect(locked.text).to.equal('535 5.7.8 [auth-required] Tai khoan da bi khoa boi quan tri vien / Account locked by the administrator');
    c.close();
  });

  it('refuses a MAIL FROM of another agency and a header From of another agency', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    const spoofEnvelope = await c.command(`MAIL FROM:<${AGENCIES.snv.address}>`);
    expect(spoofEnvelope.text).to.equal(
      "550 5.7.1 [sender-unauthorized] Dia chi gui khong thuoc co quan cua tai khoan: vanthu@snv.hatinh.gov.vn / Sender address does not belong to the account's agency: vanthu@snv.hatinh.gov.vn",
    );
    expect((await c.command('MAIL FROM:<>')).text).to.match(/^550 5\.7\.1 \[sender-unauthorized\]/);
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).code).to.equal(250);
    expect((await c.command(`RCPT TO:<${AGENCIES.snv.address}>`)).code).to.equal(250);
    expect((await c.command('DATA')).code).to.equal(354);
    c.write(message(`Giả mạo <${AGENCIES.snv.address}>`, AGENCIES.snv.address) + '.\r\n');
    const data = await c.reply();
    expect(data.text).to.match(/^550 5\.7\.1 \[sender-unauthorized\] .*vanthu@snv\.hatinh\.gov\.vn/);
    c.close();
    // A policy refusal is recorded as returned in the sender's register: not a protocol error.
    const after = await snapshot(tg);
    expect(after.documents).to.equal(baseline.documents + 1);
    const doc = await tg.gateway.storage.db.models.Document.findOne({ order: [['receivedAt', 'DESC']] });
    expect(doc!.get('status')).to.equal('returned');
    const entries = await tg.gateway.storage.register.entriesOf(doc!.get('id') as string);
    expect(entries.map((e) => [e.book, e.number, e.status])).to.deep.equal([['outgoing', null, 'returned']]);
    baseline = after;
  });

  it('refuses unknown recipients and too many recipients', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`);
    const unknown = await c.command('RCPT TO:<ai.do@example.com>');
    expect(unknown.text).to.equal(
      '550 5.1.1 [recipient-unknown] Noi nhan khong phai dia chi cua co quan nao trong he thong: ai.do@example.com / Recipient is not an address of any configured agency: ai.do@example.com',
    );
    for (let i = 0; i < 5; i++) expect((await c.command(`RCPT TO:<u${i}@snv.hatinh.gov.vn>`)).code).to.equal(250);
    const sixth = await c.command('RCPT TO:<u6@snv.hatinh.gov.vn>');
    expect(sixth.text).to.equal('452 4.5.3 [protocol-violation] Qua nhieu noi nhan / Too many recipients');
    c.close();
  });

  it('refuses an oversize message announced by SIZE and one that exceeds it in DATA', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    const announced = await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}> SIZE=999999999`);
    expect(announced.code).to.equal(552);
    expect(announced.text).to.match(/^552 5\.3\.4 \[size-limit\]/);
    await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`);
    await c.command(`RCPT TO:<${AGENCIES.snv.address}>`);
    await c.command('DATA');
    const line = 'x'.repeat(900) + '\r\n';
    c.write(message(AGENCIES.ubnd.address, AGENCIES.snv.address, line.repeat(100)) + '.\r\n');
    const data = await c.reply();
    expect(data.text).to.equal('552 5.3.4 [size-limit] Thu vuot qua kich thuoc cho phep: DATA / Message exceeds the size limit: DATA');
    expect((await c.command('NOOP')).code).to.equal(250);
    c.close();
  });

  const smuggling: [string, string][] = [
    ['bare LF before the dot', '\n.\r\n'],
    ['bare LF dot bare LF', '\n.\n'],
    ['CR LF dot bare LF', '\r\n.\n'],
    ['bare CR dot bare CR', '\r.\r'],
    ['bare CR before the dot', '\r.\r\n'],
  ];
  for (const [name, sequence] of smuggling) {
    it(`refuses SMTP smuggling with ${name}, never splitting the message in two`, async () => {
      const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
      await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`);
      await c.command(`RCPT TO:<${AGENCIES.snv.address}>`);
      await c.command('DATA');
      const smuggled = `MAIL FROM:<${AGENCIES.ubnd.address}>\r\nRCPT TO:<${AGENCIES.stttt.address}>\r\nDATA\r\n${message(AGENCIES.ubnd.address, AGENCIES.stttt.address)}`;
      c.write(`${message(AGENCIES.ubnd.address, AGENCIES.snv.address).slice(0, -2)}${sequence}${smuggled}.\r\n`);
      const reply = await c.reply();
      expect(reply.text).to.match(
        /^550 5\.5\.2 \[protocol-violation\] Vi pham giao thuc SMTP: ky tu (LF|CR) khong di kem (CR|LF) \(bare (LF|CR)\) \/ SMTP protocol violation: bare (LF|CR)$/,
      );
      // Exactly one reply: the smuggled commands were data, not commands.
      expect((await c.command('NOOP')).code).to.equal(250);
      c.close();
    });
  }

  it('refuses NUL bytes in DATA and over-long lines', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`);
    await c.command(`RCPT TO:<${AGENCIES.snv.address}>`);
    await c.command('DATA');
    c.write(message(AGENCIES.ubnd.address, AGENCIES.snv.address, 'a\0b') + '.\r\n');
    expect((await c.reply()).text).to.equal('550 5.6.0 [malformed-mime] Cau truc thu khong hop le: co ky tu NUL / Malformed message structure: NUL byte');
    await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`);
    await c.command(`RCPT TO:<${AGENCIES.snv.address}>`);
    await c.command('DATA');
    c.write(message(AGENCIES.ubnd.address, AGENCIES.snv.address, 'y'.repeat(1200)) + '.\r\n');
    expect((await c.reply()).text).to.equal('550 5.5.2 [protocol-violation] Vi pham giao thuc SMTP: dong qua dai / SMTP protocol violation: line too long');
    c.close();
  });

  it('answers a 1 MB command line with an error and closes, and keeps serving others', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    await c.reply();
    c.write('EHLO ' + 'a'.repeat(1024 * 1024) + '\r\n');
    const reply = await c.reply();
    // 500 (permanent), not smtp-server's 421: the line is wrong, not the server busy.
    expect(reply.text).to.equal('500 5.5.2 [protocol-violation] Dong lenh qua dai / Command line too long');
    expect(await c.waitClosed()).to.equal(true);
    const d = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    expect((await d.command('NOOP')).code).to.equal(250);
    d.close();
  });

  it('survives NUL bytes and pipelined garbage in commands, then disconnects the client', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    await c.reply();
    c.write('EHLO \0\0\0\r\nHELO\r\nMAIL FROM:<\0>\r\n\xff\xfe\r\nRCPT\r\nDATA\r\n' + 'GARBAGE\r\n'.repeat(20));
    const replies = [];
    while (!c.closed && replies.length < 30) {
      try {
        replies.push(await c.reply(2000));
      } catch {
        break;
      }
    }
    expect(replies.length).to.be.greaterThan(0);
    expect(replies.every((r) => r.code >= 400 || r.code === 250)).to.equal(true);
    expect(await c.waitClosed()).to.equal(true);
    const d = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    expect((await d.command('NOOP')).code).to.equal(250);
    d.close();
  });

  it('limits the number of commands in one session', async () => {
    const small = await startTestGateway({ docgate: { smtp: { maxCommands: 20 } } });
    try {
      await addClerk(small.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
      const c = await authenticatedSession(small.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
      let last = null;
      for (let i = 0; i < 25 && !c.closed; i++) {
        last = await c.command('NOOP').catch(() => null);
        if (!last || last.code === 421) break;
      }
      expect(last?.text).to.equal('421 4.7.0 [protocol-violation] Qua nhieu lenh trong mot phien / Too many commands in one session');
      expect(await c.waitClosed()).to.equal(true);
    } finally {
      await small.stop();
    }
  });

  it('closes an idle session with a timeout reply', async () => {
    const idle = await startTestGateway({ docgate: { smtp: { idleTimeout: '1s' } } });
    try {
      const c = await WireClient.connect(idle.starttlsPort);
      await c.reply();
      const reply = await c.reply(5000);
      expect(reply.text).to.equal('421 4.4.2 [protocol-violation] Het thoi gian cho, dong ket noi / Timeout, closing connection');
      expect(await c.waitClosed()).to.equal(true);
    } finally {
      await idle.stop();
    }
  });

  it('survives 300 random command lines from 10 concurrent clients (bounded fuzz)', async function () {
    this.timeout(60_000);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const verbs = [
      'EHLO',
      'HELO',
      'MAIL FROM:',
      'RCPT TO:',
      'DATA',
      'RSET',
      'NOOP',
      'VRFY',
      'AUTH PLAIN',
      'AUTH LOGIN',
      'STARTTLS',
      'BDAT',
      'XCLIENT',
      'QUIT',
      '',
    ];
    const junk = () => {
      let out = '';
      const n = Math.floor(random() * 40);
      for (let i = 0; i < n; i++) out += String.fromCharCode(Math.floor(random() * 256));
      return out;
    };
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const c = await WireClient.connect(tg.starttlsPort);
        await c.reply();
        for (let i = 0; i < 30 && !c.closed; i++) {
          const line = `${verbs[Math.floor(random() * verbs.length)]} ${junk()}`.replace(/\r|\n/g, '');
          c.write(Buffer.from(`${line}\r\n`, 'latin1'));
          await c.reply(3000).catch(() => null);
        }
        c.close();
      }),
    );
    const d = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    expect((await d.command('NOOP')).code).to.equal(250);
    d.close();
  });

  it('leaves nothing behind when the client disconnects in the middle of DATA', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`);
    await c.command(`RCPT TO:<${AGENCIES.snv.address}>`);
    await c.command('DATA');
    c.write(message(AGENCIES.ubnd.address, AGENCIES.snv.address, 'x'.repeat(500) + '\r\n') + 'y'.repeat(300));
    await new Promise((r) => setTimeout(r, 100));
    c.close();
    // The spool file of the aborted message goes away; the server keeps serving.
    for (let i = 0; i < 50 && readdirSync(tg.gateway.storage.spoolDir).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    const d = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    expect((await d.command('NOOP')).code).to.equal(250);
    d.close();
  });
});
