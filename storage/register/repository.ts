// The register: documents with their files, the sender's sổ đi, each recipient's sổ đến, the events,
// and the mailbox rows that deliver the document, all written in the caller's one transaction.

import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import { toNumber, type Models } from '../models.js';
import { execute, insertRowsReturningIds, query, rowOf, type NamedParams } from '../sql.js';
import type { MailboxRepository } from '../mailbox/repository.js';
import type { DeliveredRow, DocumentFileRow, DocumentRow, RegisterEntryRow, RegisterEventRow, RegisterStatus } from '../rows.js';
import type { DuplicateMatch, DuplicateQuery } from '../../policies/services.js';
import { findDuplicate } from './duplicates.js';
import { appendRegisterEvents, type NewRegisterEvent } from './events.js';
import { numberAndDeliverMany, recordSubmissions, type RecordContext } from './record.js';
import { recordPaperDocument, type PaperRecord, type RecordedPaper } from './paper.js';
import { enqueueJobs } from '../queue/repository.js';
import { noticeJob } from '../notices/jobs.js';
import { refreshStatusKeywords } from './status-keyword.js';
import type { JobInput, NumberingInput, RecordedSubmission, RelayJobInput, SubmissionRecord } from './types.js';

/** A message docgate wrote, stored as a blob, to deliver into an agency's folder. */
export interface NoticeDelivery {
  documentId: string;
  agencyId: string;
  folder: string;
  blobSha256: string;
  blobSize: number;
  structure: string | null;
  header: Buffer | null;
  at: Date;
}

export interface QuarantineDecision {
  trackingId: string;
  at: Date;
  actor: string;
  note: string | null;
}

export class QuarantineStateError extends Error {
  constructor(
    readonly trackingId: string,
    readonly status: string | null,
  ) {
    super(status === null ? `no document ${trackingId}` : `document ${trackingId} is ${status}, not quarantined`);
  }
}

export class RegisterRepository {
  private readonly writer: RecordContext;

  constructor(
    sequelize: Sequelize,
    private readonly models: Models,
    private readonly mailboxes: MailboxRepository,
  ) {
    this.writer = { sequelize, models, mailboxes };
  }

  /** Writes one submission (see record.ts); the group commit writes many with recordMany. */
  async record(t: Transaction, s: SubmissionRecord): Promise<RecordedSubmission> {
    return (await recordSubmissions(this.writer, t, [s]))[0];
  }

  recordMany(t: Transaction, subs: SubmissionRecord[]): Promise<RecordedSubmission[]> {
    return recordSubmissions(this.writer, t, subs);
  }

  /** Numbers one document in its books and delivers it (`heldOutgoingId`: a released held entry). */
  async numberAndDeliver(t: Transaction, d: NumberingInput, heldOutgoingId?: number): Promise<Omit<RecordedSubmission, 'trackingId' | 'messageRowId'>> {
    return (await numberAndDeliverMany(this.writer, t, [d], [heldOutgoingId]))[0];
  }

  /** Registers a document that arrived on paper, numbered in the agency's sổ đến (paper.ts). */
  recordPaper(t: Transaction, p: PaperRecord): Promise<RecordedPaper> {
    return recordPaperDocument(this.writer, t, p);
  }

  /** Documents held by a `quarantine` action, oldest first. */
  async quarantined(): Promise<DocumentRow[]> {
    return this.rows<DocumentRow>(this.models.Document, "SELECT * FROM documents WHERE status = 'quarantined' ORDER BY received_at ASC", {});
  }

  /**
   * An administrator releases a held document: it is numbered in the sender's sổ đi (the held entry
   * becomes `sent`) and in each recipient's sổ đến, and delivered, exactly as an accepted one.
   */
  async releaseQuarantined(
    t: Transaction,
    r: QuarantineDecision & { recipientAgencyIds: string[]; year: number; relay?: RelayJobInput[]; relayOnly?: string[]; jobs?: JobInput[] },
  ): Promise<RecordedSubmission> {
    const { doc, outgoing } = await this.heldDocument(t, r.trackingId);
    await execute(this.writer.sequelize, "UPDATE documents SET status = 'accepted' WHERE id = :id", { id: r.trackingId }, t);
    const numbered = await this.numberAndDeliver(
      t,
      {
        trackingId: r.trackingId,
        messageRowId: doc.messageRowId!,
        senderAgencyId: doc.senderAgencyId,
        actor: r.actor,
        recipientAgencyIds: r.recipientAgencyIds,
        year: r.year,
        at: r.at,
        note: r.note ?? 'released from quarantine',
        relayOnly: r.relayOnly,
      },
      outgoing.id,
    );
    // A released document is relayed like an accepted one, its jobs in this same transaction.
    await enqueueJobs(this.writer.sequelize, t, [
      ...(r.relay ?? []).map((j) => ({ kind: 'relay', documentId: r.trackingId, agencyId: j.agencyId, payload: j.payload, at: r.at })),
      ...(r.jobs ?? []).map((j) => ({ kind: j.kind, documentId: r.trackingId, agencyId: j.agencyId, payload: j.payload, at: j.at ?? r.at, createdAt: r.at })),
    ]);
    return { trackingId: r.trackingId, messageRowId: doc.messageRowId!, ...numbered };
  }

