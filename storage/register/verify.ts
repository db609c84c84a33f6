// `docgate register verify`: walks the event chain in pages (seq continuity, each link, each recomputed
// hash, the anchors' heads), then compares the register rows with the snapshots the chain recorded for
// them (an edited, added or removed row), and re-hashes every document's stored message. Stops at the
// first break and names it: the event's seq, the field, what the chain says and what was found.
// Speed at scale: every walk reads raw rows on one driver connection in large keyset pages (the next
// page's query runs while this one is hashed); a long chain is cut by seq into stretches walked at once,
// the first on this thread and each other one in a worker thread on its own connection (chain-walk.ts:
// why the lowest stretch's first break is a single walk's first break), the rows of a page of documents are matched with their
// files and snapshots by id range (index range scans, no IN lists), and the stored messages are hashed
// by a small pool beside the row check (each distinct blob once, within a bounded memory of them); a
// blob break is reported once the rows are known intact, so the first break stays the same one.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Sequelize } from 'sequelize';
import type { BlobStore } from '../blobs.js';
import { GENESIS_HASH } from './chain.js';
import { prefetch, STOP_WALK, walkStretch, type AnchorClaim, type ChainStretch, type StretchResult } from './chain-walk.js';
import type { ChainWorkerInput, ChainWorkerOutput } from './chain-worker.js';
import { openRawReader, rawTargetOf, type RawReader, type RawRow, type RawTarget } from './raw-reads.js';
import { DOCUMENT_COLUMNS, ENTRY_COLUMNS, FILE_COLUMNS, documentSnapshot, entrySnapshot, isDeletedState } from './snapshots.js';

