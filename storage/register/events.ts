// The one way a register event is written. Every writer (intake batches, filing, quarantine decisions,
// relay outcomes, notices, administrators' actions) appends through here, so the event log has one
// place that decides its form: a hash chain (chain.ts). A whole batch is chained in one step: the head
// is read once per call (on PostgreSQL under a row lock on register_chain_head, held to the commit, so
// processes appending at once queue on it), every hash is computed here, and one multi-row INSERT
// writes the batch. Each event also records the snapshot of the register rows it concerns, read after
// the caller's writes in the same transaction (snapshots.ts), so verify can tell an edited row.

import type { Sequelize, Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { RegisterEventRow } from '../rows.js';
import { execute, insertRows, query } from '../sql.js';
import { chainHash, type ChainedContent } from './chain.js';
import { readDocumentSnapshots, readEntrySnapshots, type DocumentSnapshot } from './snapshots.js';

type Chained = 'id' | 'seq' | 'prevHash' | 'hash' | 'entryState' | 'documentState' | 'documentSha256' | 'kind' | 'subject';

/** An event as its writer gives it; the chain columns and snapshots are filled in here. */
export type NewRegisterEvent = Omit<RegisterEventRow, Chained | 'documentId' | 'agencyId'> & {
  documentId: string | null;
  agencyId: string | null;
  /** Default 'document'. */
  kind?: RegisterEventRow['kind'];
  subject?: string | null;
  /** Set by the retention purge: the snapshots of rows it removed (the rows are gone, so nothing is read). */
  entryState?: string | null;
  documentState?: string | null;
  documentSha256?: string;
};

export interface ChainHead {
  seq: number;
  hash: string;
}

/** The head as appenders see it (locked on PostgreSQL until the caller's transaction ends). */
export async function lockChainHead(sequelize: Sequelize, t: Transaction): Promise<ChainHead> {
  const lock = sequelize.getDialect() === 'postgres' ? ' FOR UPDATE' : '';
  const [row] = await query<{ seq: unknown; hash: string }>(sequelize, `SELECT seq, hash FROM register_chain_head WHERE id = 1${lock}`, {}, t);
  if (!row) throw new Error('register_chain_head has no row: migration 011 did not run');
  return { seq: Number(row.seq), hash: row.hash };
}

/**
 * Bench only (README, "Intake with the chain on and off"): DOCGATE_BENCH_UNCHAINED=1 appends events with
 * their seq and head but no snapshots and no hashes, so bench/smtp.ts can measure what the chain costs
 * intake. Never set in service: such a log does not verify.
 */
const UNCHAINED = process.env.DOCGATE_BENCH_UNCHAINED === '1';

function firstOf<K>(seen: Set<K>, key: K | null): boolean {
  if (key === null || seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** Appends events in order, inside the caller's transaction. */
export async function appendRegisterEvents(sequelize: Sequelize, models: Models, t: Transaction, events: NewRegisterEvent[]): Promise<void> {
  if (events.length === 0) return;
  const head = await lockChainHead(sequelize, t);
  // Each row's snapshot goes with the first event of the batch that concerns it.
  const entryIds = new Set<number>();
  const documentIds = new Set<string>();
  const carriesEntry = events.map((e) => e.entryState === undefined && firstOf(entryIds, e.entryId));
  const carriesDocument = events.map((e) => e.documentState === undefined && firstOf(documentIds, e.documentId));
  const entries = UNCHAINED ? new Map<number, string>() : await readEntrySnapshots(sequelize, t, [...entryIds]);
  const documents = UNCHAINED ? new Map<string, DocumentSnapshot>() : await readDocumentSnapshots(sequelize, t, [...documentIds]);
  let prev = head.hash;
  const rows: Omit<RegisterEventRow, 'id'>[] = events.map((e, i) => {
    const doc = e.documentId === null ? undefined : documents.get(e.documentId);
    const content: ChainedContent = {
      seq: head.seq + i + 1,
      kind: e.kind ?? 'document',
      documentId: e.documentId,
      entryId: e.entryId,
      agencyId: e.agencyId,
      status: e.status,
      actor: e.actor,
      note: e.note,
      subject: e.subject ?? null,
      at: e.at,
      entryState: e.entryState !== undefined ? e.entryState : carriesEntry[i] ? (entries.get(e.entryId!) ?? null) : null,
      documentState: e.documentState !== undefined ? e.documentState : carriesDocument[i] ? (doc?.state ?? null) : null,
      documentSha256: e.documentSha256 ?? doc?.sha256 ?? '',
    };
    const hash = UNCHAINED ? prev : chainHash(content, prev);
    const row = { ...content, status: e.status, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  await insertRows(sequelize, t, models.RegisterEvent, rows);
  await execute(sequelize, 'UPDATE register_chain_head SET seq = :seq, hash = :hash WHERE id = 1', { seq: head.seq + rows.length, hash: prev }, t);
}
