// Register lookups for `docgate register list|search|show`: register entries (one per agency book)
// joined with their documents, filtered by bound parameters only, full text through the folded index
// (FTS5 on SQLite, tsvector on PostgreSQL; migration 010). Results are always the newest `limit`
// entries (registered_at, id descending); how a full-text search gets there depends on how common its
// words are (see searchRegister).

import type { Sequelize } from 'sequelize';
import { toNumber } from '../models.js';
import type { RegisterBook } from '../rows.js';
import { query, type NamedParams } from '../sql.js';
import { foldText, queryWords } from './search-text.js';

export interface RegisterQuery {
  agencyId?: string;
  book?: RegisterBook;
  year?: number;
  /** Số đến / số đi. */
  number?: number;
  /** Số ký hiệu, exact (NFC). */
  documentNumber?: string;
  /** Loại văn bản, compared folded ("cong van" = "Công văn"). */
  documentType?: string;
  /** Độ khẩn code (normal, urgent, very-urgent, flash). */
  urgency?: string;
  status?: string;
  /** Received (register) time: [from, to). */
  receivedFrom?: Date;
  receivedTo?: Date;
  /** Ngày ký, yyyy-mm-dd, inclusive. */
  signedFrom?: string;
  signedTo?: string;
  /** Sender agency id or account address. */
  sender?: string;
  /** Recipient agency id or address. */
  recipient?: string;
  /** Full text of trích yếu, subject, số ký hiệu, file names; with or without diacritics. */
  text?: string;
  limit?: number;
}

export interface RegisterHit {
  entryId: number;
  agencyId: string;
  book: RegisterBook;
  year: number;
  number: number | null;
  status: string;
  registeredAt: Date;
  counterpartAgencyId: string | null;
  note: string | null;
  trackingId: string;
  senderAgencyId: string;
  senderAccount: string;
  documentNumber: string | null;
  signedDate: string | null;
  documentType: string | null;
  summary: string | null;
  subject: string | null;
  urgency: string | null;
  signer: string | null;
  /** null: submitted over SMTP; 'paper': registered from paper (register add-paper). */
  origin: string | null;
}

function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

interface TextMatch {
  /** The engine's query: an FTS5 MATCH string or a tsquery. */
  match: string;
  /** Selects the matching documents as a set (few matches: the engine lists them, the rest is joined to them). */
  setCheck: string;
  /** Checks one document_search row `s` (many matches: rows are read newest first and each is checked). */
  rowCheck: string;
  rowParams: NamedParams;
  /** The ids of at most :cap matching document_search rows. */
  probe: string;
  /** Few matches: a FROM clause that starts from the match list, with the condition it still needs. */
  listFrom: { from: string; check: string | null };
  /** Windows read before the probe: what a probe costs against the newest window. */
  windowsBeforeProbe: number;
}

/** The full-text condition of a query's words, 'nothing' when it has none (no word matches nothing). */
function textMatch(dialect: string, text: string | undefined): TextMatch | 'nothing' | null {
  if (text === undefined) return null;
  const words = queryWords(text);
  if (words.length === 0) return 'nothing';
  if (dialect === 'postgres') {
    const match = words.map((w) => `'${w.replace(/'/g, '')}'`).join(' & ');
    const tsv = "s.tsv @@ to_tsquery('simple', :match)";
    return {
      match,
      setCheck: tsv,
      // The operator's function, which no index serves: with `@@` the planner trusted its estimate of
      // the words' matches (each word's share multiplied: 1,150 for a phrase 23,692 documents hold) and
      // built the whole GIN bitmap for every window (300 ms each) instead of reading the window's rows.
      rowCheck: "ts_match_vq(s.tsv, to_tsquery('simple', :match))",
      rowParams: { match },
      probe: `SELECT s.id FROM document_search s WHERE ${tsv} LIMIT :cap`,
      // The planner took a word no document holds for a common one and read all 3.7M entries by
      // registered_at (30 s); OFFSET 0 keeps the matches a subquery it must list first.
      listFrom: {
        from:
          "FROM (SELECT * FROM document_search WHERE tsv @@ to_tsquery('simple', :match) OFFSET 0) s " +
          'JOIN documents d ON d.id = s.document_id JOIN register_entries e ON e.document_id = d.id',
        check: null,
      },
      // The probe is a GIN bitmap of every match (40 ms for common words at 1M); the newest day's
      // rows checked one by one answer a common phrase in a few.
      windowsBeforeProbe: 1,
    };
  }
  // Each word quoted: an FTS5 string, never an operator (a "NOT" or "*" from the user stays a word).
  return {
    match: words.map((w) => `"${w.replace(/"/g, '')}"`).join(' '),
    setCheck: 's.id IN (SELECT rowid FROM document_search_fts WHERE document_search_fts MATCH :match)',
    // A MATCH per row costs FTS5 a whole query (seconds per window at 1M): the row's own folded text,
    // the very words the FTS5 table was given (space-separated, folded), is searched for each word instead.
    rowCheck: words.map((_, i) => `instr(' ' || s.text_folded || ' ', :word${i}) > 0`).join(' AND '),
    rowParams: Object.fromEntries(words.map((w, i) => [`word${i}`, ` ${w.replace(/"/g, '')} `])),
    probe: 'SELECT rowid AS id FROM document_search_fts WHERE document_search_fts MATCH :match LIMIT :cap',
    // SQLite's planner, given ORDER BY registered_at LIMIT, read the whole register by that index and
    // looked each row up in the match list (2.3 s at 1M for a phrase no document holds); CROSS JOIN
    // fixes its join order to start from the matches instead.
    listFrom: {
      from:
        'FROM document_search_fts CROSS JOIN document_search s ON s.id = document_search_fts.rowid ' +
        'CROSS JOIN documents d ON d.id = s.document_id CROSS JOIN register_entries e ON e.document_id = d.id',
      check: 'document_search_fts MATCH :match',
    },
    // FTS5 stops at :cap matches: a few milliseconds.
    windowsBeforeProbe: 0,
  };
}

