// `docgate register verify`: walks the event chain in pages (seq continuity, each link, each recomputed
// hash, the anchors' heads), then compares the register rows with the snapshots the chain recorded for
// them (an edited, added or removed row), and re-hashes every document's stored message. Stops at the
// first break and names it: the event's seq, the field, what the chain says and what was found.

import type { Sequelize } from 'sequelize';
import type { BlobStore } from '../blobs.js';
import { toDate } from '../models.js';
import { query, type NamedParams } from '../sql.js';
import { chainHash, GENESIS_HASH, type ChainedContent, type EventKind } from './chain.js';
import { columnText, DOCUMENT_COLUMNS, ENTRY_COLUMNS, documentSnapshot, entrySnapshot, isDeletedState, readFiles } from './snapshots.js';

const EVENT_PAGE = 5000;
const ROW_PAGE = 1000;
const BLOB_CONCURRENCY = 8;

/** A signed anchor's claim (checked for its signature by the caller): the chain had `hash` at `seq`. */
export interface AnchorClaim {
  seq: number;
  hash: string;
  file: string;
}

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
}

export interface VerifyOptions {
  /** Only events, rows and documents from this instant on (the chain is re-linked to the event before). */
  from?: Date;
  anchors: AnchorClaim[];
  /** Re-hash stored messages (default true). */
  blobs?: boolean;
}

