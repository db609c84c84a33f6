// Writing submissions into the register, many at once: the group commit hands a batch of accepted,
// returned or held submissions to one transaction, and each table gets one multi-row statement for the
// whole batch (counters and UIDs one per agency book and per folder), instead of ten per submission.
// One submission is a batch of one; the outcome is the same either way.

import type { Sequelize, Transaction } from 'sequelize';
import type { DeliveryInput, MailboxRepository } from '../mailbox/repository.js';
import { FOLDERS } from '../mailbox/folders.js';
import { toNumber, type Models } from '../models.js';
import type { DeliveredRow, DocumentFileRow, DocumentRow, MessageRow, RegisterBook, RegisterEntryRow, RegisterStatus } from '../rows.js';
import { execute, insertRows, insertRowsReturningIds, query } from '../sql.js';
import { flagDocumentCopies } from './recall.js';
import { enqueueJobs } from '../queue/repository.js';
import { reserveRegisterNumbers } from './counters.js';
import { appendRegisterEvents, type NewRegisterEvent } from './events.js';
import { indexDocuments } from './search-index.js';
import { insertRecipientCopies, soDenKeyword } from './recipient-copy.js';
import type { NumberingInput, RecordedSubmission, SubmissionRecord } from './types.js';
import { statusKeyword } from './status-keyword.js';
import { noticeJob } from '../notices/jobs.js';

export interface RecordContext {
  sequelize: Sequelize;
  models: Models;
  mailboxes: MailboxRepository;
}

export type Numbered = Omit<RecordedSubmission, 'trackingId' | 'messageRowId'>;

type NewEntry = Omit<RegisterEntryRow, 'id'>;

function entry(
  agencyId: string,
  book: RegisterBook,
  number: number | null,
  counterpartAgencyId: string | null,
  status: RegisterStatus,
  d: { year: number; trackingId: string; at: Date },
  note: string | null,
): NewEntry {
  return { agencyId, book, year: d.year, number, documentId: d.trackingId, counterpartAgencyId, status, registeredAt: d.at, note };
}

