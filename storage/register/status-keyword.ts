// The sender's view of each recipient's status as IMAP keywords on its own copy of the document
// (`Văn bản đi`, or wherever its clerks moved it): one `$TrangThai-NN` keyword per status some recipient
// is at now, so a single recipient shows exactly its latest status and several recipients show every
// status still held by one of them (`$TrangThai-01 $TrangThai-03`: some registered, some not yet).
// Recomputed from the register inside the transaction of every change, so it can never drift.

import type { Sequelize, Transaction } from 'sequelize';
import { toNumber } from '../models.js';
import { FOLDERS } from '../mailbox/folders.js';
import { applyFlags, parseFlags, sameFlags } from '../mailbox/flags.js';
import { bumpModseq } from '../mailbox/uids.js';
import type { DeliveredRow } from '../rows.js';
import { execute, query } from '../sql.js';

const PREFIX = '$TrangThai-';

export function statusKeyword(status: string): string {
  return `${PREFIX}${status}`;
}

/**
 * The statuses the document's recipients are at. A recipient served only by its own server counts once
 * its server took the document (relay delivered); before that it has no status to show.
 */
async function recipientStatuses(sequelize: Sequelize, t: Transaction, documentId: string): Promise<string[]> {
  const rows = await query<{ status: unknown; mailboxed: unknown; relayed: unknown }>(
    sequelize,
    `SELECT e.status AS status,
            (SELECT COUNT(*) FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id
              WHERE mm.document_id = e.document_id AND b.agency_id = e.agency_id AND b.name <> :sent) AS mailboxed,
            (SELECT COUNT(*) FROM jobs j WHERE j.kind = 'relay' AND j.document_id = e.document_id AND j.agency_id = e.agency_id AND j.status = 'delivered') AS relayed
       FROM register_entries e WHERE e.document_id = :documentId AND e.book = 'incoming'`,
    { documentId, sent: FOLDERS.sent.name },
    t,
  );
  const statuses = rows.filter((r) => String(r.status) !== '01' || toNumber(r.mailboxed) > 0 || toNumber(r.relayed) > 0).map((r) => String(r.status));
  return [...new Set(statuses)].sort();
}

/** The flags of a copy with its status keywords replaced by `statuses`. */
function withStatusKeywords(flags: string[], statuses: string[]): string[] {
  const others = flags.filter((f) => !f.toLowerCase().startsWith(PREFIX.toLowerCase()));
  return applyFlags(others, 'add', statuses.map(statusKeyword));
}

/**
 * Brings the status keywords of the sender's copies of a document up to date (a new MODSEQ per folder
 * changed). Returns the copies whose flags changed, for the caller to announce after commit.
 */
export async function refreshStatusKeywords(sequelize: Sequelize, t: Transaction, documentId: string): Promise<DeliveredRow[]> {
  const statuses = await recipientStatuses(sequelize, t, documentId);
  const copies = await query<{ id: unknown; mailbox_id: unknown; agency_id: unknown; uid: unknown; flags: unknown }>(
    sequelize,
    `SELECT mm.id, mm.mailbox_id, b.agency_id, mm.uid, mm.flags FROM documents d
       JOIN mailbox_messages mm ON mm.message_id = d.message_id AND mm.document_id = d.id
       JOIN mailboxes b ON b.id = mm.mailbox_id AND b.agency_id = d.sender_agency_id
      WHERE d.id = :documentId`,
    { documentId },
    t,
  );
  const changed: DeliveredRow[] = [];
  const modseqs = new Map<number, number>();
  for (const copy of copies) {
    const current = parseFlags(copy.flags);
    const next = withStatusKeywords(current, statuses);
    if (sameFlags(current, next)) continue;
    const mailboxId = toNumber(copy.mailbox_id);
    let modseq = modseqs.get(mailboxId);
    if (modseq === undefined) {
      modseq = await bumpModseq(sequelize, t, mailboxId);
      modseqs.set(mailboxId, modseq);
    }
    await execute(
      sequelize,
      'UPDATE mailbox_messages SET flags = :flags, modseq = :modseq WHERE id = :id',
      { flags: JSON.stringify(next), modseq, id: toNumber(copy.id) },
      t,
    );
    changed.push({ mailboxId, agencyId: String(copy.agency_id), uid: toNumber(copy.uid), modseq });
  }
  return changed;
}
