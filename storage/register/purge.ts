// Retention (NĐ 30's time limits, configured per book): a document is deleted once every book that
// registered it has kept it for its configured years; a book without a limit keeps it for good (the
// default). What goes: the document's rows (document, files, entries, search row, relay jobs, mailbox
// copies with IMAP tombstones, message rows) and then its blob. What stays: every event, and a `deleted`
// event per entry and per document that keeps the document's SHA-256 and its files' hashes.

import type { Sequelize, Transaction } from 'sequelize';
import type { Storage } from '../index.js';
import { toDate, type Models } from '../models.js';
import { isReferenced } from '../blob-audit.js';
import { bumpModseq } from '../mailbox/uids.js';
import type { RegisterBook } from '../rows.js';
import { execute, insertRows, query } from '../sql.js';
import { appendRegisterEvents } from './events.js';
import { DELETED_ENTRY, deletedDocumentState, readDocumentSnapshots, readFiles } from './snapshots.js';

export type Retention = Record<RegisterBook, number | null>;

export interface ExpiredDocument {
  documentId: string;
  receivedAt: Date;
  books: { agencyId: string; book: RegisterBook; registeredAt: Date }[];
}

const PAGE = 500;
const DELETE_BATCH = 50;

/** The instant `years` whole years before `now`. */
function yearsBefore(now: Date, years: number): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

/** Documents whose every book's retention has run out at `now`, oldest first by id page. */
export async function expiredDocuments(sequelize: Sequelize, retention: Retention, now: Date): Promise<ExpiredDocument[]> {
  const limits = Object.values(retention).filter((y): y is number => y !== null);
  if (limits.length === 0) return [];
  // No document younger than the shortest limit can have expired everywhere.
  const coarse = yearsBefore(now, Math.min(...limits));
  const cutoff = (book: RegisterBook) => (retention[book] === null ? null : yearsBefore(now, retention[book]));
  const out: ExpiredDocument[] = [];
  let after = '';
  for (;;) {
    const docs = await query(sequelize, 'SELECT id, received_at FROM documents WHERE id > :after AND received_at < :coarse ORDER BY id LIMIT :limit', {
      after,
      coarse,
      limit: PAGE,
    });
    if (docs.length === 0) return out;
    const ids = docs.map((d) => String(d.id));
    const entries = await query(sequelize, 'SELECT document_id, agency_id, book, registered_at FROM register_entries WHERE document_id IN (:ids)', { ids });
    for (const d of docs) {
      const books = entries
        .filter((e) => e.document_id === d.id)
        .map((e) => ({ agencyId: String(e.agency_id), book: String(e.book) as RegisterBook, registeredAt: toDate(e.registered_at) }));
      const expired = books.length > 0 && books.every((b) => cutoff(b.book) !== null && b.registeredAt < cutoff(b.book)!);
      if (expired) out.push({ documentId: String(d.id), receivedAt: toDate(d.received_at), books });
    }
    after = ids[ids.length - 1];
  }
}

async function removeMailboxCopies(sequelize: Sequelize, models: Models, t: Transaction, documentId: string): Promise<number[]> {
  const rows = await query(sequelize, 'SELECT id, mailbox_id, uid, message_id FROM mailbox_messages WHERE document_id = :documentId', { documentId }, t);
  const byMailbox = new Map<number, { id: number; uid: number }[]>();
  for (const r of rows) byMailbox.set(Number(r.mailbox_id), [...(byMailbox.get(Number(r.mailbox_id)) ?? []), { id: Number(r.id), uid: Number(r.uid) }]);
  for (const [mailboxId, list] of byMailbox) {
    // IMAP sessions learn of the removal as of an EXPUNGE (a tombstone with a new MODSEQ).
    const modseq = await bumpModseq(sequelize, t, mailboxId);
    await execute(sequelize, 'DELETE FROM mailbox_messages WHERE id IN (:ids)', { ids: list.map((r) => r.id) }, t);
    await insertRows(
      sequelize,
      t,
      models.MailboxExpunge,
      list.map((r) => ({ mailboxId, uid: r.uid, modseq })),
    );
  }
  return rows.map((r) => Number(r.message_id));
}

