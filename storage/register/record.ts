// Writing submissions into the register, many at once: the group commit hands a batch of accepted,
// returned or held submissions to one transaction, and each table gets one multi-row statement for the
// whole batch (counters and UIDs one per agency book and per folder), instead of ten per submission.
// One submission is a batch of one; the outcome is the same either way.

import type { Sequelize, Transaction } from 'sequelize';
import type { DeliveredRow, DeliveryInput, MailboxRepository } from '../mailbox/repository.js';
import { FOLDERS } from '../mailbox/folders.js';
import { toNumber } from '../models.js';
import type { RegisterBook, RegisterEventRow, RegisterStatus } from '../rows.js';
import { insertRows, runSql, type SqlValue } from '../sql.js';
import { reserveRegisterNumbers } from './counters.js';
import { indexDocuments } from './search-index.js';
import { insertRecipientCopies, soDenKeyword } from './recipient-copy.js';
import type { NumberingInput, RecordedSubmission, SubmissionRecord } from './types.js';

export const ENTRY_COLUMNS = ['agency_id', 'book', 'year', 'number', 'document_id', 'counterpart_agency_id', 'status', 'registered_at', 'note'];

const MESSAGE_COLUMNS = ['blob_sha256', 'blob_size', 'prefix', 'size', 'structure', 'header', 'created_at'];
const DOCUMENT_COLUMNS = [
  'id', 'message_id', 'rfc822_message_id', 'sender_agency_id', 'sender_account', 'envelope_from', 'recipients', 'subject',
  'document_number', 'signed_date', 'signer', 'document_type', 'summary', 'urgency', 'confidentiality',
  'metadata', 'status', 'reason', 'verdict', 'signature', 'paper_copy_required', 'received_at',
];
const FILE_COLUMNS = ['document_id', 'position', 'part_path', 'filename', 'size', 'declared_type', 'detected_type', 'sha256', 'role'];
const EVENT_COLUMNS = ['document_id', 'entry_id', 'agency_id', 'status', 'actor', 'note', 'at'];

export interface RecordContext {
  sequelize: Sequelize;
  mailboxes: MailboxRepository;
}

export type Numbered = Omit<RecordedSubmission, 'trackingId' | 'messageId'>;

async function insertEvents(ctx: RecordContext, t: Transaction, events: Omit<RegisterEventRow, 'id'>[]): Promise<void> {
  await insertRows(ctx.sequelize, t, 'register_events', EVENT_COLUMNS, events.map((e) => [e.documentId, e.entryId, e.agencyId, e.status, e.actor, e.note, e.at]));
}

/**
 * Numbers each document in its sender's sổ đi and each recipient's sổ đến (consecutive, in input order),
 * writes the entries and events, and delivers to each recipient's INBOX and the sender's Văn bản đi.
 * `held[i]`, when given, is a released document's held outgoing entry, numbered in place.
 */
