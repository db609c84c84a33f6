// What `docgate export` reads of one agency's year, in pages so that a year of any size streams
// through bounded memory: register entries with their documents and stored message (keyset pages in
// book, number, id order: the archive's order), the files of a page's documents, and the register
// events of the exported documents as raw rows (every column, whatever later migrations add).

import type { Sequelize } from 'sequelize';
import type { Models } from '../models.js';
import { toNumber } from '../models.js';
import type { DocumentFileRow, DocumentRow, RegisterBook, RegisterEntryRow } from '../rows.js';
import { query, rowOf, type NamedParams } from '../sql.js';

export interface ExportScope {
  agencyId: string;
  year: number;
  book?: RegisterBook;
}

export interface ExportedEntry {
  entry: RegisterEntryRow;
  document: DocumentRow;
  /** The stored submission: blob digest and size (null when the document has no stored bytes). */
  blob: { sha256: string; size: number } | null;
}

/** Where the previous page ended: unnumbered entries sort after the numbered ones of their book. */
export interface EntryCursor {
  book: string;
  sortNumber: number;
  id: number;
}

const UNNUMBERED = 2_147_483_647;

function scopeWhere(scope: ExportScope, alias: string): { sql: string; params: NamedParams } {
  const params: NamedParams = { agencyId: scope.agencyId, year: scope.year };
  let sql = `${alias}.agency_id = :agencyId AND ${alias}.year = :year`;
  if (scope.book) {
    sql += ` AND ${alias}.book = :book`;
    params.book = scope.book;
  }
  return { sql, params };
}

export async function countExportEntries(sequelize: Sequelize, scope: ExportScope): Promise<number> {
  const where = scopeWhere(scope, 'e');
  const [row] = await query<{ n: unknown }>(sequelize, `SELECT COUNT(*) AS n FROM register_entries e WHERE ${where.sql}`, where.params);
  return toNumber(row.n);
}

export function cursorOf(entry: RegisterEntryRow): EntryCursor {
  return { book: entry.book, sortNumber: entry.number ?? UNNUMBERED, id: entry.id };
}

/** One page of entries after `cursor` (null: from the start). */
export async function exportEntryPage(
  sequelize: Sequelize,
  models: Models,
  scope: ExportScope,
  cursor: EntryCursor | null,
  limit: number,
): Promise<ExportedEntry[]> {
  const where = scopeWhere(scope, 'e');
  const sortNumber = `COALESCE(e.number, ${UNNUMBERED})`;
  const after = cursor ? ` AND (e.book > :cBook OR (e.book = :cBook AND (${sortNumber} > :cNumber OR (${sortNumber} = :cNumber AND e.id > :cId))))` : '';
  const params: NamedParams = { ...where.params, limit, ...(cursor ? { cBook: cursor.book, cNumber: cursor.sortNumber, cId: cursor.id } : {}) };
  const entries = await query(
    sequelize,
    `SELECT e.* FROM register_entries e WHERE ${where.sql}${after} ORDER BY e.book, ${sortNumber}, e.id LIMIT :limit`,
    params,
  );
  if (entries.length === 0) return [];
  const rows = entries.map((r) => rowOf<RegisterEntryRow>(models.RegisterEntry, r));
  const ids = [...new Set(rows.map((e) => e.documentId))];
  const docs = await query(
    sequelize,
    'SELECT d.*, m.blob_sha256 AS export_blob_sha256, m.blob_size AS export_blob_size FROM documents d LEFT JOIN messages m ON m.id = d.message_id WHERE d.id IN (:ids)',
    { ids },
  );
  const byId = new Map(docs.map((d) => [String(d.id), d]));
  return rows.map((entry) => {
    const d = byId.get(entry.documentId);
    if (!d) throw new Error(`register entry ${entry.id} names a missing document ${entry.documentId}`);
    const sha = d.export_blob_sha256;
    return {
      entry,
      document: rowOf<DocumentRow>(models.Document, d),
      blob: typeof sha === 'string' ? { sha256: sha, size: toNumber(d.export_blob_size) } : null,
    };
  });
}

/** The files of these documents, by document id, in position order. */
export async function filesOfDocuments(sequelize: Sequelize, models: Models, documentIds: string[]): Promise<Map<string, DocumentFileRow[]>> {
  const out = new Map<string, DocumentFileRow[]>(documentIds.map((id) => [id, []]));
  if (documentIds.length === 0) return out;
  const rows = await query(sequelize, 'SELECT * FROM document_files WHERE document_id IN (:ids) ORDER BY document_id, position', { ids: documentIds });
  for (const r of rows) {
    const f = rowOf<DocumentFileRow>(models.DocumentFile, r);
    out.get(f.documentId)?.push(f);
  }
  return out;
}

/**
 * A page of the register events of every document in the scope, in event id order after `afterId`: the
 * raw rows, every column as the database returns it (the hash chain's columns included once they exist).
 */
export async function exportEventPage(sequelize: Sequelize, scope: ExportScope, afterId: number, limit: number): Promise<Record<string, unknown>[]> {
  const where = scopeWhere(scope, 'e');
  return query(
    sequelize,
    `SELECT ev.* FROM register_events ev WHERE ev.id > :afterId AND ev.document_id IN (SELECT e.document_id FROM register_entries e WHERE ${where.sql}) ORDER BY ev.id LIMIT :limit`,
    { ...where.params, afterId, limit },
  );
}