/** How the words are checked: against the match set, row by row, or as the match list the FROM starts from. */
type TextMode = 'set' | 'row' | 'list';

/** The WHERE clause and parameters of a query. */
function whereOf(dialect: string, q: RegisterQuery, mode: TextMode = 'set'): { where: string; params: NamedParams } {
  const parts: string[] = [];
  const params: NamedParams = {};
  const add = (sql: string, values: NamedParams) => (parts.push(sql), Object.assign(params, values));
  if (q.agencyId) add('e.agency_id = :agency', { agency: q.agencyId });
  if (q.book) add('e.book = :book', { book: q.book });
  if (q.year !== undefined) add('e.year = :year', { year: q.year });
  if (q.number !== undefined) add('e.number = :number', { number: q.number });
  if (q.status) add('e.status = :status', { status: q.status });
  if (q.receivedFrom) add('e.registered_at >= :receivedFrom', { receivedFrom: q.receivedFrom });
  if (q.receivedTo) add('e.registered_at < :receivedTo', { receivedTo: q.receivedTo });
  if (q.documentNumber) add('d.document_number = :documentNumber', { documentNumber: q.documentNumber.normalize('NFC') });
  if (q.signedFrom) add('d.signed_date >= :signedFrom', { signedFrom: q.signedFrom });
  if (q.signedTo) add('d.signed_date <= :signedTo', { signedTo: q.signedTo });
  if (q.documentType) add('s.document_type_folded = :documentType', { documentType: foldText(q.documentType) });
  if (q.urgency) add('s.urgency_folded = :urgency', { urgency: foldText(q.urgency) });
  if (q.sender) add('(d.sender_agency_id = :sender OR LOWER(d.sender_account) = :senderLower)', { sender: q.sender, senderLower: q.sender.toLowerCase() });
  if (q.recipient) {
    // An agency id names the sổ đến entry; an address is matched in the envelope recipients (JSON array).
    add(
      "(EXISTS (SELECT 1 FROM register_entries r WHERE r.document_id = e.document_id AND r.book = 'incoming' AND r.agency_id = :recipient) OR LOWER(d.recipients) LIKE :recipientLike)",
      { recipient: q.recipient, recipientLike: `%"${q.recipient.toLowerCase().replace(/[%_"\\]/g, '')}"%` },
    );
  }
  const text = textMatch(dialect, q.text);
  if (text === 'nothing') parts.push('1 = 0');
  else if (text && mode === 'row') add(text.rowCheck, text.rowParams);
  else if (text && mode === 'list') {
    if (text.listFrom.check) parts.push(text.listFrom.check);
    params.match = text.match;
  } else if (text) add(text.setCheck, { match: text.match });
  return { where: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const COLUMNS =
  'SELECT e.id AS entry_id, e.agency_id, e.book, e.year, e.number, e.status, e.registered_at, e.counterpart_agency_id, e.note, ' +
  'd.id AS tracking_id, d.sender_agency_id, d.sender_account, d.document_number, d.signed_date, d.document_type, d.summary, d.subject, d.urgency, d.signer, d.origin';
const FROM_REGISTER = 'FROM register_entries e JOIN documents d ON d.id = e.document_id LEFT JOIN document_search s ON s.document_id = d.id';

/** Above this many matching documents, a full-text search reads the register newest first instead. */
const MANY_MATCHES = 2000;
const DAY_MS = 86_400_000;
/** The first window's span, and how much each next one widens. */
const FIRST_WINDOW_MS = DAY_MS;
const WIDEN = 4;
/** Past this span, the match list (a register of over 11 years; the oldest entry usually stops the widening first). */
const LAST_WINDOW_MS = 4 ** 6 * DAY_MS;

type Row = Record<string, unknown>;

async function newestFirst(sequelize: Sequelize, where: string, params: NamedParams, limit: number, extra = '', from = FROM_REGISTER): Promise<Row[]> {
  const clause = extra ? (where ? `${where} AND ${extra}` : `WHERE ${extra}`) : where;
  return query<Row>(sequelize, `${COLUMNS} ${from} ${clause} ORDER BY e.registered_at DESC, e.id DESC LIMIT :limit`, { ...params, limit });
}

/**
 * Sorting every match by registered_at before LIMIT made a common word cost seconds at 1M documents. A
 * word that few documents hold is still answered from its match list (joined, sorted: cheap). A common
 * one reads the register backwards by registered_at in widening windows (the newest day, then 4, 16 …
 * days), checking each row's words, until a window holds `limit` hits: entries outside a window are all
 * older than those in it, so these are exactly the newest `limit` matches, in whatever order the index
 * rows were written. A window that would reach back past the oldest entry is the match list's job.
 */
async function fullText(sequelize: Sequelize, q: RegisterQuery, text: TextMatch, limit: number): Promise<Row[]> {
  const fewMatches = async () => (await query(sequelize, text.probe, { match: text.match, cap: MANY_MATCHES })).length < MANY_MATCHES;
  const fewList = () => {
    const { where, params } = whereOf(sequelize.getDialect(), q, 'list');
    return newestFirst(sequelize, where, params, limit, '', text.listFrom.from);
  };
  if (text.windowsBeforeProbe === 0 && (await fewMatches())) return fewList();
  const [span] = await query<{ newest: unknown; oldest: unknown }>(
    sequelize,
    // One aggregate per SELECT: SQLite reads a MIN or MAX off the index only when it is alone (together: a full scan).
    'SELECT (SELECT MAX(registered_at) FROM register_entries) AS newest, (SELECT MIN(registered_at) FROM register_entries) AS oldest',
    {},
  );
  if (span?.newest === null || span?.newest === undefined) return [];
  const newest = Math.min(asDate(span.newest).getTime(), q.receivedTo?.getTime() ?? Infinity);
  const floor = Math.max(asDate(span.oldest).getTime(), q.receivedFrom?.getTime() ?? -Infinity);
  const { where, params } = whereOf(sequelize.getDialect(), q, 'row');
  let hits = 0;
  for (let width = FIRST_WINDOW_MS, read = 0; width <= LAST_WINDOW_MS; width *= WIDEN, read++) {
    const from = new Date(newest - width);
    if (from.getTime() <= floor) break;
    // Hits at a rate that fills `limit` within the next window or two: no probe needed to keep going.
    if (read > 0 && read === text.windowsBeforeProbe && hits * WIDEN < limit && (await fewMatches())) return fewList();
    const rows = await newestFirst(sequelize, where, { ...params, windowFrom: from }, limit, 'e.registered_at >= :windowFrom');
    if (rows.length >= limit) return rows;
    hits = rows.length;
  }
  // Fewer than `limit` hits in every window (other filters are selective): the match set, joined by the planner.
  const all = whereOf(sequelize.getDialect(), q);
  return newestFirst(sequelize, all.where, all.params, limit);
}

export async function searchRegister(sequelize: Sequelize, q: RegisterQuery): Promise<RegisterHit[]> {
  const limit = q.limit ?? 100;
  const text = textMatch(sequelize.getDialect(), q.text);
  // A số ký hiệu or a number picks a handful of rows by its own index: the words only filter them.
  let rows: Row[];
  if (text && text !== 'nothing' && !q.documentNumber && q.number === undefined) rows = await fullText(sequelize, q, text, limit);
  else {
    const { where, params } = whereOf(sequelize.getDialect(), q);
    rows = await newestFirst(sequelize, where, params, limit);
  }
  return rows.map((r) => ({
    entryId: toNumber(r.entry_id),
    agencyId: String(r.agency_id),
    book: r.book as RegisterBook,
    year: toNumber(r.year),
    number: r.number === null ? null : toNumber(r.number),
    status: String(r.status),
    registeredAt: asDate(r.registered_at),
    counterpartAgencyId: (r.counterpart_agency_id as string | null) ?? null,
    note: (r.note as string | null) ?? null,
    trackingId: String(r.tracking_id),
    senderAgencyId: String(r.sender_agency_id),
    senderAccount: String(r.sender_account),
    documentNumber: (r.document_number as string | null) ?? null,
    signedDate: (r.signed_date as string | null) ?? null,
    documentType: (r.document_type as string | null) ?? null,
    summary: (r.summary as string | null) ?? null,
    subject: (r.subject as string | null) ?? null,
    urgency: (r.urgency as string | null) ?? null,
    signer: (r.signer as string | null) ?? null,
    origin: (r.origin as string | null) ?? null,
  }));
}

/** The entry id of an agency's book number in a year (for `show AGENCY YEAR NUMBER`), or null. */
export async function findEntryByNumber(sequelize: Sequelize, agencyId: string, book: RegisterBook, year: number, number: number): Promise<string | null> {
  const rows = await query<{ document_id: string }>(
    sequelize,
    'SELECT document_id FROM register_entries WHERE agency_id = :agencyId AND book = :book AND year = :year AND number = :number',
    { agencyId, book, year, number },
  );
  return rows[0]?.document_id ?? null;
}
