// Register lookups for `docgate register list|search|show`: register entries (one per agency book)
// joined with their documents, filtered by bound parameters only, full text through the folded index
// (FTS5 on SQLite, tsvector on PostgreSQL; migration 010).

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

/** The WHERE clause and parameters of a query. */
function whereOf(dialect: string, q: RegisterQuery): { where: string; params: NamedParams } {
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
  if (q.text !== undefined) {
    const words = queryWords(q.text);
    if (words.length === 0) parts.push('1 = 0');
    else if (dialect === 'postgres') {
      add("s.tsv @@ to_tsquery('simple', :tsquery)", { tsquery: words.map((w) => `'${w.replace(/'/g, '')}'`).join(' & ') });
    } else {
      // Each word quoted: an FTS5 string, never an operator (a "NOT" or "*" from the user stays a word).
      add('s.id IN (SELECT rowid FROM document_search_fts WHERE document_search_fts MATCH :match)', {
        match: words.map((w) => `"${w.replace(/"/g, '')}"`).join(' '),
      });
    }
  }
  return { where: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const SELECT =
  'SELECT e.id AS entry_id, e.agency_id, e.book, e.year, e.number, e.status, e.registered_at, e.counterpart_agency_id, e.note, ' +
  'd.id AS tracking_id, d.sender_agency_id, d.sender_account, d.document_number, d.signed_date, d.document_type, d.summary, d.subject, d.urgency, d.signer, d.origin ' +
  'FROM register_entries e JOIN documents d ON d.id = e.document_id LEFT JOIN document_search s ON s.document_id = d.id';

export async function searchRegister(sequelize: Sequelize, q: RegisterQuery): Promise<RegisterHit[]> {
  const { where, params } = whereOf(sequelize.getDialect(), q);
  const rows = await query<Record<string, unknown>>(sequelize, `${SELECT} ${where} ORDER BY e.registered_at DESC, e.id DESC LIMIT :limit`, {
    ...params,
    limit: q.limit ?? 100,
  });
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