/** Deletes documents (rows, then their blobs once nothing refers to them) and appends their `deleted` events. */
export async function deleteDocuments(
  storage: Pick<Storage, 'db' | 'writes' | 'blobs'>,
  documents: ExpiredDocument[],
  meta: { actor: string; note: string; now: Date },
): Promise<number> {
  const { sequelize, models } = storage.db;
  let deleted = 0;
  // A blob written or reused after this began may be another submission's, about to refer to it: kept.
  const startedAt = Date.now();
  for (let i = 0; i < documents.length; i += DELETE_BATCH) {
    const batch = documents.slice(i, i + DELETE_BATCH).map((d) => d.documentId);
    const blobs = await storage.writes.run(async (t) => {
      const snapshots = await readDocumentSnapshots(sequelize, t, batch);
      const files = await readFiles(sequelize, t, batch);
      const gone: string[] = [];
      for (const documentId of batch) {
        const snapshot = snapshots.get(documentId);
        if (!snapshot) continue;
        const [doc] = await query(sequelize, 'SELECT message_id, sender_agency_id FROM documents WHERE id = :documentId', { documentId }, t);
        const entries = await query(sequelize, 'SELECT id, agency_id FROM register_entries WHERE document_id = :documentId ORDER BY id', { documentId }, t);
        const messageIds = new Set(await removeMailboxCopies(sequelize, models, t, documentId));
        if (doc.message_id !== null) messageIds.add(Number(doc.message_id));
        if (sequelize.getDialect() === 'sqlite') {
          // The FTS5 index is external-content: its entry is removed with the row's indexed text.
          await execute(
            sequelize,
            "INSERT INTO document_search_fts (document_search_fts, rowid, text_folded) SELECT 'delete', id, text_folded FROM document_search WHERE document_id = :documentId",
            { documentId },
            t,
          );
        }
        for (const table of ['document_search', 'document_files', 'register_entries', 'jobs']) {
          await execute(sequelize, `DELETE FROM ${table} WHERE document_id = :documentId`, { documentId }, t);
        }
        await execute(sequelize, 'DELETE FROM documents WHERE id = :documentId', { documentId }, t);
        if (messageIds.size > 0) await execute(sequelize, 'DELETE FROM messages WHERE id IN (:ids)', { ids: [...messageIds] }, t);
        const fileHashes = (files.get(documentId) ?? []).map((f) => String(f.sha256));
        await appendRegisterEvents(sequelize, models, t, [
          ...entries.map((e) => ({
            kind: 'deleted' as const,
            documentId,
            entryId: Number(e.id),
            agencyId: String(e.agency_id),
            status: 'deleted' as const,
            actor: meta.actor,
            note: meta.note,
            at: meta.now,
            entryState: DELETED_ENTRY,
            documentState: null,
            documentSha256: snapshot.sha256,
          })),
          {
            kind: 'deleted' as const,
            documentId,
            entryId: null,
            agencyId: String(doc.sender_agency_id),
            status: 'deleted' as const,
            actor: meta.actor,
            note: meta.note,
            at: meta.now,
            entryState: null,
            documentState: deletedDocumentState(snapshot.sha256, fileHashes),
            documentSha256: snapshot.sha256,
          },
        ]);
        if (snapshot.sha256) gone.push(snapshot.sha256);
        deleted++;
      }
      return gone;
    });
    // Checked and removed inside the write path, as the orphan sweep does: a new submission of the same
    // bytes cannot adopt the blob in between.
    for (const sha256 of blobs) {
      await storage.writes.run(async (t) => {
        if (!(await isReferenced(sequelize, sha256, t))) await storage.blobs.remove(sha256, t, startedAt).catch(() => undefined);
      });
    }
  }
  return deleted;
}
