// Storage of the recall workflow and of the keywords that mark a document's copies ($ThuHoi recall
// requested, $ThayThe replaced, $CapNhat updated): recall requests and their answers, and the keyword
// added to every copy an agency holds of a document, each change under a new MODSEQ.

import type { Sequelize, Transaction } from 'sequelize';
import { toDate, toNumber } from '../models.js';
import { applyFlags, parseFlags } from '../mailbox/flags.js';
import { bumpModseq } from '../mailbox/uids.js';
import type { DeliveredRow } from '../rows.js';
import { execute, insertValues, query } from '../sql.js';

type RecallStatus = '13' | '15' | '16';

export interface RecallRequestRow {
  id: number;
  documentId: string;
  agencyId: string;
  messageRowId: number;
  status: RecallStatus;
  requestedBy: string;
  requestedAt: Date;
  answeredBy: string | null;
  answeredAt: Date | null;
}

function rowOfRecall(r: Record<string, unknown>): RecallRequestRow {
  return {
    id: toNumber(r.id),
    documentId: String(r.document_id),
    agencyId: String(r.agency_id),
    messageRowId: toNumber(r.message_id),
    status: String(r.status) as RecallStatus,
    requestedBy: String(r.requested_by),
    requestedAt: toDate(r.requested_at),
    answeredBy: (r.answered_by as string | null) ?? null,
    answeredAt: r.answered_at === null || r.answered_at === undefined ? null : toDate(r.answered_at),
  };
}

export async function insertRecallRequest(
  sequelize: Sequelize,
  t: Transaction,
  r: { documentId: string; agencyId: string; messageRowId: number; requestedBy: string; at: Date },
): Promise<void> {
  await insertValues(
    sequelize,
    t,
    'recall_requests',
    ['document_id', 'agency_id', 'message_id', 'status', 'requested_by', 'requested_at'],
    [[r.documentId, r.agencyId, r.messageRowId, '13', r.requestedBy, r.at]],
  );
}

export async function recallRequestsOf(sequelize: Sequelize, documentId: string, t?: Transaction): Promise<RecallRequestRow[]> {
  return (await query(sequelize, 'SELECT * FROM recall_requests WHERE document_id = :documentId ORDER BY id', { documentId }, t)).map(rowOfRecall);
}

/** Open requests among these request messages (a recipient filing them answers). */
export async function openRecallsByMessage(sequelize: Sequelize, agencyId: string, messageRowIds: number[]): Promise<RecallRequestRow[]> {
  if (messageRowIds.length === 0) return [];
  return (
    await query(sequelize, "SELECT * FROM recall_requests WHERE agency_id = :agencyId AND message_id IN (:ids) AND status = '13' ORDER BY id", {
      agencyId,
      ids: messageRowIds,
    })
  ).map(rowOfRecall);
}

/** Answers an open request; false when it was answered already (by another session). */
export async function answerRecall(sequelize: Sequelize, t: Transaction, id: number, status: '15' | '16', by: string, at: Date): Promise<boolean> {
  const rows = await query(
    sequelize,
    "UPDATE recall_requests SET status = :status, answered_by = :by, answered_at = :at WHERE id = :id AND status = '13' RETURNING id",
    { status, by, at, id },
    t,
  );
  return rows.length > 0;
}

/** messages.id of a delivered message (the request just put into an INBOX). */
export async function messageRowIdOf(sequelize: Sequelize, t: Transaction, delivered: DeliveredRow): Promise<number> {
  const [row] = await query<{ message_id: unknown }>(
    sequelize,
    'SELECT message_id FROM mailbox_messages WHERE mailbox_id = :mailboxId AND uid = :uid',
    { mailboxId: delivered.mailboxId, uid: delivered.uid },
    t,
  );
  return toNumber(row.message_id);
}

/**
 * Adds a keyword to every copy of the document the agency holds (wherever its clerks filed it), its
 * notices aside (they have no trace prefix). Returns the changed messages, for IDLE.
 */
export async function flagDocumentCopies(sequelize: Sequelize, t: Transaction, documentId: string, agencyId: string, keyword: string): Promise<DeliveredRow[]> {
  const rows = await query<{ id: unknown; mailbox_id: unknown; uid: unknown; flags: unknown }>(
    sequelize,
    `SELECT mm.id, mm.mailbox_id, mm.uid, mm.flags FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id JOIN messages m ON m.id = mm.message_id
     WHERE mm.document_id = :documentId AND b.agency_id = :agencyId AND m.prefix <> '' ORDER BY mm.id`,
    { documentId, agencyId },
    t,
  );
  const changed: DeliveredRow[] = [];
  for (const r of rows) {
    const flags = parseFlags(r.flags);
    const next = applyFlags(flags, 'add', [keyword]);
    if (next.length === flags.length) continue;
    const mailboxId = toNumber(r.mailbox_id);
    const modseq = await bumpModseq(sequelize, t, mailboxId);
    await execute(
      sequelize,
      'UPDATE mailbox_messages SET flags = :flags, modseq = :modseq WHERE id = :id',
      { flags: JSON.stringify(next), modseq, id: toNumber(r.id) },
      t,
    );
    changed.push({ mailboxId, agencyId, uid: toNumber(r.uid), modseq });
  }
  return changed;
}
