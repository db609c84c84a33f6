// The configured trust: licensed CAs' certificates (anchors), extra intermediates and CRLs, read from
// PEM or DER files in three directories. Loaded once, then re-read when a file is added, removed or
// changed (checked at most every `checkIntervalMs`, on use). Each load is an immutable snapshot with a
// version; path-validation results are cached on the snapshot, so a new CRL or anchor starts a fresh cache.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../config/log.js';
import { CertificateCache, parseCertificate, type CertificateInfo } from './certificate.js';
import { parseCrl, type CrlInfo } from './crl.js';

export interface TrustPaths {
  anchors: string;
  intermediates: string;
  crl: string;
  /** More anchor and CRL directories (the demo CA under the data directory, in demo mode only). */
  extraAnchors?: readonly string[];
  extraCrl?: readonly string[];
}

export interface TrustSnapshot {
  version: number;
  loadedAt: Date;
  anchors: readonly CertificateInfo[];
  intermediates: readonly CertificateInfo[];
  crls: readonly CrlInfo[];
  /** Files that could not be used, with why (also logged). */
  problems: readonly string[];
  isAnchor(cert: CertificateInfo): boolean;
  /** Anchors and intermediates whose subject Name (DER) is `subjectKey`. */
  bySubject(subjectKey: string): readonly CertificateInfo[];
  crlsFor(issuerKey: string): readonly CrlInfo[];
  /** Per-snapshot memo (validated paths, CRL signature results): dropped with the snapshot. */
  readonly memo: BoundedMemo;
}

/** A map that forgets everything when full: a flood of distinct chains cannot grow it without limit. */
class BoundedMemo {
  private readonly entries = new Map<string, unknown>();
  constructor(private readonly limit = 10_000) {}
  get<T>(key: string): T | undefined {
    return this.entries.get(key) as T | undefined;
  }
  set(key: string, value: unknown): void {
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
  }
  get size(): number {
    return this.entries.size;
  }
  clear(): void {
    this.entries.clear();
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n\t ]*?)-----END \1-----/g;

/** DER blocks in a PEM or DER file, with their PEM labels (null for raw DER). */
export function blocksOf(data: Buffer): { label: string | null; der: Buffer }[] {
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN ')) {
    return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], der: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') }));
  }
  return data.length > 0 && data[0] === 0x30 ? [{ label: null, der: data }] : [];
}

/** The files of a directory, or the file itself when the path names one (a single CA file, e.g. receipts'). */
async function listFiles(dir: string): Promise<{ file: string; signature: string }[]> {
  const self = await stat(dir).catch(() => null);
  if (self?.isFile()) return [{ file: dir, signature: `${dir}:${self.size}:${self.mtimeMs}:${self.ino}` }];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { file: string; signature: string }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const s = await stat(file).catch(() => null);
    if (s?.isFile()) out.push({ file, signature: `${file}:${s.size}:${s.mtimeMs}:${s.ino}` });
  }
  return out;
}

function buildSnapshot(
  version: number,
  anchors: CertificateInfo[],
  intermediates: CertificateInfo[],
  crls: CrlInfo[],
  problems: string[],
  now: Date,
): TrustSnapshot {
  const anchorPrints = new Set(anchors.map((a) => a.fingerprint));
  const subjects = new Map<string, CertificateInfo[]>();
  for (const cert of [...anchors, ...intermediates]) {
    const list = subjects.get(cert.subjectKey) ?? [];
    if (!list.some((c) => c.fingerprint === cert.fingerprint)) list.push(cert);
    subjects.set(cert.subjectKey, list);
  }
  const crlIssuers = new Map<string, CrlInfo[]>();
  for (const crl of crls) crlIssuers.set(crl.issuerKey, [...(crlIssuers.get(crl.issuerKey) ?? []), crl]);
  return {
    version,
    loadedAt: now,
    anchors,
    intermediates,
    crls,
    problems,
    isAnchor: (cert) => anchorPrints.has(cert.fingerprint),
    bySubject: (key) => subjects.get(key) ?? [],
    crlsFor: (key) => crlIssuers.get(key) ?? [],
    memo: new BoundedMemo(),
  };
}

