// What `serve` would die on, found before anything is created: TLS files (exist, readable, PEM, key
// matches certificate), the data directory (a writable directory, or creatable), listener ports (valid,
// not repeated, free to bind) and the trust directories. `docgate config check` runs the same checks.

import { constants, accessSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../config/load.js';
import { resolveUnder } from '../config/load.js';
import { trustPathsOf } from '../policies/smime/trust-store.js';

export interface PreflightProblem {
  field: string;
  vi: string;
  en: string;
}

export class PreflightError extends Error {
  constructor(readonly problems: PreflightProblem[]) {
    super(problems.map(formatPreflightProblem).join('\n'));
    this.name = 'PreflightError';
  }
}

export function formatPreflightProblem(p: PreflightProblem): string {
  return `${p.field}: ${p.vi} / ${p.en}`;
}

function errnoText(err: unknown): { vi: string; en: string } {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { vi: 'không tìm thấy tệp', en: 'file not found' };
  if (code === 'EACCES' || code === 'EPERM') return { vi: 'không có quyền đọc', en: 'permission denied' };
  if (code === 'EISDIR') return { vi: 'là thư mục, không phải tệp', en: 'is a directory, not a file' };
  return { vi: `không đọc được (${code ?? (err as Error).message})`, en: `cannot read (${code ?? (err as Error).message})` };
}

function readFile(file: string, field: string, problems: PreflightProblem[]): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const t = errnoText(err);
    problems.push({ field, vi: `${file}: ${t.vi}`, en: `${t.en}` });
    return null;
  }
}

function checkTls(config: Config, problems: PreflightProblem[]): void {
  const certPath = resolveUnder(config.dataDir, config.docgate.tls.cert);
  const keyPath = resolveUnder(config.dataDir, config.docgate.tls.key);
  // Both missing with selfSigned on: serve makes the pair (the data directory check covers where).
  if (config.docgate.tls.selfSigned && !existsSync(certPath) && !existsSync(keyPath)) return;
  const certText = readFile(certPath, 'tls.cert', problems);
  const keyText = readFile(keyPath, 'tls.key', problems);
  let cert: X509Certificate | null = null;
  let key: KeyObject | null = null;
  if (certText !== null) {
    try {
      if (!certText.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate');
      cert = new X509Certificate(certText);
    } catch {
      problems.push({
        field: 'tls.cert',
        vi: `${certPath}: không phải chứng thư PEM (-----BEGIN CERTIFICATE-----)`,
        en: `not a PEM certificate (-----BEGIN CERTIFICATE-----)`,
      });
    }
  }
  if (keyText !== null) {
    try {
      key = createPrivateKey(keyText);
    } catch {
      problems.push({
        field: 'tls.key',
        vi: `${keyPath}: không phải khóa bí mật PEM (hoặc khóa có mật khẩu)`,
        en: `not a PEM private key (or an encrypted one)`,
      });
    }
  }
  if (cert && key && !cert.checkPrivateKey(key)) {
    problems.push({ field: 'tls.key', vi: `${keyPath}: khóa không khớp với chứng thư ${certPath}`, en: `key does not match the certificate ${certPath}` });
  }
  if (cert && new Date(cert.validTo) < new Date()) {
    problems.push({ field: 'tls.cert', vi: `${certPath}: chứng thư đã hết hạn ${cert.validTo}`, en: `certificate expired ${cert.validTo}` });
  }
}

/** The directory exists and is writable, or its nearest existing parent is (so serve can create it). */
function checkWritableDir(dir: string, field: string, problems: PreflightProblem[]): void {
  let probe = dir;
  while (!existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  try {
    if (!statSync(probe).isDirectory()) {
      problems.push({ field, vi: `${probe}: không phải thư mục`, en: `not a directory` });
      return;
    }
    accessSync(probe, constants.W_OK | constants.X_OK);
  } catch {
    problems.push({ field, vi: `${probe}: không có quyền ghi (cần cho ${dir})`, en: `not writable (needed for ${dir})` });
  }
}

function checkTrustDirs(config: Config, problems: PreflightProblem[]): void {
  const dirs = trustPathsOf(config.configDir, config.docgate.trust);
  for (const [name, dir] of Object.entries({ anchors: dirs.anchors, intermediates: dirs.intermediates, crl: dirs.crl })) {
    // A missing directory is an empty one (no anchors: serve warns); one that is there must be readable.
    if (!existsSync(dir)) continue;
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a directory');
      accessSync(dir, constants.R_OK | constants.X_OK);
    } catch {
      problems.push({ field: `trust.${name}`, vi: `${dir}: không phải thư mục đọc được`, en: `not a readable directory` });
    }
  }
}

function bindProblem(host: string, port: number): Promise<{ vi: string; en: string } | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve({ vi: `cổng ${host}:${port} đang được dùng`, en: `port ${host}:${port} is already in use` });
      else if (err.code === 'EACCES')
        resolve({
          vi: `không có quyền mở cổng ${host}:${port} (cổng dưới 1024 cần CAP_NET_BIND_SERVICE)`,
          en: `no permission to bind ${host}:${port} (ports below 1024 need CAP_NET_BIND_SERVICE)`,
        });
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
        resolve({ vi: `địa chỉ ${host} không có trên máy này`, en: `address ${host} is not on this host` });
      else resolve({ vi: `không mở được cổng ${host}:${port} (${err.code})`, en: `cannot bind ${host}:${port} (${err.code})` });
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

async function checkPorts(config: Config, problems: PreflightProblem[]): Promise<void> {
  const listeners = [
    ...config.docgate.smtp.listeners.map((l, i) => ({ ...l, field: `smtp.listeners[${i}]` })),
    ...config.docgate.imap.listeners.map((l, i) => ({ ...l, field: `imap.listeners[${i}]` })),
    ...config.docgate.web.listeners.map((l, i) => ({ ...l, field: `web.listeners[${i}]` })),
  ];
  const seen = new Map<string, string>();
  for (const l of listeners) {
    if (l.port === 0) continue; // ephemeral: always free
    const key = `${l.host}:${l.port}`;
    const earlier = seen.get(key);
    if (earlier) {
      problems.push({ field: l.field, vi: `cổng ${key} trùng với ${earlier}`, en: `port ${key} repeats ${earlier}` });
      continue;
    }
    seen.set(key, l.field);
    const problem = await bindProblem(l.host, l.port);
    if (problem) problems.push({ field: l.field, ...problem });
  }
}

export interface PreflightOptions {
  /** Skip the port check (the running gateway holds them). */
  ports?: boolean;
}

/** Every problem found; empty when serve can start. */
export async function preflightProblems(config: Config, options: PreflightOptions = {}): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  checkWritableDir(config.dataDir, 'data', problems);
  const db = config.docgate.database.url;
  if (db.startsWith('sqlite:')) {
    const file = db.slice('sqlite:'.length);
    if (file && file !== ':memory:') checkWritableDir(path.dirname(resolveUnder(config.dataDir, file)), 'database.url', problems);
  }
  checkTls(config, problems);
  checkTrustDirs(config, problems);
  if (options.ports !== false) await checkPorts(config, problems);
  return problems;
}

export async function preflight(config: Config, options: PreflightOptions = {}): Promise<void> {
  const problems = await preflightProblems(config, options);
  if (problems.length > 0) throw new PreflightError(problems);
}
