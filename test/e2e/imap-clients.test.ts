// Real IMAP clients against docgate: imapflow (list, fetch, move, append, idle), Python's imaplib,
// mbsync (isync) syncing an agency to a Maildir and back, curl imaps:// and fetchmail. Each sees the
// document SMTP delivered, byte for byte (fetchmail's MDA and Maildir files get LF line ends: compared so).

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, startImapGateway, TEST_PASSWORD, type DeliveredDocument, imapflowClient } from '../helpers/imap.js';

const run = promisify(execFile);

async function tool(command: string, args: string[], debianPackage: string, options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  try {
    return await run(command, args, { timeout: 20_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...options.env }, encoding: 'buffer' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${command} is not installed (Debian package ${debianPackage}; npm test installs it as root)`, { cause: err });
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`${command} failed: ${e.message}\n${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? ''}`, { cause: err });
  }
}

const client = (tg: TestGateway, user: string = CLERKS.snv): ImapFlow => imapflowClient(tg, user);

describe('IMAP with real clients', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let doc: DeliveredDocument;

  before(async function () {
    tg = await startImapGateway();
    doc = await deliver(tg, {
      subject: 'Kế hoạch số 15/KH-UBND triển khai chuyển đổi số',
      text: 'Số ký hiệu: 15/KH-UBND\nKính gửi: Sở Nội vụ\nĐề nghị triển khai.',
      attachments: [{ filename: 'Kế hoạch.pdf', content: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') }],
    });
  });
  after(async () => tg.stop());

  it('imapflow: list, fetch, idle, move, append', async function () {
    const flow = client(tg);
    await flow.connect();
    const list = await flow.list();
    const byPath = new Map(list.map((m) => [m.path, m]));
    expect([...byPath.keys()]).to.include.members(['INBOX', ...Object.values(FOLDERS).map((f) => f.name)]);
    expect(byPath.get(FOLDERS.registered.name)!.specialUse).to.equal('\\Archive');
    expect(byPath.get(FOLDERS.sent.name)!.specialUse).to.equal('\\Sent');

    const lock = await flow.getMailboxLock('INBOX');
    try {
      const message = await flow.fetchOne('*', { source: true, envelope: true, bodyStructure: true, uid: true });
      expect(message && message.source!.equals(doc.served)).to.equal(true);
      expect(message && message.envelope!.subject).to.equal('Kế hoạch số 15/KH-UBND triển khai chuyển đổi số');
      expect(message && message.bodyStructure!.childNodes!.map((n) => n.type)).to.deep.equal(['text/plain', 'application/pdf']);

      const exists = new Promise<number>((resolve) => flow.on('exists', (data: { count: number }) => resolve(data.count)));
      // idle() settles only when the next command breaks the IDLE: do not await it first.
      void flow.idle();
      const second = await deliver(tg, { subject: 'Giấy mời', text: 'Mời họp' });
      expect(await exists).to.equal(2);
      const fetched = await flow.fetchOne('2', { source: true });
      expect(fetched && fetched.source!.equals(second.served)).to.equal(true);

      const moved = await flow.messageMove('2', FOLDERS.registered.name);
      expect(moved && moved.uidMap!.size).to.equal(1);
    } finally {
      lock.release();
    }
    expect(
      (
        await tg.gateway.storage.register.entriesOf(
          (await tg.gateway.storage.db.models.Document.findAll({ order: [['receivedAt', 'DESC']] }))[0].get('id') as string,
        )
      ).find((e) => e.book === 'incoming')!.status,
    ).to.equal('03');

    const draft = Buffer.from('From: vanthu@snv.hatinh.gov.vn\r\nSubject: Ghi chu\r\n\r\nGhi chú nội bộ\r\n');
    await flow.mailboxCreate('Lưu trữ');
    const appended = await flow.append('Lưu trữ', draft, ['\\Seen']);
    expect(appended && appended.uid).to.equal(1);
    const status = await flow.status('Lưu trữ', { messages: true, uidNext: true });
    expect(status).to.include({ messages: 1, uidNext: 2 });
    await flow.logout();
  });

  it('Python imaplib: login, list, select and fetch the stored bytes', async function () {
    const script = `
import imaplib, ssl, sys, base64
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
m.login(sys.argv[2], sys.argv[3])
typ, names = m.list()
print('LIST', typ, b'|'.join(names).decode())
typ, data = m.select('INBOX', readonly=True)
typ, data = m.uid('FETCH', '1', '(BODY.PEEK[])')
print('BODY', base64.b64encode(data[0][1]).decode())
typ, data = m.search('UTF-8', 'SUBJECT', '"chuyển đổi số"'.encode())
print('SEARCH', typ, data[0].decode())
m.logout()
`;
    const { stdout } = await tool('python3', ['-c', script, String(tg.imapTlsPort), CLERKS.snv, TEST_PASSWORD], 'python3');
    const out = stdout.toString();
    expect(out).to.match(/LIST OK .*\(\\HasNoChildren \\Archive\) "\/" "&ARAA4w- v&AOA-o s&HtU-"/);
    const body = Buffer.from(/^BODY (.*)$/m.exec(out)![1], 'base64');
    expect(body.equals(doc.served)).to.equal(true);
    expect(out).to.match(/^SEARCH OK 1$/m);
  });

  it('curl imaps://: lists the folders and fetches the message', async function () {
    const base = `imaps://127.0.0.1:${tg.imapTlsPort}`;
    const auth = ['-k', '-s', '--user', `${CLERKS.snv}:${TEST_PASSWORD}`];
    const list = (await tool('curl', [...auth, `${base}/`], 'curl')).stdout.toString();
    expect(list).to.contain('* LIST (\\HasNoChildren) "/" "INBOX"');
    expect(list).to.contain('"V&AQM-n b&HqM-n &ARE-i"');
    const body = (await tool('curl', [...auth, `${base}/INBOX;UID=1`], 'curl')).stdout;
    expect(body.equals(doc.served)).to.equal(true);
  });

  it('fetchmail polls the INBOX over IMAPS and hands each message to its MDA', async function () {
    const dir = path.join(tg.env.root, 'fetchmail');
    mkdirSync(dir, { recursive: true });
    const rc = path.join(dir, 'fetchmailrc');
    writeFileSync(
      rc,
      'set invisible\n' +
        `poll 127.0.0.1 service ${tg.imapTlsPort} protocol IMAP auth password\n` +
        `  user "${CLERKS.snv2}" password "${TEST_PASSWORD}" is "local" here\n` +
        `  ssl no sslcertck keep fetchall no rewrite\n` +
        `  mda "/bin/sh -c 'cat > ${dir}/msg-$$-\\$(date +%s%N).eml'"\n`,
    );
    chmodSync(rc, 0o600);
    await tool('fetchmail', ['-f', rc, '--nosyslog', '-i', path.join(dir, 'ids'), '--pidfile', path.join(dir, 'pid')], 'fetchmail', {
      env: { HOME: dir, FETCHMAILHOME: dir },
    });
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files.length).to.be.greaterThan(0);
    const expected = doc.served.toString('latin1').replace(/\r\n/g, '\n');
    expect(files.map((f) => readFileSync(path.join(dir, f), 'latin1'))).to.include(expected);
  });

  it('mbsync syncs the agency to a Maildir and a new local message back to the server', async function () {
    const dir = path.join(tg.env.root, 'mbsync');
    const maildir = path.join(dir, 'mail');
    mkdirSync(maildir, { recursive: true });
    const certFile = path.join(tg.env.dataDir, 'tls', 'cert.pem');
    const rc = path.join(dir, 'mbsyncrc');
    writeFileSync(
      rc,
      [
        'IMAPAccount docgate',
        'Host 127.0.0.1',
        `Port ${tg.imapTlsPort}`,
        `User ${CLERKS.snv3}`,
        `Pass ${TEST_PASSWORD}`,
        'SSLType IMAPS',
        `CertificateFile ${certFile}`,
        '',
        'IMAPStore remote',
        'Account docgate',
        '',
        'MaildirStore local',
        `Path ${maildir}/`,
        `Inbox ${maildir}/INBOX`,
        'SubFolders Verbatim',
        '',
        'Channel agency',
        'Far :remote:',
        'Near :local:',
        'Patterns *',
        'Create Both',
        'SyncState *',
        '',
      ].join('\n'),
    );
    await tool('mbsync', ['-c', rc, '-a'], 'isync', { env: { HOME: dir } });
    const inboxFiles = readdirSync(path.join(maildir, 'INBOX', 'cur')).concat(readdirSync(path.join(maildir, 'INBOX', 'new')));
    const contents = inboxFiles.map((f) => readFileSync(path.join(maildir, 'INBOX', existsIn(maildir, f), f)));
    // Maildir files use LF line ends (mbsync converts); otherwise the bytes are the served ones.
    const expected = doc.served.toString('latin1').replace(/\r\n/g, '\n');
    // mbsync inserts its own X-TUID tracking field into the copies it writes.
    const got = contents.map((c) => c.toString('latin1').replace(/^X-TUID: [^\n]*\n/m, ''));
    expect(got).to.include(expected);
    const folders = readdirSync(maildir);
    expect(folders).to.include.members(['INBOX', '&ARAA4w- v&AOA-o s&HtU-', 'Th&APQ-ng b&AOE-o']);

    // A message written into the local Maildir goes up on the next sync.
    const local = Buffer.from('From: vanthu3@snv.hatinh.gov.vn\nSubject: Tu Maildir\nMessage-ID: <mbsync-1@snv>\n\nNoi dung tu mbsync\n');
    mkdirSync(path.join(maildir, 'Maildir-up', 'cur'), { recursive: true });
    mkdirSync(path.join(maildir, 'Maildir-up', 'new'), { recursive: true });
    mkdirSync(path.join(maildir, 'Maildir-up', 'tmp'), { recursive: true });
    writeFileSync(path.join(maildir, 'Maildir-up', 'new', '1700000000.1.local'), local);
    await tool('mbsync', ['-c', rc, '-a'], 'isync', { env: { HOME: dir } });
    const flow = client(tg, CLERKS.snv);
    await flow.connect();
    const lock = await flow.getMailboxLock('Maildir-up');
    try {
      const message = await flow.fetchOne('1', { source: true });
      const uploaded = (message as { source: Buffer }).source.toString('latin1');
      expect(uploaded).to.match(/\r\nX-TUID: [^\r]+\r\n/);
      expect(uploaded.replace(/X-TUID: [^\r]*\r\n/, '')).to.equal(local.toString('latin1').replace(/\n/g, '\r\n'));
    } finally {
      lock.release();
      await flow.logout();
    }
  });
});

function existsIn(maildir: string, file: string): string {
  return readdirSync(path.join(maildir, 'INBOX', 'cur')).includes(file) ? 'cur' : 'new';
}