export async function numberAndDeliverMany(ctx: RecordContext, t: Transaction, docs: NumberingInput[], held: (number | undefined)[] = []): Promise<Numbered[]> {
  // Reserve every book's numbers for the batch in one statement per book, then hand them out in order.
  const books = new Map<string, { agencyId: string; book: RegisterBook; year: number; count: number; next: number }>();
  const want = (agencyId: string, book: RegisterBook, year: number) => {
    const key = `${agencyId}\u0000${book}\u0000${year}`;
    const entry = books.get(key) ?? { agencyId, book, year, count: 0, next: 0 };
    entry.count++;
    books.set(key, entry);
    return entry;
  };
  const plan = docs.map((d) => ({ outgoing: want(d.senderAgencyId, 'outgoing', d.year), incoming: d.recipientAgencyIds.map((a) => want(a, 'incoming', d.year)) }));
  for (const b of books.values()) b.next = (await reserveRegisterNumbers(ctx.sequelize, t, b.agencyId, b.book, b.year, b.count)) - b.count + 1;
  const numbered = plan.map((p, i) => ({
    outgoingNumber: p.outgoing.next++,
    incoming: p.incoming.map((b, j) => ({ agencyId: docs[i].recipientAgencyIds[j], number: b.next++ })),
  }));

  for (const [i, id] of held.entries()) {
    if (id === undefined) continue;
    const d = docs[i];
    await runSql(ctx.sequelize, t, 'UPDATE register_entries SET status = ?, number = ?, year = ?, registered_at = ?, note = ? WHERE id = ?', [
      'sent', numbered[i].outgoingNumber, d.year, d.at, d.note, id,
    ]);
  }
  const rows: SqlValue[][] = docs.flatMap((d, i) => [
    ...(held[i] === undefined ? [[d.senderAgencyId, 'outgoing', d.year, numbered[i].outgoingNumber, d.trackingId, null, 'sent', d.at, d.note]] : []),
    ...numbered[i].incoming.map((n) => [n.agencyId, 'incoming', d.year, n.number, d.trackingId, d.senderAgencyId, '01', d.at, null]),
  ]);
  const inserted = await insertRows(ctx.sequelize, t, 'register_entries', ENTRY_COLUMNS, rows, ['id', 'agency_id', 'book', 'document_id']);
  const ids = new Map(inserted.map((r) => [`${r.document_id}\u0000${r.agency_id}\u0000${r.book}`, toNumber(r.id)]));
  const entryId = (documentId: string, agencyId: string, book: RegisterBook) => ids.get(`${documentId}\u0000${agencyId}\u0000${book}`)!;
  await insertEvents(
    ctx,
    t,
    docs.flatMap((d, i) => [
      { documentId: d.trackingId, entryId: held[i] ?? entryId(d.trackingId, d.senderAgencyId, 'outgoing'), agencyId: d.senderAgencyId, status: 'sent' as const, actor: d.actor, note: d.note, at: d.at },
      ...numbered[i].incoming.map((n) => ({ documentId: d.trackingId, entryId: entryId(d.trackingId, n.agencyId, 'incoming'), agencyId: n.agencyId, status: '01' as const, actor: null, note: null, at: d.at })),
    ]),
  );
  // Each recipient gets its own copy showing its số đến (trace header and IMAP keyword).
  const copyIds = await insertRecipientCopies(ctx.sequelize, t, docs.flatMap((d, i) => numbered[i].incoming.map((n) => ({ messageId: d.messageId, agencyId: n.agencyId, number: n.number, year: d.year }))));
  let copy = 0;
  const deliveries: DeliveryInput[][] = docs.map((d, i) => [
    ...numbered[i].incoming.map((n) => ({ agencyId: n.agencyId, folder: FOLDERS.inbox.name, messageId: copyIds[copy++], documentId: d.trackingId, flags: [soDenKeyword(n.number)], internalDate: d.at })),
    { agencyId: d.senderAgencyId, folder: FOLDERS.sent.name, messageId: d.messageId, documentId: d.trackingId, flags: ['\\Seen'], internalDate: d.at },
  ]);
  const delivered = await ctx.mailboxes.deliverMany(t, deliveries.flat());
  let at = 0;
  return numbered.map((n, i) => {
    const mine: DeliveredRow[] = delivered.slice(at, at + deliveries[i].length);
    at += deliveries[i].length;
    return { outgoingNumber: n.outgoingNumber, incoming: n.incoming, deliveries: mine };
  });
}

/**
 * The messages rows of a batch. Each trace prefix carries its tracking id, so RETURNING rows map back to
 * submissions whatever order the database returns them in; without distinct prefixes, one row at a time.
 */
