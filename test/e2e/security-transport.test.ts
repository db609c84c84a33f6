// `docgate serve` as shipped: the data directory is owner-only (0700 directories, 0600 files, the
// SQLite database and WAL included, existing looser files tightened), and every listener speaks only
// Mozilla's "intermediate" TLS profile (no static RSA, no CBC/SHA-1 in TLS 1.2; TLS 1.3 works).

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copySampleConfig } from '../helpers/env.js';
import { startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { transport } from '../helpers/gateway.js';
import { makePdf } from '../helpers/documents.js';

/** Every entry under `dir` (not following symlinks) with its permission bits. */
function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out = [{ path: dir, dir: true, mode: lstatSync(dir).mode & 0o777 }];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = lstatSync(full);
    if (stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) out.push(...modes(full));
    else out.push({ path: full, dir: false, mode: stat.mode & 0o777 });
  }
  return out;
}

/** openssl s_client with one TLS 1.2 cipher (or TLS 1.3): resolves the negotiated cipher, or null. */
function handshake(
  port: number,
  starttls: 'smtp' | 'imap' | null,
  /** An OpenSSL cipher name, or 'tls1_3' for a TLS 1.3 handshake. */ cipher: string,
): Promise<string | null> {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'docgate.localhost'];
  if (cipher === 'tls1_3') args.push('-tls1_3');
  else args.push('-tls1_2', '-cipher', cipher);
  if (starttls) args.push('-starttls', starttls);
  return new Promise((resolve) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.stdin.end('');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', () => {
      clearTimeout(timer);
      const m = /Cipher is ([A-Z0-9_-]+)/.exec(out);
      resolve(m && m[1] !== '(NONE)' ? m[1] : null);
    });
  });
}

describe('security: data directory permissions and the TLS profile of every listener', function () {
  this.timeout(90_000);
  let root: string;
  let data: string;
  let server: ServeProcess | null = null;

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'docgate-perm-'));
    copySampleConfig(path.join(root, 'config'));
    // A data directory left by an older version: world-readable directory and file.
    data = path.join(root, 'data');
    mkdirSync(path.join(data, 'old'), { recursive: true });
    writeFileSync(path.join(data, 'old/notes.txt'), 'x');
    chmodSync(data, 0o755);
    chmodSync(path.join(data, 'old'), 0o755);
    chmodSync(path.join(data, 'old/notes.txt'), 0o644);
    server = await startServe(path.join(root, 'config'), data);
  });
  after(async () => {
    if (server) await stopProcess(server.child);
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the data directory 0700 and every file in it 0600 (database, WAL, blobs, TLS, demo credentials)', async () => {
    const credentials = readFileSync(path.join(data, 'demo-credentials.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const [email, password] = credentials[0].split('\t');
    const info = await transport(server!.starttlsPort, email, password).sendMail({
      from: email,
      to: 'vanthu@snv.hatinh.gov.vn',
      subject: 'Thử nghiệm quyền tệp',
      text: 'Số ký hiệu: 01/UBND-VP\nNgày ký: 02/11/2026\nLoại văn bản: Công văn\nTrích yếu: V/v thử nghiệm quyền tệp\n',
      attachments: [{ filename: 'Cong van 01.pdf', content: makePdf('Cong van 01/UBND-VP') }],
    });
    expect(info.response).to.match(/^250 /);
    const entries = modes(data);
    const names = entries.map((e) => path.relative(data, e.path));
    expect(names).to.include.members(['docgate.sqlite', 'docgate.sqlite-wal', 'tls/key.pem', 'tls/cert.pem', 'demo-credentials.txt', 'old/notes.txt']);
    expect(names.some((n) => n.startsWith('blobs/') && !entries.find((e) => path.relative(data, e.path) === n)!.dir)).to.equal(true);
    const wrong = entries.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600)).map((e) => `${path.relative(data, e.path) || '.'} ${e.mode.toString(8)}`);
    expect(wrong).to.deep.equal([]);
  });

  it('refuses static-RSA and CBC-SHA1 suites in TLS 1.2 and accepts ECDHE+AEAD and TLS 1.3 on SMTP 587/465 and IMAP 993/143', async () => {
    const listeners: [string, number, 'smtp' | 'imap' | null][] = [
      ['smtp starttls', server!.starttlsPort, 'smtp'],
      ['smtp implicit', server!.tlsPort, null],
      ['imap implicit', server!.imapTlsPort, null],
      ['imap starttls', server!.imapStarttlsPort, 'imap'],
    ];
    for (const [label, port, starttls] of listeners) {
      expect(port, label).to.be.above(0);
      expect(await handshake(port, starttls, 'AES128-SHA'), `${label} AES128-SHA`).to.equal(null);
      expect(await handshake(port, starttls, 'AES256-GCM-SHA384'), `${label} static RSA GCM`).to.equal(null);
      expect(await handshake(port, starttls, 'ECDHE-RSA-AES128-SHA'), `${label} ECDHE CBC-SHA1`).to.equal(null);
      expect(await handshake(port, starttls, 'ECDHE-RSA-AES128-GCM-SHA256'), `${label} ECDHE GCM`).to.equal('ECDHE-RSA-AES128-GCM-SHA256');
      expect(await handshake(port, starttls, 'ECDHE-RSA-CHACHA20-POLY1305'), `${label} ChaCha20`).to.equal('ECDHE-RSA-CHACHA20-POLY1305');
      expect(await handshake(port, starttls, 'tls1_3'), `${label} TLS 1.3`).to.match(/^TLS_/);
    }
  });
});
