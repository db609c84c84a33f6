// The same IMAP workload against Debian's dovecot-imapd, started on a high loopback port with its own
// configuration in a temp directory (Maildir, passwd-file user), for comparison. Deliveries are files
// renamed into Maildir/new (what an LDA does); dovecot sees them through inotify.

import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeSelfSignedCertificate } from '../gateway/tls.js';
import { ImapWire } from '../test/helpers/imap-wire.js';
import type { BenchRow } from './report.js';
import { runWorkload } from './imap-workload.js';

const run = promisify(execFile);
const DOVECOT = '/usr/sbin/dovecot';
const NOBODY = 65534;

export async function dovecotRows(messages: Buffer[]): Promise<BenchRow[] | string> {
  if (!existsSync(DOVECOT)) return 'dovecot-imapd is not installed (apt-get install dovecot-imapd): comparison skipped';
  if (process.getuid?.() !== 0) return 'dovecot comparison needs root (mail owned by nobody): skipped';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-dovecot-'));
  const maildir = path.join(dir, 'home', 'Maildir');
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const conf = path.join(dir, 'dovecot.conf');
  // dovecot's auth and mail processes run as other users: they must reach the files in here.
  chmodSync(dir, 0o755);
  try {
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
    messages.forEach((bytes, i) => writeFileSync(path.join(maildir, 'cur', `${1_700_000_000 + i}.${i}.bench:2,${i % 3 === 0 ? 'S' : ''}`), bytes));
    for (const p of [path.join(dir, 'home'), maildir, ...['cur', 'new', 'tmp'].map((s) => path.join(maildir, s))]) chownSync(p, NOBODY, NOBODY);
    await run('chown', ['-R', `${NOBODY}:${NOBODY}`, path.join(dir, 'home')]);
    const pair = makeSelfSignedCertificate('localhost');
    writeFileSync(path.join(dir, 'cert.pem'), pair.cert);
    writeFileSync(path.join(dir, 'key.pem'), pair.key, { mode: 0o600 });
    writeFileSync(path.join(dir, 'passwd'), 'bench@docgate:{PLAIN}bench-password\n');
    mkdirSync(path.join(dir, 'run', 'state'), { recursive: true });
    writeFileSync(
      conf,
      [
        `base_dir = ${dir}/run`,
        `state_dir = ${dir}/run/state`,
        'protocols = imap',
        'listen = 127.0.0.1',
        'ssl = required',
        `ssl_cert = <${dir}/cert.pem`,
        `ssl_key = <${dir}/key.pem`,
        `log_path = ${dir}/dovecot.log`,
        'auth_mechanisms = plain',
        `passdb {\n  driver = passwd-file\n  args = ${dir}/passwd\n}`,
        `userdb {\n  driver = static\n  args = uid=${NOBODY} gid=${NOBODY} home=${dir}/home\n}`,
        `mail_location = maildir:${maildir}`,
        'first_valid_uid = 1',
        'mail_max_userip_connections = 100',
        `service imap-login {\n  chroot =\n  inet_listener imap {\n    port = 0\n  }\n  inet_listener imaps {\n    port = ${port}\n    ssl = yes\n  }\n}`,
        'service anvil {\n  chroot =\n}',
        '',
      ].join('\n'),
    );
    const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 10_000;
      let ready = false;
      while (!ready && Date.now() < deadline) {
        ready = await ImapWire.connect(port, { tls: true }).then(
          (w) => (w.close(), true),
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      if (!ready) return 'dovecot did not start: comparison skipped';
      return await runWorkload({
        server: 'dovecot 2.3',
        deliveryLabel: 'rename into Maildir/new',
        async connect() {
          const w = await ImapWire.connect(port, { tls: true });
          await w.greeting();
          const r = await w.login('bench@docgate', 'bench-password');
          if (!/OK/.test(r.tagged)) throw new Error(`dovecot login: ${r.tagged}`);
          return w;
        },
        async deliver(n) {
          const name = `${1_800_000_000 + n}.${n}.bench`;
          const tmp = path.join(maildir, 'tmp', name);
          writeFileSync(tmp, messages[n - 1]);
          chownSync(tmp, NOBODY, NOBODY);
          renameSync(tmp, path.join(maildir, 'new', name));
          return performance.now();
        },
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
