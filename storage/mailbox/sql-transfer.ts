// COPY and MOVE over SQL, in one write transaction: new UIDs in the target, tombstones in the source
// when moving, and the register filing that rides on a move into Đã vào sổ / Trả lại (FilingPlan).

import type { Transaction } from 'sequelize';
import { toDate, toNumber } from '../models.js';
import { insertRows } from '../sql.js';
import { mailboxById, type SqlMailboxStoreDeps } from './sql-context.js';
import type { SqlMessages } from './sql-messages.js';
import { MailboxStoreError, type FiledDocument, type FilingPlan, type TransferResult } from './store.js';
import { allocateUids } from './uids.js';

export interface TransferInput {
  sourceId: number;
  targetId: number;
  uids: number[];
  move: boolean;
  filing?: FilingPlan;
}

export async function transferMessages(deps: SqlMailboxStoreDeps, messages: SqlMessages, input: TransferInput): Promise<TransferResult> {
  const syncDirs = input.filing ? [...input.filing.documents.values()].flatMap((d) => d.notice.blob.syncDirs) : [];
  return deps.writes.submit({
    syncDirs,
    run: async (t) => {
      const rows = await messages.rowsOf(t, input.sourceId, input.uids);
      const target = await mailboxById(deps, input.targetId, t);
      if (!target) throw new MailboxStoreError('no-such-target', `mailbox ${input.targetId}`);
      if (rows.length === 0) {
        return { sourceUids: [], targetUids: [], targetUidValidity: target.uidValidity, expungeModseq: null, targetModseq: target.highestModseq, filed: [] };
      }
      const { firstUid, modseq, uidValidity } = await allocateUids(deps.sequelize, t, input.targetId, rows.length);
      const targetUids = rows.map((_, i) => firstUid + i);
      await insertRows(
        deps.sequelize,
        t,
        deps.models.MailboxMessage,
        rows.map((r, i) => ({
          mailboxId: input.targetId,
          uid: targetUids[i],
          messageRowId: toNumber(r.message_id),
          documentId: (r.document_id as string | null) ?? null,
          flags: String(r.flags),
          modseq,
          internalDate: toDate(r.internal_date),
        })),
      );
      const expungeModseq = input.move
        ? await messages.removeRows(
            t,
            input.sourceId,
            rows.map((r) => ({ id: toNumber(r.id), uid: toNumber(r.uid) })),
          )
        : null;
      const filed = input.filing ? await file(deps, t, input.filing, target.agencyId, rows) : [];
      return { sourceUids: rows.map((r) => toNumber(r.uid)), targetUids, targetUidValidity: uidValidity, expungeModseq, targetModseq: modseq, filed };
    },
  });
}

/** Files each moved document once: its incoming entry changes status, and its sender gets the notice. */
async function file(deps: SqlMailboxStoreDeps, t: Transaction, plan: FilingPlan, agencyId: string, rows: Record<string, unknown>[]): Promise<FiledDocument[]> {
  const filed: FiledDocument[] = [];
  const done = new Set<string>();
  for (const row of rows) {
    const documentId = (row.document_id as string | null) ?? null;
    const doc = documentId ? plan.documents.get(documentId) : undefined;
    if (!documentId || !doc || done.has(documentId)) continue;
    done.add(documentId);
    const entry = await deps.register.changeIncomingStatus(t, {
      agencyId,
      documentId,
      from: ['01'],
      to: plan.status,
      actor: plan.actor,
      note: doc.note,
      at: plan.at,
    });
    if (!entry) continue;
    const notice = await deps.register.recordNotice(t, {
      documentId,
      agencyId: doc.senderAgencyId,
      folder: doc.noticeFolder,
      blobSha256: doc.notice.blob.sha256,
      blobSize: doc.notice.blob.size,
      structure: doc.notice.structure ? JSON.stringify(doc.notice.structure) : null,
      header: doc.notice.header,
      at: plan.at,
    });
    filed.push({ documentId, status: plan.status, notice, keywords: await deps.register.refreshStatusKeywords(t, documentId) });
  }
  return filed;
}
