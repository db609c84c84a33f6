// The register: documents with their files, the sender's sổ đi, each recipient's sổ đến, the events,
// and the mailbox rows that deliver the document, all written in the caller's one transaction.

import type { Sequelize, Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { DeliveredRow, MailboxRepository } from '../mailbox/repository.js';
import type { DocumentFileRow, DocumentRow, RegisterEntryRow, RegisterEventRow, RegisterStatus } from '../rows.js';
import type { DuplicateMatch, DuplicateQuery } from '../../policies/services.js';
import { findDuplicate } from './duplicates.js';
import { numberAndDeliverMany, recordSubmissions, type RecordContext } from './record.js';
import { enqueueJobs } from '../queue/repository.js';
import type { NumberingInput, RecordedSubmission, RelayJobInput, SubmissionRecord } from './types.js';


export interface QuarantineDecision {
  trackingId: string;
  at: Date;
  actor: string;
  note: string | null;
}

export class QuarantineStateError extends Error {
  constructor(readonly trackingId: string, readonly status: string | null) {
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
    this.writer = { sequelize, mailboxes };
  }

  /** Writes one submission (see record.ts); the group commit writes many with recordMany. */
  async record(t: Transaction, s: SubmissionRecord): Promise<RecordedSubmission> {
    return (await recordSubmissions(this.writer, t, [s]))[0];
  }

  recordMany(t: Transaction, subs: SubmissionRecord[]): Promise<RecordedSubmission[]> {
    return recordSubmissions(this.writer, t, subs);
  }

  /** Numbers one document in its books and delivers it (`heldOutgoingId`: a released held entry). */
  async numberAndDeliver(t: Transaction, d: NumberingInput, heldOutgoingId?: number): Promise<Omit<RecordedSubmission, 'trackingId' | 'messageId'>> {
    return (await numberAndDeliverMany(this.writer, t, [d], [heldOutgoingId]))[0];
  }

  /** Documents held by a `quarantine` action, oldest first. */
  async quarantined(): Promise<DocumentRow[]> {
    const rows = await this.models.Document.findAll({ where: { status: 'quarantined' }, order: [['receivedAt', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  /**
   * An administrator releases a held document: it is numbered in the sender's sổ đi (the held entry
   * becomes `sent`) and in each recipient's sổ đến, and delivered, exactly as an accepted one.
   */
  async releaseQuarantined(
    t: Transaction,
    r: QuarantineDecision & { recipientAgencyIds: string[]; year: number; relay?: RelayJobInput[]; relayOnly?: string[] },
  ): Promise<RecordedSubmission> {
    const { doc, outgoing } = await this.heldDocument(t, r.trackingId);
    await this.models.Document.update({ status: 'accepted' }, { where: { id: r.trackingId }, transaction: t });
    const numbered = await this.numberAndDeliver(
      t,
      {
        trackingId: r.trackingId,
        messageId: doc.messageId!,
        senderAgencyId: doc.senderAgencyId,
        actor: r.actor,
        recipientAgencyIds: r.recipientAgencyIds,
        year: r.year,
        at: r.at,
        note: r.note ?? 'released from quarantine',
        relayOnly: r.relayOnly,
      },
      outgoing.get('id') as number,
    );
    // A released document is relayed like an accepted one, its jobs in this same transaction.
    await enqueueJobs(this.writer.sequelize, t, (r.relay ?? []).map((j) => ({ kind: 'relay', documentId: r.trackingId, agencyId: j.agencyId, payload: j.payload, at: r.at })));
    return { trackingId: r.trackingId, messageId: doc.messageId!, ...numbered };
  }

  /** An administrator refuses a held document: it becomes returned, unnumbered, never delivered. */
  async rejectQuarantined(t: Transaction, r: QuarantineDecision): Promise<void> {
    const { doc, outgoing } = await this.heldDocument(t, r.trackingId);
    await outgoing.update({ status: 'returned', note: r.note }, { transaction: t });
    await this.models.Document.update({ status: 'returned' }, { where: { id: r.trackingId }, transaction: t });
    await this.models.RegisterEvent.create(
      { documentId: r.trackingId, entryId: outgoing.get('id') as number, agencyId: doc.senderAgencyId, status: 'returned', actor: r.actor, note: r.note ?? 'rejected from quarantine', at: r.at },
      { transaction: t },
    );
  }

  private async heldDocument(t: Transaction, trackingId: string) {
    const row = await this.models.Document.findByPk(trackingId, { transaction: t });
    const doc = row?.get({ plain: true }) as DocumentRow | undefined;
    if (!doc || doc.status !== 'quarantined') throw new QuarantineStateError(trackingId, doc?.status ?? null);
    const outgoing = await this.models.RegisterEntry.findOne({ where: { documentId: trackingId, book: 'outgoing', status: 'held' }, transaction: t });
    if (!outgoing) throw new QuarantineStateError(trackingId, doc.status);
    return { doc, outgoing };
  }

  /** A registered (accepted) document with the same Message-ID, or the same số ký hiệu of the same agency and year. */
  async findDuplicate(q: DuplicateQuery): Promise<DuplicateMatch | null> {
    return findDuplicate(this.writer.sequelize, q);
  }

  async findDocument(trackingId: string): Promise<DocumentRow | null> {
    const row = await this.models.Document.findByPk(trackingId);
    return row ? row.get({ plain: true }) : null;
  }

  async entriesOf(trackingId: string): Promise<RegisterEntryRow[]> {
    const rows = await this.models.RegisterEntry.findAll({ where: { documentId: trackingId }, order: [['id', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  async filesOf(trackingId: string): Promise<DocumentFileRow[]> {
    const rows = await this.models.DocumentFile.findAll({ where: { documentId: trackingId }, order: [['position', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  async book(agencyId: string, book: 'outgoing' | 'incoming', year: number): Promise<RegisterEntryRow[]> {
    const rows = await this.models.RegisterEntry.findAll({ where: { agencyId, book, year }, order: [['number', 'ASC'], ['id', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  /** The agency's sổ đến entry for a document, if it received it. */
  async incomingEntry(agencyId: string, documentId: string, t?: Transaction): Promise<RegisterEntryRow | null> {
    const row = await this.models.RegisterEntry.findOne({ where: { agencyId, documentId, book: 'incoming' }, transaction: t });
    return row ? row.get({ plain: true }) : null;
  }

  async eventsOf(documentId: string): Promise<RegisterEventRow[]> {
    const rows = await this.models.RegisterEvent.findAll({ where: { documentId }, order: [['id', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
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
    await this.models.RegisterEntry.update(
      { status: change.to, note: change.note ?? entry.note },
      { where: { id: entry.id, status: entry.status }, transaction: t },
    );
    await this.models.RegisterEvent.create(
      { documentId: change.documentId, entryId: entry.id, agencyId: change.agencyId, status: change.to, actor: change.actor, note: change.note, at: change.at },
      { transaction: t },
    );
    return { ...entry, status: change.to, note: change.note ?? entry.note };
  }

  /** Stores a notice docgate wrote about a document (blob already fsynced) and delivers it to a folder. */
  async recordNotice(
    t: Transaction,
    notice: { documentId: string; agencyId: string; folder: string; blobSha256: string; blobSize: number; structure: string | null; header: Buffer | null; at: Date },
  ): Promise<DeliveredRow> {
    const message = await this.models.Message.create(
      { blobSha256: notice.blobSha256, blobSize: notice.blobSize, prefix: '', size: notice.blobSize, structure: notice.structure, header: notice.header, createdAt: notice.at },
      { transaction: t },
    );
    return this.mailboxes.deliver(t, {
      agencyId: notice.agencyId,
      folder: notice.folder,
      messageId: message.get('id') as number,
      documentId: notice.documentId,
      flags: [],
      internalDate: notice.at,
    });
  }
}