async function insertEvents(ctx: RecordContext, t: Transaction, events: NewRegisterEvent[]): Promise<void> {
  await appendRegisterEvents(ctx.sequelize, ctx.models, t, events);
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
  const plan = docs.map((d) => ({
    outgoing: want(d.senderAgencyId, 'outgoing', d.year),
    incoming: d.recipientAgencyIds.map((a) => want(a, 'incoming', d.year)),
  }));
  for (const b of books.values()) b.next = (await reserveRegisterNumbers(ctx.sequelize, t, b.agencyId, b.book, b.year, b.count)) - b.count + 1;
  const numbered = plan.map((p, i) => ({
    outgoingNumber: p.outgoing.next++,
    incoming: p.incoming.map((b, j) => ({ agencyId: docs[i].recipientAgencyIds[j], number: b.next++ })),
  }));

  for (const [i, id] of held.entries()) {
    if (id === undefined) continue;
    const d = docs[i];
    await execute(
      ctx.sequelize,
      'UPDATE register_entries SET status = :status, number = :number, year = :year, registered_at = :at, note = :note WHERE id = :id',
      { status: 'sent', number: numbered[i].outgoingNumber, year: d.year, at: d.at, note: d.note, id },
      t,
    );
  }
  const rows: NewEntry[] = docs.flatMap((d, i) => [
    ...(held[i] === undefined ? [entry(d.senderAgencyId, 'outgoing', numbered[i].outgoingNumber, null, 'sent', d, d.note)] : []),
    ...numbered[i].incoming.map((n) => entry(n.agencyId, 'incoming', n.number, d.senderAgencyId, '01', d, null)),
  ]);
  const inserted = await insertRows(ctx.sequelize, t, ctx.models.RegisterEntry, rows, ['id', 'agencyId', 'book', 'documentId']);
  const ids = new Map(inserted.map((r) => [`${String(r.document_id)}\u0000${String(r.agency_id)}\u0000${String(r.book)}`, toNumber(r.id)]));
  const entryId = (documentId: string, agencyId: string, book: RegisterBook) => ids.get(`${documentId}\u0000${agencyId}\u0000${book}`)!;
  await insertEvents(
    ctx,
    t,
    docs.flatMap((d, i) => [
      {
        documentId: d.trackingId,
        entryId: held[i] ?? entryId(d.trackingId, d.senderAgencyId, 'outgoing'),
        agencyId: d.senderAgencyId,
        status: 'sent' as const,
        actor: d.actor,
        note: d.note,
        at: d.at,
      },
      ...numbered[i].incoming.map((n) => ({
        documentId: d.trackingId,
        entryId: entryId(d.trackingId, n.agencyId, 'incoming'),
        agencyId: n.agencyId,
        status: '01' as const,
        actor: null,
        note: null,
        at: d.at,
      })),
    ]),
  );
  // Each recipient with a mailbox here gets its own copy showing its số đến (trace header and IMAP keyword).
  const mailboxed = docs.map((d, i) => numbered[i].incoming.filter((n) => !d.relayOnly?.includes(n.agencyId)));
  const copyIds = await insertRecipientCopies(
    ctx.sequelize,
    t,
    docs.flatMap((d, i) => mailboxed[i].map((n) => ({ messageRowId: d.messageRowId, agencyId: n.agencyId, number: n.number, year: d.year }))),
  );
  let copy = 0;
  const deliveries: DeliveryInput[][] = docs.map((d, i) => [
    ...mailboxed[i].map((n) => ({
      agencyId: n.agencyId,
      folder: FOLDERS.inbox.name,
      messageRowId: copyIds[copy++],
      documentId: d.trackingId,
      flags: [soDenKeyword(n.number)],
      internalDate: d.at,
    })),
    {
      agencyId: d.senderAgencyId,
      folder: FOLDERS.sent.name,
      messageRowId: d.messageRowId,
      documentId: d.trackingId,
      // The recipients whose INBOX has it are at 01 now (status-keyword.ts; relayed ones follow at their 250).
      flags: mailboxed[i].length > 0 ? ['\\Seen', statusKeyword('01')] : ['\\Seen'],
      internalDate: d.at,
    },
  ]);
  const delivered = await ctx.mailboxes.deliverMany(t, deliveries.flat());
  // Receipts and 01 notices are made after commit, from these rows: a 250 always has them, whatever happens next.
  await enqueueJobs(
    ctx.sequelize,
    t,
    docs.map((d, i) =>
      noticeJob(d.trackingId, d.senderAgencyId, { event: 'accepted', mailboxed: mailboxed[i].map((n) => n.agencyId), at: d.at.toISOString() }, d.at),
    ),
  );
  let at = 0;
  return numbered.map((n, i) => {
    const mine: DeliveredRow[] = delivered.slice(at, at + deliveries[i].length);
    at += deliveries[i].length;
    return { outgoingNumber: n.outgoingNumber, incoming: n.incoming, deliveries: mine };
  });
}

/**
 * A replacement or update: an event on each document naming the other (replaces/replaced, updates/updated),
 * and every recipient's copies of the earlier document flagged $ThayThe / $CapNhat.
 */
async function linkSuperseded(ctx: RecordContext, t: Transaction, accepted: SubmissionRecord[]): Promise<void> {
  for (const s of accepted) {
    if (!s.supersedes) continue;
    const { documentId: old, kind } = s.supersedes;
    const replace = kind === 'replace';
    await insertEvents(ctx, t, [
      {
        documentId: s.trackingId,
        entryId: null,
        agencyId: s.senderAgencyId,
        status: replace ? 'replaces' : 'updates',
        actor: s.senderAccount,
        note: old,
        at: s.receivedAt,
      },
      {
        documentId: old,
        entryId: null,
        agencyId: s.senderAgencyId,
        status: replace ? 'replaced' : 'updated',
        actor: s.senderAccount,
        note: s.trackingId,
        at: s.receivedAt,
      },
    ]);
    const recipients = await query<{ agency_id: unknown }>(
      ctx.sequelize,
      "SELECT DISTINCT agency_id FROM register_entries WHERE document_id = :old AND book = 'incoming'",
      { old },
      t,
    );
    for (const r of recipients) await flagDocumentCopies(ctx.sequelize, t, old, String(r.agency_id), replace ? '$ThayThe' : '$CapNhat');
  }
}

/** The messages rows of a batch, mapped back by trace prefix (each carries its tracking id). */
function insertMessages(ctx: RecordContext, t: Transaction, subs: SubmissionRecord[]): Promise<number[]> {
  const rows = subs.map((s): Omit<MessageRow, 'id'> => {
    const m = s.message;
    return { ...m, size: Buffer.byteLength(m.prefix, 'latin1') + m.blobSize, origin: null, createdAt: s.receivedAt };
  });
  return insertRowsReturningIds(ctx.sequelize, t, ctx.models.Message, rows, 'prefix');
}

