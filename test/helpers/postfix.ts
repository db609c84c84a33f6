// A throw-away Postfix (Debian package postfix) as a relay peer: its own config and queue directories in a
// temp dir (`postfix -c DIR`), smtpd on a high loopback port with STARTTLS (test CA), delivering the
// agencies' domains to Maildirs by the virtual agent. Needs root (Postfix's master); fails saying which
// Debian package is missing otherwise.

import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { makeTestCa, type TestCa } from './test-ca.js';

const run = promisify(execFile);

export interface PostfixPeer {
  port: number;
  dir: string;
  ca: TestCa;
  /** Messages in Postfix's queue (incoming, active, deferred, hold, maildrop), counted by their files. */
  queued(): number;
  /** Files delivered to `localPart@domain`'s Maildir (new/), oldest first. */
  delivered(address: string): Buffer[];
  stop(): Promise<void>;
}

function requirePostfix(): void {
  if (!existsSync('/usr/sbin/postfix') || !existsSync('/usr/lib/postfix/sbin/master')) {
    throw new Error('Postfix is not installed (Debian package postfix; scripts/dev/ensure-test-deps.sh installs it as root)');
  }
  if (process.getuid?.() !== 0) throw new Error('the Postfix relay peer needs root (its master process); run the tests as root');
}

const MASTER_CF = (port: number, implicitTls: boolean) => `
127.0.0.1:${port} inet n - n - - smtpd${implicitTls ? '\n  -o smtpd_tls_wrappermode=yes' : ''}
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
local     unix  - n n - - local
virtual   unix  - n n - - virtual
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`;

/**
 * `addresses`: the mailboxes Postfix accepts (any other address at their domains gets 550 5.1.1 at RCPT);
 * `relayTo`: forward mail for other domains to 127.0.0.1:relayTo; `implicitTls`: the listener speaks TLS
 * from the first byte (like port 465); `certificate`: serve this certificate and key instead of the test CA's.
 */
export async function startPostfix(
  addresses: string[],
  options: { relayTo?: number; implicitTls?: boolean; certificate?: { certFile: string; keyFile: string } } = {},
): Promise<PostfixPeer> {
  const domains = [...new Set(addresses.map((a) => a.split('@')[1]))];
  requirePostfix();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-postfix-'));
  // Postfix's daemons run as the postfix user: they must reach the config and queue below it.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const ca = await makeTestCa(dir, '127.0.0.1');
  const mail = path.join(dir, 'mail');
  mkdirSync(mail, { recursive: true });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  mkdirSync(path.join(dir, 'queue'), { recursive: true, mode: 0o755 });
  const uid = Number((await run('id', ['-u', 'postfix'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postfix'])).stdout.trim());
  chownSync(mail, uid, gid);
  chownSync(path.join(dir, 'data'), uid, gid);
  writeFileSync(
    path.join(dir, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'myhostname = peer.test',
      'mydestination =',
      'mynetworks = 127.0.0.0/8',
      'alias_maps =',
      'alias_database =',
      `virtual_mailbox_domains = ${domains.join(' ')}`,
      `virtual_mailbox_base = ${mail}`,
      `virtual_mailbox_maps = inline:{ ${addresses.map((a) => `${a}=${a.split('@')[1]}/${a.split('@')[0]}/`).join(', ')} }`,
      `virtual_uid_maps = static:${uid}`,
      `virtual_gid_maps = static:${gid}`,
      'virtual_minimum_uid = 1',
      'smtpd_tls_security_level = may',
      `smtpd_tls_cert_file = ${(options.certificate ?? ca).certFile}`,
      `smtpd_tls_key_file = ${(options.certificate ?? ca).keyFile}`,
      'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
      'message_size_limit = 52428800',
      'virtual_mailbox_limit = 0',
      `maillog_file = ${dir}/maillog`,
      `maillog_file_prefixes = ${dir}`,
      'smtputf8_enable = no',
      // relayTo: a relay (the benchmark's baseline) forwarding every other domain to a sink on that port.
      ...(options.relayTo
        ? [
            `relayhost = [127.0.0.1]:${options.relayTo}`,
            'smtp_tls_security_level = none',
            'default_destination_concurrency_limit = 20',
            'smtp_connection_cache_on_demand = yes',
          ]
        : []),
      'biff = no',
    ].join('\n') + '\n',
  );
  writeFileSync(path.join(dir, 'master.cf'), MASTER_CF(port, options.implicitTls ?? false));
  try {
    await run('/usr/sbin/postfix', ['-c', dir, 'start'], { env: { ...process.env, MAIL_CONFIG: dir } });
  } catch (err) {
    const log = existsSync(path.join(dir, 'maillog')) ? readFileSync(path.join(dir, 'maillog'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`postfix did not start: ${(err as { stderr?: string }).stderr ?? (err as Error).message}\n${log}`, { cause: err });
  }
  // Wait for smtpd to accept connections.
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    dir,
    ca,
    queued() {
      const count = (d: string): number =>
        existsSync(d) ? readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(path.join(d, e.name)) : 1), 0) : 0;
      return ['incoming', 'active', 'deferred', 'hold', 'maildrop'].reduce((n, q) => n + count(path.join(dir, 'queue', q)), 0);
    },
    delivered(address) {
      const [local, domain] = address.split('@');
      const box = path.join(mail, domain, local, 'new');
      if (!existsSync(box)) return [];
      return readdirSync(box)
        .sort()
        .map((f) => readFileSync(path.join(box, f)));
    },
    async stop() {
      await run('/usr/sbin/postfix', ['-c', dir, 'stop'], { env: { ...process.env, MAIL_CONFIG: dir } }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