/** The chain walk's worker (compiled beside this file, or this file's own kind under tsx). */
const CHAIN_WORKER = new URL(`./chain-worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);
/** Stretches of the chain walked at once (one per core, this thread walking the first), at most. */
const MAX_STRETCHES = 4;
/** Below this many events the chain is walked on this thread alone (a worker costs its start-up). */
const SPLIT_FROM = 100_000;
/** Documents and register entries per page of the row check (three range queries each). */
const ROW_PAGE = 5000;
/** Stored messages re-hashed at once (file reads: I/O bound, beside the row check). */
const BLOB_CONCURRENCY = 8;
/** Blobs waiting for a hash before the row check waits for them (bounds memory). */
const BLOB_QUEUE = 20_000;
/** Distinct blobs remembered as hashed (a repeat beyond them is hashed again, never skipped). */
const BLOB_SEEN = 100_000;

export type { AnchorClaim } from './chain-walk.js';

export type BreakKind = 'chain' | 'anchor' | 'row' | 'blob';

export interface RegisterBreak {
  kind: BreakKind;
  /** The event concerned (for a row or blob: the event whose snapshot it contradicts), if any. */
  seq: number | null;
  field: string;
  expected: string;
  found: string;
  /** The row, document or anchor file concerned. */
  subject: string | null;
}

/** Where the time went: the chain walk, the row check (with the blob hashes it waited for) and the blobs. */
interface VerifyTimings {
  chainSeconds: number;
  /** CPU time (user + system) of this process during the chain walk: the figure a loaded machine does not skew. */
  chainCpuSeconds: number;
  /** Stretches the chain was cut into (1: walked on this thread alone). */
  chainStretches: number;
  rowsSeconds: number;
  rowsCpuSeconds: number;
  /** From the first blob hash started to the last one finished (they run beside the row check). */
  blobSeconds: number;
  blobBytes: number;
}

export interface VerifyResult {
  break: RegisterBreak | null;
  /** Events walked, from `firstSeq` to `head.seq`. */
  events: number;
  firstSeq: number;
  head: { seq: number; hash: string };
  documents: number;
  entries: number;
  blobs: number;
  anchors: number;
  timings: VerifyTimings;
}

export interface VerifyOptions {
  /** Only events, rows and documents from this instant on (the chain is re-linked to the event before). */
  from?: Date;
  anchors: AnchorClaim[];
  /** Re-hash stored messages (default true). */
  blobs?: boolean;
  /** Compare the register rows with the chain's snapshots (default true; false: the chain alone, as the benches time it). */
  rows?: boolean;
  /** How the chain walk is split over threads (default: one stretch per core up to 4, from 100,000 events). */
  split?: ChainSplit;
}

interface ChainSplit {
  stretches: number;
  /** Events from which the walk is split at all. */
  minEvents: number;
}

interface Context {
  reader: RawReader;
  /** Where worker threads reach the database (null: they cannot, an in-memory SQLite). */
  target: RawTarget | null;
  blobs: BlobStore;
  headSeq: number;
  headHash: unknown;
  from: Date | null;
}

class Broken extends Error {
  constructor(readonly found: RegisterBreak) {
    super(found.field);
  }
}

function broken(kind: BreakKind, seq: number | null, field: string, expected: string, found: string, subject: string | null = null): never {
  throw new Broken({ kind, seq, field, expected, found, subject });
}

/**
 * The chain walk's worker thread. Run from the TypeScript sources (tsx: the tests and benches), a worker
 * has none of tsx's loader (Node 20 neither passes the main thread's hooks nor its --import on to it), so
 * it registers tsx before it imports the worker's source.
 */
function startWorker(workerData: ChainWorkerInput): Worker {
  if (!CHAIN_WORKER.pathname.endsWith('.ts')) return new Worker(CHAIN_WORKER, { workerData });
  // tsx's ESM API, found from the worker's own folder whatever the working directory (require.resolve
  // would give its CommonJS build, whose register() does not find its hooks).
  const manifest = createRequire(CHAIN_WORKER).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api'].import.default)).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(CHAIN_WORKER.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * One stretch walked by a worker thread. stop() asks it to end at its next page (its result no longer
 * matters) and resolves when the thread has closed its connection and exited.
 */
function walkInWorker(input: ChainWorkerInput): { result: Promise<StretchResult>; stop(): Promise<void> } {
  const worker = startWorker(input);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const result = new Promise<StretchResult>((resolve, reject) => {
    worker.once('message', (m: ChainWorkerOutput) => ('ok' in m ? resolve(m.ok) : reject(new Error(`chain walk worker: ${m.error}`))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`chain walk worker exited (${code})`)));
  });
  result.catch(() => undefined);
  return {
    result,
    stop: () => {
      worker.postMessage(STOP_WALK);
      return exited;
    },
  };
}

/** [first, last] cut into `n` consecutive stretches of (nearly) equal length, each with its anchors. */
function stretchesOf(first: number, last: number, headSeq: number, n: number, anchors: AnchorClaim[]): ChainStretch[] {
  const out: ChainStretch[] = [];
  const size = Math.ceil((last - first + 1) / n);
  for (let from = first; out.length === 0 || from <= last; from += size) {
    const to = Math.min(last, from + size - 1);
    out.push({ first: from, last: to, headSeq, claims: anchors.filter((a) => a.seq >= from && a.seq <= to) });
  }
  return out;
}

/**
 * The chain from firstSeq to the head: one stretch on this thread, or (a long chain, a file or server
 * other threads can reach) the first stretch here and the others each in a worker thread. The lowest
 * stretch with a break names it; the stretches after it are stopped.
 */
async function walkChain(ctx: Context, anchors: AnchorClaim[], split: ChainSplit, timings: VerifyTimings): Promise<{ events: number; firstSeq: number }> {
  const { reader } = ctx;
  let firstSeq = 1;
  if (ctx.from) {
    const [row] = await reader.all('SELECT MIN(seq) AS seq FROM register_events WHERE at >= :from', { from: ctx.from });
    firstSeq = row?.seq === null || row?.seq === undefined ? ctx.headSeq + 1 : Number(row.seq);
  }
  const total = ctx.headSeq - firstSeq + 1;
  const n = ctx.target && total >= split.minEvents ? Math.max(1, Math.min(split.stretches, total)) : 1;
  const stretches = stretchesOf(firstSeq, ctx.headSeq, ctx.headSeq, n, anchors);
  timings.chainStretches = stretches.length;
  const workers = stretches.slice(1).map((stretch) => walkInWorker({ target: ctx.target!, stretch }));
  const results = [walkStretch(reader, stretches[0]), ...workers.map((w) => w.result)];
  let events = 0;
  let prev = GENESIS_HASH;
  try {
    for (const pending of results) {
      const r = await pending;
      if (r.break) throw new Broken(r.break);
      events += r.events;
      prev = r.lastHash;
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  for (const a of anchors)
    if (a.seq > ctx.headSeq) broken('anchor', a.seq, 'seq', String(a.seq), `hết sổ ở ${ctx.headSeq} / log ends at ${ctx.headSeq}`, a.file);
  // The head as read at the start, with its seq: events appended since (a live gateway) are not walked.
  if (ctx.headSeq > 0 && ctx.headHash !== prev) broken('chain', ctx.headSeq, 'register_chain_head.hash', prev, String(ctx.headHash));
  return { events, firstSeq };
}

/** The first field where two snapshots differ (files as `files[i].field`). */
function firstDifference(expected: string, found: string): { field: string; expected: string; found: string } {
  const a = JSON.parse(expected) as Record<string, unknown>;
  const b = JSON.parse(found) as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key];
    const y = b[key];
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const u = JSON.stringify(x[i] ?? null);
        const v = JSON.stringify(y[i] ?? null);
        if (u === v) continue;
        if (x[i] && y[i] && typeof x[i] === 'object') {
          const inner = firstDifference(u, v);
          return { ...inner, field: `${key}[${i}].${inner.field}` };
        }
        return { field: `${key}[${i}]`, expected: u, found: v };
      }
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      return { field: key, expected: JSON.stringify(x ?? null), found: JSON.stringify(y ?? null) };
    }
  }
  return { field: '?', expected, found };
}

type Latest = Map<string, { seq: number; state: string }>;

/**
 * The newest snapshot (within the verified chain) of each key in (after, last], from `stateColumn`:
 * one range scan of the (key, seq) index, keys as text (entry ids are numbers in the range). Only the
 * newest row per key comes back (a document has several snapshots; the older ones are not read out):
 * SQLite gives the bare column of the MAX(seq) row, PostgreSQL has DISTINCT ON.
 */
async function latestStates(
  ctx: Context,
  keyColumn: 'document_id' | 'entry_id',
  stateColumn: 'document_state' | 'entry_state',
  after: string | number,
  last: string | number,
): Promise<Latest> {
  const out: Latest = new Map();
  const where = `WHERE ${keyColumn} > :after AND ${keyColumn} <= :last AND ${stateColumn} IS NOT NULL AND seq <= :head`;
  const sql =
    ctx.reader.dialect === 'sqlite'
      ? `SELECT ${keyColumn} AS k, MAX(seq) AS seq, ${stateColumn} AS state FROM register_events ${where} GROUP BY ${keyColumn}`
      : `SELECT DISTINCT ON (${keyColumn}) ${keyColumn} AS k, seq, ${stateColumn} AS state FROM register_events ${where} ORDER BY ${keyColumn}, seq DESC`;
  const rows = await ctx.reader.all(sql, { after, last, head: ctx.headSeq });
  for (const r of rows) out.set(String(r.k), { seq: Number(r.seq), state: String(r.state) });
  return out;
}

/** A row the chain has no snapshot of: written after verification began (skipped), or outside the log. */
async function appendedSince(ctx: Context, keyColumn: 'document_id' | 'entry_id', key: string | number): Promise<boolean> {
  const rows = await ctx.reader.all(`SELECT 1 AS found FROM register_events WHERE ${keyColumn} = :key AND seq > :head LIMIT 1`, {
    key,
    head: ctx.headSeq,
  });
  return rows.length > 0;
}

async function compare(
  ctx: Context,
  table: string,
  keyColumn: 'document_id' | 'entry_id',
  key: string | number,
  current: string,
  latest: { seq: number; state: string } | undefined,
): Promise<void> {
  if (!latest) {
    if (await appendedSince(ctx, keyColumn, key)) return;
    broken('row', null, `${table}.id`, 'một sự kiện ghi nhận dòng này / an event recording this row', String(key), `${table} ${key}`);
  }
  if (latest.state === current) return;
  if (await appendedSince(ctx, keyColumn, key)) return;
  if (isDeletedState(latest.state))
    broken('row', latest.seq, `${table}.id`, 'đã xóa theo thời hạn lưu trữ / deleted by retention', String(key), `${table} ${key}`);
  const d = firstDifference(latest.state, current);
  broken('row', latest.seq, `${table}.${d.field}`, d.expected, d.found, `${table} ${key}`);
}

interface WantedBlob {
  sha256: string;
  size: number;
  seq: number;
  documentId: string;
}

/**
 * Re-hashes stored messages beside the row check: a bounded queue, BLOB_CONCURRENCY reads at a time,
 * each distinct blob once (among the last BLOB_SEEN). The first mismatch in queue order is the break.
 */
class BlobChecker {
  private readonly seen = new Set<string>();
  private readonly queue: { w: WantedBlob; order: number }[] = [];
  private running = 0;
  private order = 0;
  private failure: { order: number; found: RegisterBreak } | null = null;
  private waiters: (() => void)[] = [];
  private settled: (() => void)[] = [];
  private stopped = false;
  private started = 0;
  private ended = 0;
  checked = 0;
  bytes = 0;

  constructor(private readonly blobs: BlobStore) {}

  /** Queues a blob; waits while the queue is full. */
  async add(w: WantedBlob): Promise<void> {
    if (w.sha256 === '' || this.failure || this.seen.has(w.sha256)) return;
    if (this.seen.size >= BLOB_SEEN) this.seen.clear();
    this.seen.add(w.sha256);
    this.queue.push({ w, order: this.order++ });
    this.pump();
    while (this.queue.length >= BLOB_QUEUE && !this.stopped) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private pump(): void {
    while (!this.stopped && !this.failure && this.running < BLOB_CONCURRENCY && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.running++;
      if (this.started === 0) this.started = performance.now();
      void this.check(item.w, item.order);
    }
    if (this.queue.length < BLOB_QUEUE / 2 || this.failure || this.stopped) this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async check(w: WantedBlob, order: number): Promise<void> {
    const digest = await this.blobs.digest(w.sha256).catch(() => 'thiếu / missing');
    this.running--;
    this.ended = performance.now();
    this.checked++;
    if (digest === w.sha256) this.bytes += w.size;
    else if (!this.failure || order < this.failure.order)
      this.failure = {
        order,
        found: { kind: 'blob', seq: w.seq, field: 'blob.sha256', expected: w.sha256, found: digest, subject: `documents ${w.documentId}` },
      };
    this.pump();
    const settled = this.settled;
    this.settled = [];
    for (const resolve of settled) resolve();
  }

  /** Waits for every queued hash (or the in-flight ones after a mismatch) and throws the first break. */
  async finish(): Promise<void> {
    while (this.running > 0 || (this.queue.length > 0 && !this.failure)) await new Promise<void>((resolve) => this.settled.push(resolve));
    if (this.failure) throw new Broken(this.failure.found);
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.wake();
  }

  get seconds(): number {
    return this.started === 0 ? 0 : (this.ended - this.started) / 1000;
  }
}

const FILES_SQL = `SELECT ${FILE_COLUMNS} FROM document_files WHERE document_id > :after AND document_id <= :last ORDER BY document_id, position`;

async function checkDocuments(ctx: Context, blobs: BlobChecker | null): Promise<number> {
  const since = ctx.from ? ' AND d.received_at >= :from' : '';
  const sql = `SELECT ${DOCUMENT_COLUMNS}, m.blob_size AS verify_blob_size FROM documents d LEFT JOIN messages m ON m.id = d.message_id WHERE d.id > :after${since} ORDER BY d.id LIMIT :limit`;
  const page = (after: string) => prefetch(ctx.reader, sql, { after, limit: ROW_PAGE, ...(ctx.from ? { from: ctx.from } : {}) });
  let after = '';
  let documents = 0;
  let next: Promise<RawRow[]> | null = page(after);
  while (next) {
    const rows: RawRow[] = await next;
    if (rows.length === 0) break;
    const last = String(rows[rows.length - 1].id);
    next = rows.length === ROW_PAGE ? page(last) : null;
    const [fileRows, latest] = await Promise.all([ctx.reader.all(FILES_SQL, { after, last }), latestStates(ctx, 'document_id', 'document_state', after, last)]);
    const files = new Map<string, RawRow[]>();
    for (const f of fileRows) {
      const id = String(f.document_id);
      const list = files.get(id);
      if (list) list.push(f);
      else files.set(id, [f]);
    }
    for (const r of rows) {
      const id = String(r.id);
      const snapshot = documentSnapshot(r, files.get(id) ?? []);
      const known = latest.get(id);
      await compare(ctx, 'documents', 'document_id', id, snapshot.state, known);
      if (known && blobs) await blobs.add({ sha256: snapshot.sha256, size: Number(r.verify_blob_size ?? 0), seq: known.seq, documentId: id });
    }
    documents += rows.length;
    after = last;
  }
  return documents;
}

async function checkEntries(ctx: Context): Promise<number> {
  const since = ctx.from ? ' AND registered_at >= :from' : '';
  const sql = `SELECT ${ENTRY_COLUMNS} FROM register_entries WHERE id > :after${since} ORDER BY id LIMIT :limit`;
  const page = (after: number) => prefetch(ctx.reader, sql, { after, limit: ROW_PAGE, ...(ctx.from ? { from: ctx.from } : {}) });
  let after = 0;
  let entries = 0;
  let next: Promise<RawRow[]> | null = page(after);
  while (next) {
    const rows: RawRow[] = await next;
    if (rows.length === 0) break;
    const last = Number(rows[rows.length - 1].id);
    next = rows.length === ROW_PAGE ? page(last) : null;
    const latest = await latestStates(ctx, 'entry_id', 'entry_state', after, last);
    for (const r of rows) await compare(ctx, 'register_entries', 'entry_id', Number(r.id), entrySnapshot(r), latest.get(String(Number(r.id))));
    entries += rows.length;
    after = last;
  }
  return entries;
}

/** Rows the chain recorded and no deletion event covers, that are gone. */
async function checkRemoved(ctx: Context): Promise<void> {
  for (const [table, keyColumn, stateColumn] of [
    ['documents', 'document_id', 'document_state'],
    ['register_entries', 'entry_id', 'entry_state'],
  ] as const) {
    const [gone] = await ctx.reader.all(
      `SELECT e.${keyColumn} AS k, MAX(e.seq) AS seq FROM register_events e LEFT JOIN ${table} r ON r.id = e.${keyColumn} ` +
        `WHERE e.${stateColumn} IS NOT NULL AND e.seq <= :head AND r.id IS NULL GROUP BY e.${keyColumn} ` +
        "HAVING MAX(CASE WHEN e.kind = 'deleted' THEN 1 ELSE 0 END) = 0 LIMIT 1",
      { head: ctx.headSeq },
    );
    if (gone) broken('row', Number(gone.seq), `${table}.id`, String(gone.k), 'thiếu / missing', `${table} ${String(gone.k)}`);
  }
}

const since = (start: number) => (performance.now() - start) / 1000;
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

export async function verifyRegister(sequelize: Sequelize, blobs: BlobStore, options: VerifyOptions): Promise<VerifyResult> {
  const reader = await openRawReader(sequelize);
  try {
    const [head] = await reader.all('SELECT seq, hash FROM register_chain_head WHERE id = 1', {});
    const ctx: Context = {
      reader,
      target: rawTargetOf(sequelize),
      blobs,
      headSeq: Number(head?.seq ?? 0),
      headHash: head?.hash,
      from: options.from ?? null,
    };
    const timings: VerifyTimings = { chainSeconds: 0, chainCpuSeconds: 0, chainStretches: 1, rowsSeconds: 0, rowsCpuSeconds: 0, blobSeconds: 0, blobBytes: 0 };
    const result: VerifyResult = {
      break: null,
      events: 0,
      firstSeq: 1,
      head: { seq: ctx.headSeq, hash: typeof head?.hash === 'string' ? head.hash : GENESIS_HASH },
      documents: 0,
      entries: 0,
      blobs: 0,
      anchors: options.anchors.length,
      timings,
    };
    const checker = options.blobs === false ? null : new BlobChecker(blobs);
    try {
      let start = performance.now();
      let cpu = process.cpuUsage();
      const split = options.split ?? { stretches: Math.min(os.availableParallelism(), MAX_STRETCHES), minEvents: SPLIT_FROM };
      Object.assign(result, await walkChain(ctx, options.anchors, split, timings));
      timings.chainSeconds = since(start);
      timings.chainCpuSeconds = cpuSince(cpu);
      start = performance.now();
      cpu = process.cpuUsage();
      if (options.rows !== false) {
        result.documents = await checkDocuments(ctx, checker);
        result.entries = await checkEntries(ctx);
        await checkRemoved(ctx);
      }
      timings.rowsSeconds = since(start);
      timings.rowsCpuSeconds = cpuSince(cpu);
      await checker?.finish();
    } catch (err) {
      if (!(err instanceof Broken)) throw err;
      result.break = err.found;
    } finally {
      checker?.stop();
      result.blobs = checker?.checked ?? 0;
      timings.blobSeconds = checker?.seconds ?? 0;
      timings.blobBytes = checker?.bytes ?? 0;
    }
    return result;
  } finally {
    reader.release();
  }
}
