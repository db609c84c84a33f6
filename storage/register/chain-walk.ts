// One stretch of the event chain re-walked: seq continuity, each prev_hash link, each recomputed hash and
// the anchors' claims inside it, in keyset pages on one reader (the next page's query runs while this one
// is hashed). `register verify` walks the whole chain as one stretch, or splits it by seq over worker
// threads (chain-worker.ts), each walking its own stretch on its own connection.
// A stretch starts from the hash its previous event carries as stored: up to the first break every
// stored hash equals the recomputed one, so the first break of the lowest stretch that has one is the
// very break a single walk from the start would meet first, with the same field, expected and found.

import { toDate } from '../models.js';
import type { NamedParams } from '../sql.js';
import { chainHash, GENESIS_HASH, type ChainedContent, type EventKind } from './chain.js';
import type { RawReader, RawRow } from './raw-reads.js';
import { columnText } from './snapshots.js';

/** Events per page (one query each). */
const EVENT_PAGE = 10_000;

/** A signed anchor's claim (checked for its signature by the caller): the chain had `hash` at `seq`. */
export interface AnchorClaim {
  seq: number;
  hash: string;
  file: string;
}

interface ChainBreak {
  kind: 'chain' | 'anchor';
  seq: number;
  field: string;
  expected: string;
  found: string;
  subject: string | null;
}

export interface ChainStretch {
  /** First and last seq walked (inclusive). */
  first: number;
  last: number;
  /** The chain's last seq (a missing event is named by the next one present up to it). */
  headSeq: number;
  /** The anchors claiming a seq in [first, last]. */
  claims: AnchorClaim[];
}

export interface StretchResult {
  events: number;
  /** The recomputed hash of the last event walked. */
  lastHash: string;
  break: ChainBreak | null;
}

/** The hashed content of an event row as the database (or an export's events.jsonl) gives it. */
export function contentOf(r: Record<string, unknown>): ChainedContent {
  return {
    seq: Number(r.seq),
    kind: String(r.kind) as EventKind,
    documentId: columnText(r.document_id),
    entryId: r.entry_id === null || r.entry_id === undefined ? null : Number(r.entry_id),
    agencyId: columnText(r.agency_id),
    status: String(r.status),
    actor: columnText(r.actor),
    note: columnText(r.note),
    subject: columnText(r.subject),
    at: toDate(r.at),
    entryState: columnText(r.entry_state),
    documentState: columnText(r.document_state),
    documentSha256: columnText(r.document_sha256) ?? '',
  };
}

/** What the main thread posts to a worker's stretch whose result no longer matters (chain-worker.ts). */
export const STOP_WALK = 'stop';

/** Starts a read now and keeps its rejection from going unhandled until it is awaited. */
export function prefetch(reader: RawReader, sql: string, params: NamedParams): Promise<RawRow[]> {
  const rows = reader.all(sql, params);
  rows.catch(() => undefined);
  return rows;
}

const EVENT_SQL =
  'SELECT seq, kind, document_id, entry_id, agency_id, status, actor, note, subject, at, entry_state, document_state, document_sha256, prev_hash, hash ' +
  'FROM register_events WHERE seq >= :from AND seq <= :last ORDER BY seq LIMIT :limit';

class StretchBroken extends Error {
  constructor(readonly found: ChainBreak) {
    super(found.field);
  }
}

function broken(kind: ChainBreak['kind'], seq: number, field: string, expected: string, found: string, subject: string | null = null): never {
  throw new StretchBroken({ kind, seq, field, expected, found, subject });
}

/** The hash the event before `seq` carries (the genesis hash before seq 1), or a break if it is gone. */
async function hashBefore(reader: RawReader, seq: number): Promise<string> {
  if (seq <= 1) return GENESIS_HASH;
  const [before] = await reader.all('SELECT hash FROM register_events WHERE seq = :seq', { seq: seq - 1 });
  if (!before) broken('chain', seq - 1, 'seq', String(seq - 1), 'missing');
  return String(before.hash);
}

/**
 * Walks one stretch. `stopped` is asked between pages: a stretch whose result no longer matters (an
 * earlier one broke) ends at the next page and returns what it walked so far.
 */
export async function walkStretch(reader: RawReader, stretch: ChainStretch, stopped: () => boolean = () => false): Promise<StretchResult> {
  let expected = stretch.first;
  let prev = '';
  try {
    prev = await hashBefore(reader, stretch.first);
    const claims = new Map<number, AnchorClaim[]>();
    for (const a of stretch.claims) claims.set(a.seq, [...(claims.get(a.seq) ?? []), a]);
    const page = (from: number) => prefetch(reader, EVENT_SQL, { from, last: stretch.last, limit: EVENT_PAGE });
    let next = expected <= stretch.last ? page(expected) : null;
    while (next) {
      const rows = await next;
      if (rows.length === 0 || stopped()) break;
      const lastRead = Number(rows[rows.length - 1].seq);
      next = rows.length === EVENT_PAGE && lastRead < stretch.last ? page(lastRead + 1) : null;
      for (const r of rows) {
        const content = contentOf(r);
        if (content.seq !== expected) broken('chain', expected, 'seq', String(expected), String(content.seq));
        if (r.prev_hash !== prev) broken('chain', content.seq, 'prev_hash', prev, String(r.prev_hash));
        const hash = chainHash(content, prev);
        if (hash !== r.hash) broken('chain', content.seq, 'hash', hash, String(r.hash));
        if (claims.size > 0) for (const a of claims.get(content.seq) ?? []) if (a.hash !== hash) broken('anchor', content.seq, 'hash', a.hash, hash, a.file);
        prev = hash;
        expected++;
      }
    }
    if (expected <= stretch.last && !stopped()) {
      // Events missing at the end of the stretch: a single walk would have met the next one present.
      const [after] = await reader.all('SELECT MIN(seq) AS seq FROM register_events WHERE seq > :last AND seq <= :head', {
        last: stretch.last,
        head: stretch.headSeq,
      });
      const found = after?.seq === null || after?.seq === undefined ? 'hết sổ / end of log' : String(Number(after.seq));
      broken('chain', expected, 'seq', String(expected), found);
    }
    return { events: expected - stretch.first, lastHash: prev, break: null };
  } catch (err) {
    if (!(err instanceof StretchBroken)) throw err;
    return { events: expected - stretch.first, lastHash: prev, break: err.found };
  }
}