interface Context {
  sequelize: Sequelize;
  blobs: BlobStore;
  headSeq: number;
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

const textOrNull = columnText;

/** The hashed content of an event row as the database (or an export's events.jsonl) gives it. */
export function contentOf(r: Record<string, unknown>): ChainedContent {
  return {
    seq: Number(r.seq),
    kind: String(r.kind) as EventKind,
    documentId: textOrNull(r.document_id),
    entryId: r.entry_id === null || r.entry_id === undefined ? null : Number(r.entry_id),
    agencyId: textOrNull(r.agency_id),
    status: String(r.status),
    actor: textOrNull(r.actor),
    note: textOrNull(r.note),
    subject: textOrNull(r.subject),
    at: toDate(r.at),
    entryState: textOrNull(r.entry_state),
    documentState: textOrNull(r.document_state),
    documentSha256: columnText(r.document_sha256) ?? '',
  };
}

async function walkChain(ctx: Context, anchors: AnchorClaim[]): Promise<{ events: number; firstSeq: number }> {
  const { sequelize } = ctx;
  let firstSeq = 1;
  if (ctx.from) {
    const [row] = await query<{ seq: unknown }>(sequelize, 'SELECT MIN(seq) AS seq FROM register_events WHERE at >= :from', { from: ctx.from });
    firstSeq = row?.seq === null || row?.seq === undefined ? ctx.headSeq + 1 : Number(row.seq);
  }
  let prev = GENESIS_HASH;
  if (firstSeq > 1) {
    const [before] = await query<{ hash: string }>(sequelize, 'SELECT hash FROM register_events WHERE seq = :seq', { seq: firstSeq - 1 });
    if (!before) broken('chain', firstSeq - 1, 'seq', String(firstSeq - 1), 'missing');
    prev = before.hash;
  }
  const claims = new Map<number, AnchorClaim[]>();
  for (const a of anchors) if (a.seq >= firstSeq) claims.set(a.seq, [...(claims.get(a.seq) ?? []), a]);
  let expected = firstSeq;
  while (expected <= ctx.headSeq) {
    const rows = await query(
      sequelize,
      'SELECT seq, kind, document_id, entry_id, agency_id, status, actor, note, subject, at, entry_state, document_state, document_sha256, prev_hash, hash ' +
        'FROM register_events WHERE seq >= :from AND seq <= :head ORDER BY seq LIMIT :limit',
      { from: expected, head: ctx.headSeq, limit: EVENT_PAGE },
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      const content = contentOf(r);
      if (content.seq !== expected) broken('chain', expected, 'seq', String(expected), String(content.seq));
      if (r.prev_hash !== prev) broken('chain', content.seq, 'prev_hash', prev, String(r.prev_hash));
      const hash = chainHash(content, prev);
      if (hash !== r.hash) broken('chain', content.seq, 'hash', hash, String(r.hash));
      for (const a of claims.get(content.seq) ?? []) if (a.hash !== hash) broken('anchor', content.seq, 'hash', a.hash, hash, a.file);
      prev = hash;
      expected++;
    }
  }
  if (expected <= ctx.headSeq) broken('chain', expected, 'seq', String(expected), 'hết sổ / end of log');
  for (const a of anchors)
    if (a.seq > ctx.headSeq) broken('anchor', a.seq, 'seq', String(a.seq), `hết sổ ở ${ctx.headSeq} / log ends at ${ctx.headSeq}`, a.file);
  const [head] = await query<{ hash: string }>(sequelize, 'SELECT hash FROM register_chain_head WHERE id = 1', {});
  if (ctx.headSeq > 0 && head?.hash !== prev) broken('chain', ctx.headSeq, 'register_chain_head.hash', prev, String(head?.hash));
  return { events: expected - firstSeq, firstSeq };
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

/** The newest snapshot (within the verified chain) of each key, from `column` (document_state or entry_state). */
async function latestStates<K extends string | number>(
  ctx: Context,
  keyColumn: 'document_id' | 'entry_id',
  stateColumn: 'document_state' | 'entry_state',
  keys: K[],
): Promise<Map<K, { seq: number; state: string }>> {
  const out = new Map<K, { seq: number; state: string }>();
  if (keys.length === 0) return out;
  const rows = await query(
    ctx.sequelize,
    `SELECT ${keyColumn} AS k, seq, ${stateColumn} AS state FROM register_events WHERE ${keyColumn} IN (:keys) AND ${stateColumn} IS NOT NULL AND seq <= :head`,
    { keys, head: ctx.headSeq },
  );
  for (const r of rows) {
    const key = (keyColumn === 'entry_id' ? Number(r.k) : String(r.k)) as K;
    const seq = Number(r.seq);
    const known = out.get(key);
    if (!known || known.seq < seq) out.set(key, { seq, state: String(r.state) });
  }
  return out;
}

/** A row the chain has no snapshot of: written after verification began (skipped), or outside the log. */
async function appendedSince(ctx: Context, keyColumn: 'document_id' | 'entry_id', key: string | number): Promise<boolean> {
  const rows = await query(ctx.sequelize, `SELECT 1 AS found FROM register_events WHERE ${keyColumn} = :key AND seq > :head LIMIT 1`, {
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

async function checkBlobs(ctx: Context, wanted: { sha256: string; seq: number; documentId: string }[], checked: Set<string>): Promise<number> {
  const todo = wanted.filter((w) => w.sha256 !== '' && !checked.has(w.sha256) && (checked.add(w.sha256), true));
  for (let i = 0; i < todo.length; i += BLOB_CONCURRENCY) {
    const results = await Promise.all(
      todo.slice(i, i + BLOB_CONCURRENCY).map(async (w) => ({ w, digest: await ctx.blobs.digest(w.sha256).catch(() => 'thiếu / missing') })),
    );
    for (const { w, digest } of results) if (digest !== w.sha256) broken('blob', w.seq, 'blob.sha256', w.sha256, digest, `documents ${w.documentId}`);
  }
  return todo.length;
}

async function checkDocuments(ctx: Context, withBlobs: boolean): Promise<{ documents: number; blobs: number }> {
  let after = '';
  let documents = 0;
  let blobs = 0;
  const checked = new Set<string>();
  const since = ctx.from ? ' AND d.received_at >= :from' : '';
  for (;;) {
    const params: NamedParams = { after, limit: ROW_PAGE, ...(ctx.from ? { from: ctx.from } : {}) };
    const rows = await query(
      ctx.sequelize,
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d LEFT JOIN messages m ON m.id = d.message_id WHERE d.id > :after${since} ORDER BY d.id LIMIT :limit`,
      params,
    );
    if (rows.length === 0) return { documents, blobs };
    const ids = rows.map((r) => String(r.id));
    const files = await readFiles(ctx.sequelize, undefined, ids);
    const latest = await latestStates(ctx, 'document_id', 'document_state', ids);
    const wanted: { sha256: string; seq: number; documentId: string }[] = [];
    for (const r of rows) {
      const id = String(r.id);
      const snapshot = documentSnapshot(r, files.get(id) ?? []);
      const known = latest.get(id);
      await compare(ctx, 'documents', 'document_id', id, snapshot.state, known);
      if (known) wanted.push({ sha256: snapshot.sha256, seq: known.seq, documentId: id });
    }
    if (withBlobs) blobs += await checkBlobs(ctx, wanted, checked);
    documents += rows.length;
    after = ids[ids.length - 1];
  }
}

async function checkEntries(ctx: Context): Promise<number> {
  let after = 0;
  let entries = 0;
  const since = ctx.from ? ' AND registered_at >= :from' : '';
  for (;;) {
    const rows = await query(ctx.sequelize, `SELECT ${ENTRY_COLUMNS} FROM register_entries WHERE id > :after${since} ORDER BY id LIMIT :limit`, {
      after,
      limit: ROW_PAGE,
      ...(ctx.from ? { from: ctx.from } : {}),
    });
    if (rows.length === 0) return entries;
    const ids = rows.map((r) => Number(r.id));
    const latest = await latestStates(ctx, 'entry_id', 'entry_state', ids);
    for (const r of rows) await compare(ctx, 'register_entries', 'entry_id', Number(r.id), entrySnapshot(r), latest.get(Number(r.id)));
    entries += rows.length;
    after = ids[ids.length - 1];
  }
}

/** Rows the chain recorded and no deletion event covers, that are gone. */
async function checkRemoved(ctx: Context): Promise<void> {
  for (const [table, keyColumn, stateColumn] of [
    ['documents', 'document_id', 'document_state'],
    ['register_entries', 'entry_id', 'entry_state'],
  ] as const) {
    const [gone] = await query(
      ctx.sequelize,
      `SELECT e.${keyColumn} AS k, MAX(e.seq) AS seq FROM register_events e LEFT JOIN ${table} r ON r.id = e.${keyColumn} ` +
        `WHERE e.${stateColumn} IS NOT NULL AND e.seq <= :head AND r.id IS NULL GROUP BY e.${keyColumn} ` +
        "HAVING MAX(CASE WHEN e.kind = 'deleted' THEN 1 ELSE 0 END) = 0 LIMIT 1",
      { head: ctx.headSeq },
    );
    if (gone) broken('row', Number(gone.seq), `${table}.id`, String(gone.k), 'thiếu / missing', `${table} ${String(gone.k)}`);
  }
}

export async function verifyRegister(sequelize: Sequelize, blobs: BlobStore, options: VerifyOptions): Promise<VerifyResult> {
  const [head] = await query<{ seq: unknown; hash: string }>(sequelize, 'SELECT seq, hash FROM register_chain_head WHERE id = 1', {});
  const ctx: Context = { sequelize, blobs, headSeq: Number(head?.seq ?? 0), from: options.from ?? null };
  const result: VerifyResult = {
    break: null,
    events: 0,
    firstSeq: 1,
    head: { seq: ctx.headSeq, hash: head?.hash ?? GENESIS_HASH },
    documents: 0,
    entries: 0,
    blobs: 0,
    anchors: options.anchors.length,
  };
  try {
    Object.assign(result, await walkChain(ctx, options.anchors));
    const docs = await checkDocuments(ctx, options.blobs !== false);
    result.documents = docs.documents;
    result.blobs = docs.blobs;
    result.entries = await checkEntries(ctx);
    await checkRemoved(ctx);
  } catch (err) {
    if (!(err instanceof Broken)) throw err;
    result.break = err.found;
  }
  return result;
}