/**
 * Writes submissions: their message and document rows and files, then either the numbered books and
 * deliveries (accepted) or an unnumbered outgoing entry (returned, quarantined).
 */
export async function recordSubmissions(ctx: RecordContext, t: Transaction, subs: SubmissionRecord[]): Promise<RecordedSubmission[]> {
  const messageRowIds = await insertMessages(ctx, t, subs);
  await insertRows(
    ctx.sequelize,
    t,
    ctx.models.Document,
    subs.map((s, i): DocumentRow => ({
      id: s.trackingId,
      messageRowId: messageRowIds[i],
      rfc822MessageId: s.rfc822MessageId,
      senderAgencyId: s.senderAgencyId,
      senderAccount: s.senderAccount,
      envelopeFrom: s.envelopeFrom,
      recipients: JSON.stringify(s.envelopeRecipients),
      subject: s.subject,
      ...s.metadata,
      metadata: s.metadataJson,
      status: s.status,
      reason: s.reason,
      verdict: s.verdictJson,
      signature: s.signatureJson,
      paperCopyRequired: s.paperCopyRequired,
      receivedAt: s.receivedAt,
      origin: null,
    })),
  );
  await insertRows(
    ctx.sequelize,
    t,
    ctx.models.DocumentFile,
    subs.flatMap((s) => s.files.map((f): Omit<DocumentFileRow, 'id'> => ({ documentId: s.trackingId, ...f }))),
  );
  await indexDocuments(
    ctx.sequelize,
    t,
    subs.map((s) => ({ trackingId: s.trackingId, subject: s.subject, ...s.metadata, filenames: s.files.map((f) => f.filename) })),
  );

  const accepted = subs.map((s, i) => ({ s, i })).filter(({ s }) => s.status === 'accepted');
  const numbered = await numberAndDeliverMany(
    ctx,
    t,
    accepted.map(({ s, i }) => ({
      trackingId: s.trackingId,
      messageRowId: messageRowIds[i],
      senderAgencyId: s.senderAgencyId,
      actor: s.senderAccount,
      recipientAgencyIds: s.recipientAgencyIds,
      year: s.year,
      at: s.receivedAt,
      note: s.note,
      relayOnly: s.relayOnly,
    })),
  );
  // Relay jobs commit with the acceptance: no 250 without its jobs, no job without its document.
  await enqueueJobs(
    ctx.sequelize,
    t,
    accepted.flatMap(({ s }) =>
      (s.relay ?? []).map((r) => ({ kind: 'relay', documentId: s.trackingId, agencyId: r.agencyId, payload: r.payload, at: s.receivedAt })),
    ),
  );
  await enqueueJobs(
    ctx.sequelize,
    t,
    accepted.flatMap(({ s }) =>
      (s.jobs ?? []).map((j) => ({
        kind: j.kind,
        documentId: s.trackingId,
        agencyId: j.agencyId,
        payload: j.payload,
        at: j.at ?? s.receivedAt,
        createdAt: s.receivedAt,
      })),
    ),
  );
  await linkSuperseded(
    ctx,
    t,
    accepted.map(({ s }) => s),
  );
  const results: RecordedSubmission[] = subs.map((s, i) => ({
    trackingId: s.trackingId,
    messageRowId: messageRowIds[i],
    outgoingNumber: null,
    incoming: [],
    deliveries: [],
  }));
  accepted.forEach(({ i }, k) => Object.assign(results[i], numbered[k]));

  const unnumbered = subs.filter((s) => s.status !== 'accepted');
  if (unnumbered.length > 0) {
    const statusOf = (s: SubmissionRecord): RegisterStatus => (s.status === 'returned' ? 'returned' : 'held');
    const entries = await insertRows(
      ctx.sequelize,
      t,
      ctx.models.RegisterEntry,
      unnumbered.map((s) => entry(s.senderAgencyId, 'outgoing', null, null, statusOf(s), { year: s.year, trackingId: s.trackingId, at: s.receivedAt }, s.note)),
      ['id', 'documentId'],
    );
    const ids = new Map(entries.map((r) => [String(r.document_id), toNumber(r.id)]));
    await insertEvents(
      ctx,
      t,
      unnumbered.map((s) => ({
        documentId: s.trackingId,
        entryId: ids.get(s.trackingId)!,
        agencyId: s.senderAgencyId,
        status: statusOf(s),
        actor: s.senderAccount,
        note: s.note,
        at: s.receivedAt,
      })),
    );
  }
  return results;
}