async function insertMessages(ctx: RecordContext, t: Transaction, subs: SubmissionRecord[]): Promise<number[]> {
  const row = (s: SubmissionRecord): SqlValue[] => {
    const m = s.message;
    return [m.blobSha256, m.blobSize, m.prefix, Buffer.byteLength(m.prefix, 'latin1') + m.blobSize, m.structure, m.header, s.receivedAt];
  };
  if (new Set(subs.map((s) => s.message.prefix)).size !== subs.length) {
    const ids: number[] = [];
    for (const s of subs) ids.push(toNumber((await insertRows(ctx.sequelize, t, 'messages', MESSAGE_COLUMNS, [row(s)], ['id']))[0].id));
    return ids;
  }
  const returned = await insertRows(ctx.sequelize, t, 'messages', MESSAGE_COLUMNS, subs.map(row), ['id', 'prefix']);
  const byPrefix = new Map(returned.map((r) => [String(r.prefix), toNumber(r.id)]));
  return subs.map((s) => {
    const id = byPrefix.get(s.message.prefix);
    if (id === undefined) throw new Error(`message row of ${s.trackingId} not returned`);
    return id;
  });
}

/**
 * Writes submissions: their message and document rows and files, then either the numbered books and
 * deliveries (accepted) or an unnumbered outgoing entry (returned, quarantined).
 */
export async function recordSubmissions(ctx: RecordContext, t: Transaction, subs: SubmissionRecord[]): Promise<RecordedSubmission[]> {
  const messageIds = await insertMessages(ctx, t, subs);
  await insertRows(
    ctx.sequelize,
    t,
    'documents',
    DOCUMENT_COLUMNS,
    subs.map((s, i) => {
      const m = s.metadata;
      return [
        s.trackingId, messageIds[i], s.rfc822MessageId, s.senderAgencyId, s.senderAccount, s.envelopeFrom, JSON.stringify(s.envelopeRecipients), s.subject,
        m.documentNumber, m.signedDate, m.signer, m.documentType, m.summary, m.urgency, m.confidentiality,
        s.metadataJson, s.status, s.reason, s.verdictJson, s.signatureJson, s.paperCopyRequired, s.receivedAt,
      ];
    }),
  );
  await insertRows(
    ctx.sequelize,
    t,
    'document_files',
    FILE_COLUMNS,
    subs.flatMap((s) => s.files.map((f) => [s.trackingId, f.position, f.partPath, f.filename, f.size, f.declaredType, f.detectedType, f.sha256, f.role])),
  );
  await indexDocuments(ctx.sequelize, t, subs.map((s) => ({ trackingId: s.trackingId, subject: s.subject, ...s.metadata, filenames: s.files.map((f) => f.filename) })));

  const accepted = subs.map((s, i) => ({ s, i })).filter(({ s }) => s.status === 'accepted');
  const numbered = await numberAndDeliverMany(
    ctx,
    t,
    accepted.map(({ s, i }) => ({
      trackingId: s.trackingId,
      messageId: messageIds[i],
      senderAgencyId: s.senderAgencyId,
      actor: s.senderAccount,
      recipientAgencyIds: s.recipientAgencyIds,
      year: s.year,
      at: s.receivedAt,
      note: s.note,
    })),
  );
  const results: RecordedSubmission[] = subs.map((s, i) => ({ trackingId: s.trackingId, messageId: messageIds[i], outgoingNumber: null, incoming: [], deliveries: [] }));
  accepted.forEach(({ i }, k) => Object.assign(results[i], numbered[k]));

  const unnumbered = subs.filter((s) => s.status !== 'accepted');
  if (unnumbered.length > 0) {
    const statusOf = (s: SubmissionRecord): RegisterStatus => (s.status === 'returned' ? 'returned' : 'held');
    const entries = await insertRows(
      ctx.sequelize,
      t,
      'register_entries',
      ENTRY_COLUMNS,
      unnumbered.map((s) => [s.senderAgencyId, 'outgoing', s.year, null, s.trackingId, null, statusOf(s), s.receivedAt, s.note]),
      ['id', 'document_id'],
    );
    const ids = new Map(entries.map((r) => [String(r.document_id), toNumber(r.id)]));
    await insertEvents(
      ctx,
      t,
      unnumbered.map((s) => ({ documentId: s.trackingId, entryId: ids.get(s.trackingId)!, agencyId: s.senderAgencyId, status: statusOf(s), actor: s.senderAccount, note: s.note, at: s.receivedAt })),
    );
  }
  return results;
}