export interface TrustStoreOptions {
  paths: TrustPaths;
  log: Logger;
  /** How often, at most, the directories are re-checked for changes. */
  checkIntervalMs?: number;
}

export class TrustStore {
  private snapshot: TrustSnapshot | null = null;
  private filesSignature = '';
  private lastCheck = 0;
  private refreshing: Promise<TrustSnapshot> | null = null;
  private version = 0;
  /** Parsed certificates from messages, shared across snapshots (parsing does not depend on trust). */
  readonly certificates = new CertificateCache();

  constructor(private readonly options: TrustStoreOptions) {}

  static async open(options: TrustStoreOptions): Promise<TrustStore> {
    const store = new TrustStore(options);
    await store.reload();
    return store;
  }

  /** The current snapshot, re-reading the files first when they may have changed. */
  async current(): Promise<TrustSnapshot> {
    const interval = this.options.checkIntervalMs ?? 5000;
    if (this.snapshot && performance.now() - this.lastCheck < interval) return this.snapshot;
    return this.refresh(false);
  }

  /** Forgets validated paths, CRL checks and parsed certificates (the benchmark's cold case). */
  dropCaches(): void {
    this.snapshot?.memo.clear();
    this.certificates.clear();
  }

  /** Re-reads the files now (after an administrator's change, or in tests). */
  async reload(): Promise<TrustSnapshot> {
    return this.refresh(true);
  }

  private refresh(force: boolean): Promise<TrustSnapshot> {
    this.refreshing ??= this.load(force).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async load(force: boolean): Promise<TrustSnapshot> {
    const { paths, log } = this.options;
    const dirs = (main: string, extra: readonly string[] = []) => Promise.all([main, ...extra].map(listFiles)).then((lists) => lists.flat());
    const listed = await Promise.all([dirs(paths.anchors, paths.extraAnchors), listFiles(paths.intermediates), dirs(paths.crl, paths.extraCrl)]);
    this.lastCheck = performance.now();
    const signature = listed.map((l) => l.map((f) => f.signature).join('|')).join('||');
    if (!force && this.snapshot && signature === this.filesSignature) return this.snapshot;
    const problems: string[] = [];
    const read = async <T>(files: { file: string }[], kind: 'certificate' | 'crl', parse: (der: Buffer) => T): Promise<T[]> => {
      const out: T[] = [];
      for (const { file } of files) {
        try {
          const blocks = blocksOf(await readFile(file));
          const wanted = blocks.filter((b) => b.label === null || (kind === 'crl' ? b.label === 'X509 CRL' : b.label === 'CERTIFICATE'));
          if (wanted.length === 0) problems.push(`${file}: no ${kind} found`);
          for (const block of wanted) out.push(parse(block.der));
        } catch (err) {
          problems.push(`${file}: ${(err as Error).message}`);
        }
      }
      return out;
    };
    const anchors = await read(listed[0], 'certificate', parseCertificate);
    const intermediates = await read(listed[1], 'certificate', parseCertificate);
    const crls = await read(listed[2], 'crl', parseCrl);
    for (const problem of problems) log.warn('trust file not used', { problem });
    this.filesSignature = signature;
    this.snapshot = buildSnapshot(++this.version, anchors, intermediates, crls, problems, new Date());
    log.info('trust store loaded', { version: this.version, anchors: anchors.length, intermediates: intermediates.length, crls: crls.length });
    return this.snapshot;
  }
}

/** The trust directories of a configuration, resolved against the configuration directory. */
export function trustPathsOf(configDir: string, trust: TrustPaths): TrustPaths {
  return {
    anchors: path.resolve(configDir, trust.anchors),
    intermediates: path.resolve(configDir, trust.intermediates),
    crl: path.resolve(configDir, trust.crl),
  };
}
