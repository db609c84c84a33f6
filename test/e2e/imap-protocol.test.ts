// IMAP over a raw socket: greeting and capabilities by state, STARTTLS and LOGINDISABLED, LOGIN and
// AUTHENTICATE with the same lockout and account states as SMTP, mailbox management with Vietnamese
// names in modified UTF-7, literals (synchronising and LITERAL+) and the size limits.

import { expect } from 'chai';
import { encodeMailboxName } from '../../gateway/imap/protocol/mutf7.js';
import { hashPassword } from '../../storage/accounts/password.js';
import { AGENCIES } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, loggedIn, startImapGateway, TEST_PASSWORD } from '../helpers/imap.js';
import { ImapWire } from '../helpers/imap-wire.js';

const REGISTERED = encodeMailboxName('Đã vào sổ');

describe('IMAP protocol: states, authentication, mailboxes, literals', function () {
  let tg: TestGateway;

  before(async function () {
    tg = await startImapGateway({ docgate: { imap: { maxCommandLength: '8KiB', maxLiteralSize: '16KiB', maxAppendSize: '512KiB', maxAuthFailures: 3 } } });
  });
  after(async () => tg.stop());

  it('STARTTLS port: LOGINDISABLED before TLS, LOGIN refused with PRIVACYREQUIRED, then STARTTLS and LOGIN', async function () {
    const w = await ImapWire.connect(tg.imapStarttlsPort, { tls: false });
    const greeting = await w.greeting();
    expect(greeting).to.match(/^\* OK \[CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED /);
    expect(greeting).to.not.contain('AUTH=PLAIN');
    const refused = await w.command(`LOGIN ${CLERKS.snv} ${TEST_PASSWORD}`);
    expect(refused.tagged).to.match(/^A001 NO \[PRIVACYREQUIRED\] Can ma hoa TLS truoc khi dang nhap \(STARTTLS\) \/ TLS is required before login/);
    expect((await w.command('AUTHENTICATE PLAIN')).tagged).to.match(/NO \[PRIVACYREQUIRED\]/);
    expect((await w.command('SELECT INBOX')).tagged).to.match(/^A003 BAD /);
    expect((await w.command('STARTTLS')).tagged).to.match(/^A004 OK /);
    await w.startTls();
    const caps = await w.command('CAPABILITY');
    expect(caps.lines[0]).to.match(/^\* CAPABILITY IMAP4rev1 AUTH=PLAIN /);
    expect(caps.lines[0]).to.not.contain('STARTTLS');
    expect((await w.login(CLERKS.snv, TEST_PASSWORD)).tagged).to.match(/^A006 OK \[CAPABILITY /);
    w.close();
  });

  it('STARTTLS discards commands pipelined after it (no plaintext injection)', async function () {
    const w = await ImapWire.connect(tg.imapStarttlsPort, { tls: false });
    await w.greeting();
    w.send(`S1 STARTTLS\r\nS2 LOGIN ${CLERKS.snv} ${TEST_PASSWORD}\r\n`);
    expect((await w.until('S1')).tagged).to.match(/^S1 OK/);
    await w.startTls();
    const r = await w.command('NOOP', { tag: 'S3' });
    expect(r.lines.join('\n')).to.not.contain('S2');
    expect((await w.command('SELECT INBOX', { tag: 'S4' })).tagged).to.match(/^S4 BAD/);
    w.close();
  });

  it('AUTHENTICATE PLAIN with a continuation and with SASL-IR', async function () {
    const token = Buffer.from(`\0${CLERKS.snv}\0${TEST_PASSWORD}`).toString('base64');
    const w = await ImapWire.connect(tg.imapTlsPort, { tls: true });
    await w.greeting();
    w.send('P1 AUTHENTICATE PLAIN\r\n');
    expect((await w.line())!.text).to.equal('+ ');
    w.send(`${token}\r\n`);
    expect((await w.until('P1')).tagged).to.match(/^P1 OK \[CAPABILITY/);
    w.close();
    const w2 = await ImapWire.connect(tg.imapTlsPort, { tls: true });
    await w2.greeting();
    expect((await w2.command(`AUTHENTICATE PLAIN ${token}`)).tagged).to.match(/^A001 OK/);
    expect((await w2.command('AUTHENTICATE PLAIN =')).tagged).to.match(/^A002 BAD/);
    w2.close();
  });

  it('refuses like SMTP: wrong password, temporary password, administrator lock; BYE after repeated failures', async function () {
    const temp = `tam@${AGENCIES.snv.domain}`;
    const locked = `khoa@${AGENCIES.snv.domain}`;
    await tg.gateway.storage.writes.run(async (t) => {
      const passwordHash = await hashPassword(TEST_PASSWORD);
      await tg.gateway.storage.accounts.create(t, { email: temp, agencyId: AGENCIES.snv.id, passwordHash, mustChangePassword: true, now: new Date() });
      await tg.gateway.storage.accounts.create(t, { email: locked, agencyId: AGENCIES.snv.id, passwordHash, mustChangePassword: false, now: new Date() });
      await tg.gateway.storage.accounts.setDisabled(t, locked, true, new Date());
    });
    const w = await ImapWire.connect(tg.imapTlsPort, { tls: true });
    await w.greeting();
    expect((await w.login(temp, TEST_PASSWORD)).tagged).to.equal(
      'A001 NO [EXPIRED] Mat khau tam thoi phai duoc doi tren cong web truoc khi su dung / The temporary password must be changed on the web portal before use',
    );
    expect((await w.login(locked, TEST_PASSWORD)).tagged).to.equal(
      'A002 NO [CONTACTADMIN] Tai khoan da bi khoa boi quan tri vien / Account locked by the administrator',
    );
    const last = await w.login(CLERKS.snv, 'sai-mat-khau');
    expect(last.lines).to.include('* BYE Qua nhieu lan dang nhap that bai / Too many failed logins');
    expect(last.tagged).to.equal('A003 NO [AUTHENTICATIONFAILED] Sai ten dang nhap hoac mat khau / Invalid user name or password');
    expect(await w.line(2_000)).to.equal(null);
  });

  it('lockout after repeated failures from one address applies to IMAP as to SMTP', async function () {
    const user = `khoa-tam@${AGENCIES.snv.domain}`;
    await tg.gateway.storage.writes.run(async (t) =>
      tg.gateway.storage.accounts.create(t, {
        email: user,
        agencyId: AGENCIES.snv.id,
        passwordHash: await hashPassword(TEST_PASSWORD),
        mustChangePassword: false,
        now: new Date(),
      }),
    );
    for (let i = 0; i < 5; i++) {
      const w = await ImapWire.connect(tg.imapTlsPort, { tls: true });
      await w.greeting();
      expect((await w.login(user, 'sai')).tagged).to.match(/NO \[AUTHENTICATIONFAILED\]/);
      w.close();
    }
    const w = await ImapWire.connect(tg.imapTlsPort, { tls: true });
    await w.greeting();
    expect((await w.login(user, TEST_PASSWORD)).tagged).to.match(/^A001 NO \[UNAVAILABLE\] Tai khoan tam khoa/);
    w.close();
  });

  it('ID, NAMESPACE, ENABLE, NOOP, unknown commands and bad tags', async function () {
    const w = await loggedIn(tg, CLERKS.snv);
    expect((await w.command('ID ("name" "test" "version" NIL)')).lines[0]).to.match(/^\* ID \("name" "docgate"/);
    expect((await w.command('NAMESPACE')).lines).to.deep.equal(['* NAMESPACE (("" "/")) NIL NIL']);
    expect((await w.command('ENABLE CONDSTORE X-UNKNOWN')).lines).to.deep.equal(['* ENABLED CONDSTORE']);
    expect((await w.command('NOOP')).tagged).to.match(/OK/);
    expect((await w.command('FROB')).tagged).to.match(/^A\d+ BAD Lenh khong duoc ho tro \/ Unknown command FROB$/);
    expect((await w.command('UID LIST "" *')).tagged).to.match(/^A\d+ BAD/);
    w.send('+x NOOP\r\n');
    expect((await w.line())!.text).to.match(/^\* BAD /);
    expect((await w.command('FETCH 1 FLAGS')).tagged).to.match(/^A\d+ BAD .*FETCH is not allowed in this state/);
    w.close();
  });

  it('LIST and LSUB with special-use and Vietnamese names in modified UTF-7; CREATE, RENAME, DELETE, SUBSCRIBE', async function () {
    const w = await loggedIn(tg, CLERKS.snv);
    const list = await w.command('LIST "" "*"');
    expect(list.lines).to.include(`* LIST (\\HasNoChildren \\Archive) "/" "${REGISTERED}"`);
    expect(list.lines).to.include('* LIST (\\HasNoChildren \\Sent) "/" "V&AQM-n b&HqM-n &ARE-i"');
    expect(list.lines).to.include('* LIST (\\HasNoChildren) "/" "Tr&HqM- l&HqE-i"');
    expect(list.lines).to.include('* LIST (\\HasNoChildren) "/" "INBOX"');
    expect((await w.command('LIST "" ""')).lines).to.deep.equal(['* LIST (\\Noselect) "/" ""']);
    const archive = encodeMailboxName('Lưu trữ/Năm 2026');
    expect(archive).to.equal('L&AbA-u tr&Hu8-/N&AQM-m 2026');
    expect((await w.command(`CREATE "${archive}"`)).tagged).to.match(/^A\d+ OK/);
    expect((await w.command(`CREATE "${archive}"`)).tagged).to.match(/NO \[ALREADYEXISTS\]/);
    // CREATE does not subscribe (README, IMAP): the client subscribes itself.
    expect((await w.command('LSUB "" "L&AbA-u tr&Hu8-/*"')).lines).to.deep.equal([]);
    expect((await w.command(`SUBSCRIBE "${archive}"`)).tagged).to.match(/OK/);
    const tree = await w.command('LIST "" "L&AbA-u tr&Hu8-/%"');
    expect(tree.lines).to.deep.equal([`* LIST (\\HasNoChildren) "/" "${archive}"`]);
    expect((await w.command('LIST "" "%"')).lines).to.include('* LIST (\\HasChildren) "/" "L&AbA-u tr&Hu8-"');
    expect((await w.command('RENAME "L&AbA-u tr&Hu8-" "Kho"')).tagged).to.match(/OK/);
    expect((await w.command('LIST "" "Kho*"')).lines).to.deep.equal(['* LIST (\\HasChildren) "/" "Kho"', '* LIST (\\HasNoChildren) "/" "Kho/N&AQM-m 2026"']);
    expect((await w.command('UNSUBSCRIBE "Kho"')).tagged).to.match(/OK/);
    expect((await w.command('LSUB "" "Kho*"')).lines).to.deep.equal(['* LSUB (\\HasNoChildren) "/" "Kho/N&AQM-m 2026"']);
    expect((await w.command('SUBSCRIBE "Kho"')).tagged).to.match(/OK/);
    expect((await w.command(`DELETE "${REGISTERED}"`)).tagged).to.match(/NO \[CANNOT\]/);
    expect((await w.command('DELETE INBOX')).tagged).to.match(/NO \[CANNOT\]/);
    expect((await w.command('RENAME INBOX Foo')).tagged).to.match(/NO \[CANNOT\]/);
    expect((await w.command('CREATE "&Jjo"')).tagged).to.match(/NO \[CANNOT\] .*modified UTF-7/);
    expect((await w.command('CREATE "a//b"')).tagged).to.match(/NO \[CANNOT\]/);
    expect((await w.command('DELETE "Kho/N&AQM-m 2026"')).tagged).to.match(/OK/);
    expect((await w.command('DELETE "Kho/N&AQM-m 2026"')).tagged).to.match(/NO \[NONEXISTENT\]/);
    expect((await w.command('SELECT "Kho"')).tagged).to.match(/OK \[READ-WRITE\]/);
    w.close();
    // Another clerk of the same agency sees the same folders.
    const other = await loggedIn(tg, CLERKS.snv2);
    expect((await other.command('LIST "" "Kho"')).lines).to.deep.equal(['* LIST (\\HasNoChildren) "/" "Kho"']);
    other.close();
  });

  it('UTF8=ACCEPT: folder names travel as UTF-8 once enabled', async function () {
    const w = await loggedIn(tg, CLERKS.snv);
    expect((await w.command('ENABLE UTF8=ACCEPT')).lines).to.deep.equal(['* ENABLED UTF8=ACCEPT']);
    const list = await w.command('LIST "" "*"');
    const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    expect(list.lines).to.include(utf8('* LIST (\\HasNoChildren \\Archive) "/" "Đã vào sổ"'));
    expect((await w.command('SELECT "Đã vào sổ"')).tagged).to.match(/OK \[READ-WRITE\]/);
    w.close();
  });

  it('synchronising literals get a continuation; LITERAL+ literals do not', async function () {
    const w = await ImapWire.connect(tg.imapTlsPort, { tls: true });
    await w.greeting();
    const user = Buffer.from(CLERKS.snv);
    w.send(`L1 LOGIN {${user.length}}\r\n`);
    expect((await w.line())!.text).to.match(/^\+ /);
    w.send(Buffer.concat([user, Buffer.from(` {${TEST_PASSWORD.length}+}\r\n${TEST_PASSWORD}\r\n`)]));
    expect((await w.until('L1')).tagged).to.match(/^L1 OK/);
    const name = Buffer.from(encodeMailboxName('Đã vào sổ'));
    w.send(Buffer.concat([Buffer.from(`L2 STATUS {${name.length}+}\r\n`), name, Buffer.from(' (MESSAGES)\r\n')]));
    const status = await w.until('L2');
    expect(status.lines[0]).to.match(/^\* STATUS "&ARAA4w- v&AOA-o s&HtU-" \(MESSAGES \d+\)$/);
    w.close();
  });

  it('limits: a too long line and a too big synchronising literal get BAD [TOOBIG]; a too big LITERAL+ ends the connection', async function () {
    const w = await loggedIn(tg, CLERKS.snv);
    w.send(`T1 NOOP ${'x'.repeat(10_000)}\r\n`);
    expect((await w.until('T1')).tagged).to.match(/^T1 BAD \[TOOBIG\] Dong lenh qua dai \/ Command line too long/);
    w.send('T2 LIST "" {20000}\r\n');
    expect((await w.until('T2')).tagged).to.match(/^T2 BAD \[TOOBIG\]/);
    expect((await w.command('NOOP', { tag: 'T3' })).tagged).to.match(/^T3 OK/);
    w.send(`T4 APPEND INBOX {${600 * 1024}}\r\n`);
    expect((await w.until('T4')).tagged).to.match(/^T4 BAD \[TOOBIG\]/);
    w.send('T5 LIST "" {20000+}\r\n');
    expect((await w.line())!.text).to.match(/^\* BYE \[TOOBIG\]/);
    expect(await w.line(2_000)).to.equal(null);
  });

  it('an idle connection is logged out; before login sooner', async function () {
    const quick = await startImapGateway({ docgate: { imap: { preAuthTimeout: '300ms', idleTimeout: '600ms' } } });
    try {
      const w = await ImapWire.connect(quick.imapTlsPort, { tls: true });
      await w.greeting();
      const started = Date.now();
      expect((await w.line(3_000))!.text).to.match(/^\* BYE .*Autologout/);
      expect(Date.now() - started).to.be.within(200, 1_500);
      const v = await loggedIn(quick, CLERKS.snv);
      await v.command('SELECT INBOX');
      v.send('I1 IDLE\r\n');
      expect((await v.line())!.text).to.equal('+ idling');
      expect((await v.line(3_000))!.text).to.match(/^\* BYE .*Autologout/);
    } finally {
      await quick.stop();
    }
  });

  it('per-account connection limit', async function () {
    const few = await startImapGateway({ docgate: { imap: { maxConnectionsPerAccount: 2 } } });
    try {
      const a = await loggedIn(few, CLERKS.snv);
      const b = await loggedIn(few, CLERKS.snv);
      const c = await ImapWire.connect(few.imapTlsPort, { tls: true });
      await c.greeting();
      expect((await c.login(CLERKS.snv, TEST_PASSWORD)).tagged).to.match(/^A001 NO \[LIMIT\]/);
      a.close();
      await new Promise((r) => setTimeout(r, 100));
      expect((await c.login(CLERKS.snv, TEST_PASSWORD)).tagged).to.match(/^A002 OK/);
      b.close();
      c.close();
    } finally {
      await few.stop();
    }
  });
});