  /** Appends register events (relay outcomes, notices, administrators' actions) inside the caller's transaction. */
  async appendEvents(t: Transaction, events: NewRegisterEvent[]): Promise<void> {
    await appendRegisterEvents(this.writer.sequelize, this.models, t, events);
  }

  /** An administrator refuses a held document: it becomes returned, unnumbered, never delivered. */
  async rejectQuarantined(t: Transaction, r: QuarantineDecision): Promise<void> {
    const { doc, outgoing } = await this.heldDocument(t, r.trackingId);
    await execute(this.writer.sequelize, "UPDATE register_entries SET status = 'returned', note = :note WHERE id = :id", { note: r.note, id: outgoing.id }, t);
    await execute(this.writer.sequelize, "UPDATE documents SET status = 'returned' WHERE id = :id", { id: r.trackingId }, t);
    await appendRegisterEvents(this.writer.sequelize, this.models, t, [
      {
        documentId: r.trackingId,
        entryId: outgoing.id,
        agencyId: doc.senderAgencyId,
        status: 'returned',
        actor: r.actor,
        note: r.note ?? 'rejected from quarantine',
        at: r.at,
      },
    ]);
    // The sender hears of it through its Thông báo folder, made by the gateway's notice worker.
    await enqueueJobs(this.writer.sequelize, t, [
      noticeJob(r.trackingId, doc.senderAgencyId, { event: 'quarantine-rejected', actor: r.actor, note: r.note, at: r.at.toISOString() }, r.at),
    ]);
  }

  /** Brings the $TrangThai-NN keywords of the sender's copies up to date (status-keyword.ts); returns the copies changed. */
  refreshStatusKeywords(t: Transaction, documentId: string): Promise<DeliveredRow[]> {
    return refreshStatusKeywords(this.writer.sequelize, t, documentId);
  }

  private async heldDocument(t: Transaction, trackingId: string): Promise<{ doc: DocumentRow; outgoing: RegisterEntryRow }> {
    const [doc] = await this.rows<DocumentRow>(this.models.Document, 'SELECT * FROM documents WHERE id = :trackingId', { trackingId }, t);
    if (!doc || doc.status !== 'quarantined') throw new QuarantineStateError(trackingId, doc?.status ?? null);
    const [outgoing] = await this.rows<RegisterEntryRow>(
      this.models.RegisterEntry,
      "SELECT * FROM register_entries WHERE document_id = :trackingId AND book = 'outgoing' AND status = 'held' LIMIT 1",
      { trackingId },
      t,
    );
    if (!outgoing) throw new QuarantineStateError(trackingId, doc.status);
    return { doc, outgoing };
  }

  /** Rows of a bound query, as the model's row type. */
  private async rows<Row extends object>(model: ModelStatic<Model>, sql: string, params: NamedParams, t?: Transaction): Promise<Row[]> {
    return (await query(this.writer.sequelize, sql, params, t)).map((r) => rowOf<Row>(model, r));
  }

  /** A registered (accepted) document with the same Message-ID, or the same số ký hiệu of the same agency and year. */
  async findDuplicate(q: DuplicateQuery): Promise<DuplicateMatch | null> {
    return findDuplicate(this.writer.sequelize, q);
  }

  /** The latest accepted document of an agency with this số ký hiệu (a replacement's or update's target). */
  async latestByNumber(senderAgencyId: string, documentNumber: string): Promise<DocumentRow | null> {
    const [row] = await this.rows<DocumentRow>(
      this.models.Document,
      "SELECT * FROM documents WHERE sender_agency_id = :senderAgencyId AND document_number = :documentNumber AND status = 'accepted' ORDER BY received_at DESC, id DESC LIMIT 1",
      { senderAgencyId, documentNumber },
    );
    return row ?? null;
  }

  async findDocument(trackingId: string): Promise<DocumentRow | null> {
    const [row] = await this.rows<DocumentRow>(this.models.Document, 'SELECT * FROM documents WHERE id = :trackingId', { trackingId });
    return row ?? null;
  }

