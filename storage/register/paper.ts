// A document that arrived on paper (Quy chế Điều 8.2), registered by a clerk with its scan: one
// transaction writes its message (the message docgate built around the scan, blob already fsynced), the
// document (origin 'paper') with its file, the search row, the next number of the agency's sổ đến from
// the same counter intake uses (so mailed and paper documents share one gap-free sequence), the entry
// as registered (03: the clerk registers it in the act), its event, and a copy in the agency's INBOX
// with its số đến, as a mailed document's recipient copy.

import type { Sequelize, Transaction } from 'sequelize';
import type { MailboxRepository } from '../mailbox/repository.js';
import { FOLDERS } from '../mailbox/folders.js';
import { toNumber, type Models } from '../models.js';
import type { DeliveredRow, DocumentFileRow, DocumentRow } from '../rows.js';
import { insertRows } from '../sql.js';
import { reserveRegisterNumbers } from './counters.js';
import { appendRegisterEvents } from './events.js';
import { insertRecipientCopies, soDenKeyword } from './recipient-copy.js';
import { indexDocuments } from './search-index.js';

/** IMAP keyword on a paper document's INBOX copy, so a client can show and search it. */
const PAPER_KEYWORD = '$Paper';

export interface PaperRecord {
  trackingId: string;
  agencyId: string;
  year: number;
  at: Date;
  actor: string;
  message: { blobSha256: string; blobSize: number; prefix: string; structure: string | null; header: Buffer | null };
  document: Omit<DocumentRow, 'id' | 'messageRowId' | 'receivedAt' | 'origin' | 'status'>;
  files: Omit<DocumentFileRow, 'id' | 'documentId'>[];
  /** The issuing agency, when it is one of ours (the entry's counterpart). */
  counterpartAgencyId: string | null;
  note: string | null;
}

export interface RecordedPaper {
  number: number;
  delivery: DeliveredRow;
}

export async function recordPaperDocument(
  ctx: { sequelize: Sequelize; models: Models; mailboxes: MailboxRepository },
  t: Transaction,
  p: PaperRecord,
): Promise<RecordedPaper> {
  const { sequelize, models } = ctx;
  const [message] = await insertRows(
    sequelize,
    t,
    models.Message,
    [{ ...p.message, size: Buffer.byteLength(p.message.prefix, 'latin1') + p.message.blobSize, origin: null, createdAt: p.at }],
    ['id'],
  );
  const messageRowId = toNumber(message.id);
  const doc: DocumentRow = { ...p.document, id: p.trackingId, messageRowId, receivedAt: p.at, status: 'accepted', origin: 'paper' };
  await insertRows(sequelize, t, models.Document, [doc]);
  await insertRows(
    sequelize,
    t,
    models.DocumentFile,
    p.files.map((f) => ({ documentId: p.trackingId, ...f })),
  );
  await indexDocuments(sequelize, t, [{ trackingId: p.trackingId, ...doc, filenames: p.files.map((f) => f.filename) }]);
  const number = await reserveRegisterNumbers(sequelize, t, p.agencyId, 'incoming', p.year, 1);
  const [entry] = await insertRows(
    sequelize,
    t,
    models.RegisterEntry,
    [
      {
        agencyId: p.agencyId,
        book: 'incoming' as const,
        year: p.year,
        number,
        documentId: p.trackingId,
        counterpartAgencyId: p.counterpartAgencyId,
        status: '03' as const,
        registeredAt: p.at,
        note: p.note,
      },
    ],
    ['id'],
  );
  await appendRegisterEvents(sequelize, models, t, [
    { documentId: p.trackingId, entryId: toNumber(entry.id), agencyId: p.agencyId, status: '03', actor: p.actor, note: p.note, at: p.at },
  ]);
  const [copy] = await insertRecipientCopies(sequelize, t, [{ messageRowId, agencyId: p.agencyId, number, year: p.year }]);
  const delivery = await ctx.mailboxes.deliver(t, {
    agencyId: p.agencyId,
    folder: FOLDERS.inbox.name,
    messageRowId: copy,
    documentId: p.trackingId,
    flags: [soDenKeyword(number), PAPER_KEYWORD],
    internalDate: p.at,
  });
  return { number, delivery };
}
