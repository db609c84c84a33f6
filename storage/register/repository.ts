// The register: documents with their files, the sender's sổ đi, each recipient's sổ đến, the events,
// and the mailbox rows that deliver the document, all written in the caller's one transaction.

import type { Sequelize, Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { DeliveredRow, MailboxRepository } from '../mailbox/repository.js';
import { FOLDERS } from '../mailbox/folders.js';
import type { DocumentFileRow, DocumentRow, DocumentStatus, RegisterBook, RegisterEntryRow, RegisterEventRow, RegisterStatus } from '../rows.js';
import { toNumber } from '../models.js';
import { insertRows, type SqlValue } from '../sql.js';
import { nextRegisterNumber } from './counters.js';

export interface SubmissionRecord {
  trackingId: string;
  receivedAt: Date;
  /** Register year of receivedAt in the configured time zone. */
  year: number;
  status: DocumentStatus;
  reason: string;
  senderAgencyId: string;
  senderAccount: string;
  envelopeFrom: string;
  envelopeRecipients: string[];
  /** Distinct recipient agencies, in envelope order. */
  recipientAgencyIds: string[];
  message: { blobSha256: string; blobSize: number; prefix: string; structure: string | null; header: Buffer | null };
  rfc822MessageId: string | null;
  subject: string | null;
  metadata: Pick<DocumentRow, 'documentNumber' | 'signedDate' | 'signer' | 'documentType' | 'summary' | 'urgency' | 'confidentiality'>;
  metadataJson: string;
  verdictJson: string;
  signatureJson: string | null;
  paperCopyRequired: boolean;
  files: Omit<DocumentFileRow, 'id' | 'documentId'>[];
  note: string | null;
}

export interface NumberingInput {
  trackingId: string;
  messageId: number;
  senderAgencyId: string;
  /** Who caused the entries (the submitting clerk, or an administrator releasing a held document). */
  actor: string;
  recipientAgencyIds: string[];
  year: number;
  at: Date;
  note: string | null;
}

const ENTRY_COLUMNS = ['agency_id', 'book', 'year', 'number', 'document_id', 'counterpart_agency_id', 'status', 'registered_at', 'note'];

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

export interface RecordedSubmission {
  trackingId: string;
  messageId: number;
  outgoingNumber: number | null;
  incoming: { agencyId: string; number: number }[];
  deliveries: DeliveredRow[];
}

export class RegisterRepository {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: Models,
    private readonly mailboxes: MailboxRepository,
  ) {}

  /**
   * Writes a submission: its message and document rows, its files, and then either the numbered books
   * and deliveries (accepted) or an unnumbered outgoing entry (returned, quarantined).
   */
  async record(t: Transaction, s: SubmissionRecord): Promise<RecordedSubmission> {
    const messageId = await this.insertMessage(t, s);
    await this.insertDocument(t, s, messageId);
    await insertRows(
      this.sequelize,
      t,
      'document_files',
      ['document_id', 'position', 'part_path', 'filename', 'size', 'declared_type', 'detected_type', 'sha256', 'role'],
      s.files.map((f) => [s.trackingId, f.position, f.partPath, f.filename, f.size, f.declaredType, f.detectedType, f.sha256, f.role]),
    );
    if (s.status === 'accepted') {
      const numbered = await this.numberAndDeliver(t, {
        trackingId: s.trackingId,
        messageId,
        senderAgencyId: s.senderAgencyId,
        actor: s.senderAccount,
        recipientAgencyIds: s.recipientAgencyIds,
        year: s.year,
        at: s.receivedAt,
        note: s.note,
      });
      return { trackingId: s.trackingId, messageId, ...numbered };
    }
    const status: RegisterStatus = s.status === 'returned' ? 'returned' : 'held';
    const [entry] = await insertRows(
      this.sequelize,
      t,
      'register_entries',
      ENTRY_COLUMNS,
      [[s.senderAgencyId, 'outgoing', s.year, null, s.trackingId, null, status, s.receivedAt, s.note]],
      ['id'],
    );
    await this.insertEvents(t, [
      { documentId: s.trackingId, entryId: toNumber(entry.id), agencyId: s.senderAgencyId, status, actor: s.senderAccount, note: s.note, at: s.receivedAt },
    ]);
    return { trackingId: s.trackingId, messageId, outgoingNumber: null, incoming: [], deliveries: [] };
  }

  /**
   * Numbers the document in the sender's sổ đi and each recipient's sổ đến, and delivers it to each
   * recipient's INBOX and the sender's Văn bản đi, with one event per entry.
   */
  async numberAndDeliver(t: Transaction, d: NumberingInput, heldOutgoingId?: number): Promise<Omit<RecordedSubmission, 'trackingId' | 'messageId'>> {
    const outgoingNumber = await nextRegisterNumber(this.sequelize, t, d.senderAgencyId, 'outgoing', d.year);
    const incoming: { agencyId: string; number: number }[] = [];
    for (const agencyId of d.recipientAgencyIds) {
      incoming.push({ agencyId, number: await nextRegisterNumber(this.sequelize, t, agencyId, 'incoming', d.year) });
    }
    // A released document's held outgoing entry is numbered in place; otherwise a new one is written.
    if (heldOutgoingId !== undefined) {
      await this.models.RegisterEntry.update(
        { status: 'sent', number: outgoingNumber, year: d.year, registeredAt: d.at, note: d.note },
        { where: { id: heldOutgoingId }, transaction: t },
      );
    }
    const rows: SqlValue[][] = [
      ...(heldOutgoingId === undefined ? [[d.senderAgencyId, 'outgoing', d.year, outgoingNumber, d.trackingId, null, 'sent', d.at, d.note]] : []),
      ...incoming.map((i) => [i.agencyId, 'incoming', d.year, i.number, d.trackingId, d.senderAgencyId, '01', d.at, null]),
    ];
    const inserted = await insertRows(this.sequelize, t, 'register_entries', ENTRY_COLUMNS, rows, ['id', 'agency_id', 'book']);
    const entryId = (agencyId: string, book: RegisterBook) => toNumber(inserted.find((r) => r.agency_id === agencyId && r.book === book)!.id);
    await this.insertEvents(t, [
      {
        documentId: d.trackingId,
        entryId: heldOutgoingId ?? entryId(d.senderAgencyId, 'outgoing'),
        agencyId: d.senderAgencyId,
        status: 'sent',
        actor: d.actor,
        note: d.note,
        at: d.at,
      },
      ...incoming.map((i) => ({ documentId: d.trackingId, entryId: entryId(i.agencyId, 'incoming'), agencyId: i.agencyId, status: '01' as const, actor: null, note: null, at: d.at })),
    ]);
    const deliveries = await this.mailboxes.deliverMany(t, [
      ...d.recipientAgencyIds.map((agencyId) => ({ agencyId, folder: FOLDERS.inbox.name, messageId: d.messageId, documentId: d.trackingId, flags: [], internalDate: d.at })),
      { agencyId: d.senderAgencyId, folder: FOLDERS.sent.name, messageId: d.messageId, documentId: d.trackingId, flags: ['\\Seen'], internalDate: d.at },
    ]);
    return { outgoingNumber, incoming, deliveries };
  }

  private async insertMessage(t: Transaction, s: SubmissionRecord): Promise<number> {
    const size = Buffer.byteLength(s.message.prefix, 'latin1') + s.message.blobSize;
    const [row] = await insertRows(
      this.sequelize,
      t,
      'messages',
      ['blob_sha256', 'blob_size', 'prefix', 'size', 'structure', 'header', 'created_at'],
      [[s.message.blobSha256, s.message.blobSize, s.message.prefix, size, s.message.structure, s.message.header, s.receivedAt]],
      ['id'],
    );
    return toNumber(row.id);
  }

  private async insertDocument(t: Transaction, s: SubmissionRecord, messageId: number): Promise<void> {
    const m = s.metadata;
    await insertRows(
      this.sequelize,
      t,
      'documents',
      [
        'id', 'message_id', 'rfc822_message_id', 'sender_agency_id', 'sender_account', 'envelope_from', 'recipients', 'subject',
        'document_number', 'signed_date', 'signer', 'document_type', 'summary', 'urgency', 'confidentiality',
        'metadata', 'status', 'reason', 'verdict', 'signature', 'paper_copy_required', 'received_at',
      ],
      [[
        s.trackingId, messageId, s.rfc822MessageId, s.senderAgencyId, s.senderAccount, s.envelopeFrom, JSON.stringify(s.envelopeRecipients), s.subject,
        m.documentNumber, m.signedDate, m.signer, m.documentType, m.summary, m.urgency, m.confidentiality,
        s.metadataJson, s.status, s.reason, s.verdictJson, s.signatureJson, s.paperCopyRequired, s.receivedAt,
      ]],
    );
  }

  private async insertEvents(t: Transaction, events: Omit<RegisterEventRow, 'id'>[]): Promise<void> {
    await insertRows(
      this.sequelize,
      t,
      'register_events',
      ['document_id', 'entry_id', 'agency_id', 'status', 'actor', 'note', 'at'],
      events.map((e) => [e.documentId, e.entryId, e.agencyId, e.status, e.actor, e.note, e.at]),
    );
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
  async releaseQuarantined(t: Transaction, r: QuarantineDecision & { recipientAgencyIds: string[]; year: number }): Promise<RecordedSubmission> {
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
      },
      outgoing.get('id') as number,
    );
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
  async findDuplicate(q: { messageId: string | null; senderAgencyId: string; documentNumber: string | null; year: number }): Promise<{ trackingId: string; by: 'message-id' | 'document-number' } | null> {
    const { Document } = this.models;
    if (q.messageId) {
      const row = await Document.findOne({ where: { rfc822MessageId: q.messageId, status: 'accepted' }, attributes: ['id'] });
      if (row) return { trackingId: row.get('id') as string, by: 'message-id' };
    }
    if (q.documentNumber) {
      const rows = await Document.findAll({
        where: { senderAgencyId: q.senderAgencyId, documentNumber: q.documentNumber.normalize('NFC'), status: 'accepted' },
        attributes: ['id', 'signedDate', 'receivedAt'],
        limit: 100,
      });
      const sameYear = rows.find((r) => {
        const signed = r.get('signedDate') as string | null;
        const year = signed ? Number(signed.slice(0, 4)) : (r.get('receivedAt') as Date).getUTCFullYear();
        return year === q.year;
      });
      if (sameYear) return { trackingId: sameYear.get('id') as string, by: 'document-number' };
    }
    return null;
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