  /** The stored bytes' blob and MIME structure (JSON) of a document's message row. */
  async storedMessage(messageRowId: number): Promise<{ blobSha256: string; blobSize: number; structure: string | null } | null> {
    const [row] = await query<{ blob_sha256: string; blob_size: unknown; structure: string | null }>(
      this.writer.sequelize,
      'SELECT blob_sha256, blob_size, structure FROM messages WHERE id = :messageRowId',
      { messageRowId },
    );
    return row ? { blobSha256: row.blob_sha256, blobSize: toNumber(row.blob_size), structure: row.structure ?? null } : null;
  }

  async entriesOf(trackingId: string): Promise<RegisterEntryRow[]> {
    return this.rows<RegisterEntryRow>(this.models.RegisterEntry, 'SELECT * FROM register_entries WHERE document_id = :trackingId ORDER BY id ASC', {
      trackingId,
    });
  }

  async filesOf(trackingId: string): Promise<DocumentFileRow[]> {
    return this.rows<DocumentFileRow>(this.models.DocumentFile, 'SELECT * FROM document_files WHERE document_id = :trackingId ORDER BY position ASC', {
      trackingId,
    });
  }

  async book(agencyId: string, book: 'outgoing' | 'incoming', year: number): Promise<RegisterEntryRow[]> {
    return this.rows<RegisterEntryRow>(
      this.models.RegisterEntry,
      'SELECT * FROM register_entries WHERE agency_id = :agencyId AND book = :book AND year = :year ORDER BY number ASC, id ASC',
      { agencyId, book, year },
    );
  }

  /** The agency's sổ đến entry for a document, if it received it. */
  async incomingEntry(agencyId: string, documentId: string, t?: Transaction): Promise<RegisterEntryRow | null> {
    const [row] = await query(
      this.writer.sequelize,
      "SELECT * FROM register_entries WHERE agency_id = :agencyId AND document_id = :documentId AND book = 'incoming' LIMIT 1",
      { agencyId, documentId },
      t,
    );
    return row ? rowOf<RegisterEntryRow>(this.models.RegisterEntry, row) : null;
  }

  async eventsOf(documentId: string): Promise<RegisterEventRow[]> {
    return this.rows<RegisterEventRow>(this.models.RegisterEvent, 'SELECT * FROM register_events WHERE document_id = :documentId ORDER BY id ASC', {
      documentId,
    });
  }

  /**
   * Moves an incoming entry to a new status (e.g. 03 registered, 02 returned) with its event, when it
   * is still in one of the `from` statuses; returns null and writes nothing otherwise.
   */
  async changeIncomingStatus(
    t: Transaction,
    change: { agencyId: string; documentId: string; from: RegisterStatus[]; to: RegisterStatus; actor: string; note: string | null; at: Date },
  ): Promise<RegisterEntryRow | null> {
    const entry = await this.incomingEntry(change.agencyId, change.documentId, t);
    if (!entry || !change.from.includes(entry.status)) return null;
    await execute(
      this.writer.sequelize,
      'UPDATE register_entries SET status = :to, note = :note WHERE id = :id AND status = :from',
      { to: change.to, note: change.note ?? entry.note, id: entry.id, from: entry.status },
      t,
    );
    await appendRegisterEvents(this.writer.sequelize, this.models, t, [
      { documentId: change.documentId, entryId: entry.id, agencyId: change.agencyId, status: change.to, actor: change.actor, note: change.note, at: change.at },
    ]);
    return { ...entry, status: change.to, note: change.note ?? entry.note };
  }

  /** Stores a notice docgate wrote about a document (blob already fsynced) and delivers it to a folder. */
  async recordNotice(t: Transaction, notice: NoticeDelivery): Promise<DeliveredRow> {
    return (await this.recordNotices(t, [notice]))[0];
  }

  /**
   * Messages docgate wrote (receipts, notices), each delivered into its folder: one multi-row INSERT of
   * messages rows (mapped back by blob) and one delivery per folder.
   */
  async recordNotices(t: Transaction, notices: NoticeDelivery[]): Promise<DeliveredRow[]> {
    if (notices.length === 0) return [];
    const rows = notices.map((n) => ({
      blobSha256: n.blobSha256,
      blobSize: n.blobSize,
      prefix: '',
      size: n.blobSize,
      structure: n.structure,
      header: n.header,
      createdAt: n.at,
    }));
    const ids = await insertRowsReturningIds(this.writer.sequelize, t, this.models.Message, rows, 'blobSha256');
    return this.mailboxes.deliverMany(
      t,
      notices.map((n, i) => ({ agencyId: n.agencyId, folder: n.folder, messageRowId: ids[i], documentId: n.documentId, flags: [], internalDate: n.at })),
    );
  }
}
