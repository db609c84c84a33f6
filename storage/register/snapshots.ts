// The register state an event vouches for: a register entry, or a document with its files, as canonical
// JSON read from the rows. The appender stores the snapshot of every row an event concerns (after the
// caller's writes, in its transaction); verify reads the rows the same way and compares, so an edit of
// a register row outside the event log shows as a difference in a named field.

import type { Sequelize, Transaction } from 'sequelize';
import { toDate } from '../models.js';
import { query } from '../sql.js';
import { canonicalJson } from './chain.js';

const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** A text column's value as read (drivers give strings; numbers only where a column holds digits). */
export function columnText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}
const text = columnText;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't' || v === 'true';
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : toDate(v).toISOString());

/** A deleted row's snapshot: the row must be gone (and its blob may be). */
export const DELETED_ENTRY = canonicalJson({ deleted: true });

export function isDeletedState(state: string): boolean {
  return state.startsWith('{"deleted":true');
}

export function entrySnapshot(r: Record<string, unknown>): string {
  return canonicalJson({
    id: num(r.id),
    agencyId: text(r.agency_id),
    book: text(r.book),
    year: num(r.year),
    number: num(r.number),
    documentId: text(r.document_id),
    counterpartAgencyId: text(r.counterpart_agency_id),
    status: text(r.status),
    registeredAt: iso(r.registered_at),
    note: text(r.note),
  });
}

export const ENTRY_COLUMNS = 'id, agency_id, book, year, number, document_id, counterpart_agency_id, status, registered_at, note';

/** Document columns a snapshot covers, with its message's blob digest (`m.blob_sha256`). */
export const DOCUMENT_COLUMNS =
  'd.id, d.status, d.reason, d.sender_agency_id, d.sender_account, d.envelope_from, d.recipients, d.subject, d.document_number, d.signed_date, ' +
  'd.signer, d.document_type, d.summary, d.urgency, d.confidentiality, d.paper_copy_required, d.received_at, d.metadata, d.signature, m.blob_sha256';

export const FILE_COLUMNS = 'document_id, position, part_path, filename, size, declared_type, detected_type, sha256, role';

function fileSnapshot(f: Record<string, unknown>): Record<string, unknown> {
  return {
    position: num(f.position),
    partPath: text(f.part_path),
    filename: text(f.filename),
    size: num(f.size),
    declaredType: text(f.declared_type),
    detectedType: text(f.detected_type),
    sha256: text(f.sha256),
    role: text(f.role),
  };
}

export interface DocumentSnapshot {
  state: string;
  /** The stored message's raw SHA-256 ('' when the document has no stored message). */
  sha256: string;
}

/** `files` in position order. */
export function documentSnapshot(d: Record<string, unknown>, files: Record<string, unknown>[]): DocumentSnapshot {
  const sha256 = text(d.blob_sha256) ?? '';
  const state = canonicalJson({
    id: text(d.id),
    status: text(d.status),
    reason: text(d.reason),
    senderAgencyId: text(d.sender_agency_id),
    senderAccount: text(d.sender_account),
    envelopeFrom: text(d.envelope_from),
    recipients: text(d.recipients),
    subject: text(d.subject),
    documentNumber: text(d.document_number),
    signedDate: text(d.signed_date),
    signer: text(d.signer),
    documentType: text(d.document_type),
    summary: text(d.summary),
    urgency: text(d.urgency),
    confidentiality: text(d.confidentiality),
    paperCopyRequired: bool(d.paper_copy_required),
    receivedAt: iso(d.received_at),
    metadata: text(d.metadata),
    signature: text(d.signature),
    messageSha256: sha256,
    files: files.map(fileSnapshot),
  });
  return { state, sha256 };
}

/** A deleted document's snapshot keeps the hashes of what was removed. */
export function deletedDocumentState(sha256: string, fileHashes: string[]): string {
  return canonicalJson({ deleted: true, messageSha256: sha256, files: fileHashes });
}

export async function readEntrySnapshots(sequelize: Sequelize, t: Transaction | undefined, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await query(sequelize, `SELECT ${ENTRY_COLUMNS} FROM register_entries WHERE id IN (:ids)`, { ids: part }, t);
    for (const r of rows) out.set(Number(r.id), entrySnapshot(r));
  }
  return out;
}

/** Files of documents, grouped by document, in position order. */
export async function readFiles(sequelize: Sequelize, t: Transaction | undefined, ids: string[]): Promise<Map<string, Record<string, unknown>[]>> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const part of chunks(ids)) {
    const rows = await query(
      sequelize,
      `SELECT ${FILE_COLUMNS} FROM document_files WHERE document_id IN (:ids) ORDER BY document_id, position`,
      { ids: part },
      t,
    );
    for (const f of rows) {
      const id = String(f.document_id);
      const list = out.get(id) ?? [];
      list.push(f);
      out.set(id, list);
    }
  }
  return out;
}

export async function readDocumentSnapshots(sequelize: Sequelize, t: Transaction | undefined, ids: string[]): Promise<Map<string, DocumentSnapshot>> {
  const out = new Map<string, DocumentSnapshot>();
  const distinct = [...new Set(ids)];
  const files = await readFiles(sequelize, t, distinct);
  for (const part of chunks(distinct)) {
    const rows = await query(
      sequelize,
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d LEFT JOIN messages m ON m.id = d.message_id WHERE d.id IN (:ids)`,
      { ids: part },
      t,
    );
    for (const d of rows) out.set(String(d.id), documentSnapshot(d, files.get(String(d.id)) ?? []));
  }
  return out;
}
