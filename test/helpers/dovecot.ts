// A throw-away Dovecot (Debian packages dovecot-core, dovecot-lmtpd, dovecot-imapd) as LMTP and IMAP
// APPEND relay peer: its own config in a temp dir, LMTP (plain) and IMAP (STARTTLS, test CA) on high
// loopback ports, Maildirs saved with CRLF (mail_save_crlf) so bytes compare exactly.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { makeTestCa, type TestCa } from './test-ca.js';

const DOVECOT = '/usr/sbin/dovecot';
const NOBODY = 65534;

export interface DovecotPeer {
  lmtpPort: number;
  imapPort: number;
  dir: string;
  ca: TestCa;
  /** Every message file in the user's Maildir (all folders), by folder name ('' = INBOX). */
  files(user: string): { folder: string; data: Buffer }[];
  stop(): Promise<void>;
}

function requireDovecot(): void {
  for (const [file, pkg] of [
    [DOVECOT, 'dovecot-core'],
    ['/usr/lib/dovecot/lmtp', 'dovecot-lmtpd'],
    ['/usr/lib/dovecot/imap', 'dovecot-imapd'],
  ]) {
    if (!existsSync(file)) throw new Error(`${file} missing: install the Debian package ${pkg} (scripts/dev/ensure-test-deps.sh does as root)`);
  }
  if (process.getuid?.() !== 0) throw new Error('the Dovecot relay peer needs root (mail owned by nobody); run the tests as root');
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

export async function startDovecot(users: { user: string; password: string }[]): Promise<DovecotPeer> {
  requireDovecot();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-dovecot-relay-'));
  chmodSync(dir, 0o755);
  const ca = await makeTestCa(dir, '127.0.0.1');
  chmodSync(ca.keyFile, 0o644);
  const lmtpPort = await freePort();
  const imapPort = await freePort();
  const home = path.join(dir, 'home');
  mkdirSync(home, { recursive: true });
  chmodSync(home, 0o777);
  writeFileSync(path.join(dir, 'passwd'), users.map((u) => `${u.user}:{PLAIN}${u.password}\n`).join(''));
  mkdirSync(path.join(dir, 'run', 'state'), { recursive: true });
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/run/state`,
      'protocols = imap lmtp',
      'listen = 127.0.0.1',
      'ssl = yes',
      `ssl_cert = <${ca.certFile}`,
      `ssl_key = <${ca.keyFile}`,
      'disable_plaintext_auth = yes',
      `log_path = ${dir}/dovecot.log`,
      'auth_mechanisms = plain login',
      `passdb {\n  driver = passwd-file\n  args = ${dir}/passwd\n}`,
      `userdb {\n  driver = static\n  args = uid=${NOBODY} gid=${NOBODY} home=${home}/%u allow_all_users=yes\n}`,
      'mail_location = maildir:~/Maildir',
      'mail_save_crlf = yes',
      'first_valid_uid = 1',
      'lmtp_save_to_detail_mailbox = no',
      `service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      `service lmtp {\n  inet_listener lmtp {\n    address = 127.0.0.1\n    port = ${lmtpPort}\n  }\n  unix_listener lmtp {\n    mode = 0666\n  }\n}`,
      'service anvil {\n  chroot =\n}',
      'namespace inbox {\n  inbox = yes\n  separator = /\n}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!((await listening(lmtpPort)) && (await listening(imapPort)))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      const log = existsSync(path.join(dir, 'dovecot.log')) ? readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`dovecot did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    lmtpPort,
    imapPort,
    dir,
    ca,
    files(user) {
      const maildir = path.join(home, user, 'Maildir');
      return walk(maildir)
        .filter((f) => /\/(cur|new)\/[^/]+$/.test(f))
        .map((f) => {
          const rel = path.relative(maildir, f).split(path.sep);
          const folder = rel.length > 2 ? rel[0].replace(/^\./, '') : '';
          return { folder, data: readFileSync(f) };
        });
    },
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
