// APPEND and MULTIAPPEND (RFC 3502) over SQL: the spooled literals become blobs first, then one write
// transaction adds their messages rows and consecutive UIDs, all or none.

import { insertRows } from '../sql.js';
import { toNumber } from '../models.js';
import { writeRendering } from './sql-content.js';
import { select, type SqlMailboxStoreDeps } from './sql-context.js';
import type { AppendInput } from './store.js';
import { allocateUids } from './uids.js';

export async function appendMessages(deps: SqlMailboxStoreDeps, inputs: AppendInput[]): Promise<{ uids: number[]; uidValidity: number; modseq: number }> {
  const mailboxId = inputs[0].mailboxId;
  if (inputs.some((i) => i.mailboxId !== mailboxId)) throw new Error('appendMany: one mailbox per call');
  // Blobs are content-addressed: one left behind by a failed transaction is unreferenced, not wrong.
  const syncDirs = [...new Set((await Promise.all(inputs.map((i) => deps.blobs.adopt(i.tempPath, i.sha256)))).flat())];
  return deps.writes.submit({
    syncDirs,
    run: async (t) => {
      const { firstUid, modseq, uidValidity } = await allocateUids(deps.sequelize, t, mailboxId, inputs.length);
      const uids: number[] = [];
      for (const [n, input] of inputs.entries()) {
        const [message] = await insertRows(
          deps.sequelize,
          t,
          deps.models.Message,
          [
            {
              blobSha256: input.sha256,
              blobSize: input.size,
              prefix: '',
              size: input.size,
              origin: input.origin ?? null,
              structure: input.structure ? JSON.stringify(input.structure) : null,
              header: input.header,
              createdAt: input.internalDate,
            },
          ],
          ['id'],
        );
        if (input.rendered) await writeRendering(deps, t, toNumber(message.id), input.rendered);
        await insertRows(deps.sequelize, t, deps.models.MailboxMessage, [
          {
            mailboxId,
            uid: firstUid + n,
            messageRowId: toNumber(message.id),
            documentId: null,
            flags: JSON.stringify(input.flags),
            modseq,
            internalDate: input.internalDate,
          },
        ]);
        uids.push(firstUid + n);
      }
      return { uids, uidValidity, modseq };
    },
  });
}

/** The UID of the copy a sender agency already has of its own document (by Message-ID) in a mailbox, if any. */
export async function sentCopyUid(deps: SqlMailboxStoreDeps, mailboxId: number, senderAgencyId: string, rfc822MessageId: string): Promise<number | null> {
  const rows = await select<{ uid: unknown }>(
    deps,
    `SELECT mm.uid FROM mailbox_messages mm JOIN documents d ON d.id = mm.document_id
      WHERE mm.mailbox_id = :mailboxId AND d.rfc822_message_id = :rfc822MessageId AND d.sender_agency_id = :senderAgencyId
      ORDER BY mm.uid LIMIT 1`,
    { mailboxId, senderAgencyId, rfc822MessageId },
  );
  return rows.length > 0 ? toNumber(rows[0].uid) : null;
}
