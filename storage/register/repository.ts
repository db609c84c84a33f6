// The register: documents with their files, the sender's sổ đi, each recipient's sổ đến, the events,
// and the mailbox rows that deliver the document, all written in the caller's one transaction.

import type { Sequelize, Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { DeliveredRow, MailboxRepository } from '../mailbox/repository.js';
import { FOLDERS } from '../mailbox/folders.js';
import type { DocumentFileRow, DocumentRow, DocumentStatus, RegisterEntryRow, RegisterEventRow } from '../rows.js';
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
  message: { blobSha256: string; blobSize: number; prefix: string; structure: string | null };
  rfc822MessageId: string | null;
  subject: string | null;
  metadata: {
    documentNumber: string | null;
    signedDate: string | null;
    signer: string | null;
    documentType: string | null;
    summary: string | null;
    urgency: string | null;
    confidentiality: string | null;
  };
  metadataJson: string;
  verdictJson: string;
  signatureJson: string | null;
  paperCopyRequired: boolean;
  files: Omit<DocumentFileRow, 'id' | 'documentId'>[];
  note: string | null;
}

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

  async record(t: Transaction, s: SubmissionRecord): Promise<RecordedSubmission> {
    const { Message, Document, DocumentFile, RegisterEntry, RegisterEvent } = this.models;
    const message = await Message.create(
      {
        blobSha256: s.message.blobSha256,
        blobSize: s.message.blobSize,
        prefix: s.message.prefix,
        size: Buffer.byteLength(s.message.prefix, 'latin1') + s.message.blobSize,
        structure: s.message.structure,
        createdAt: s.receivedAt,
      },
      { transaction: t },
    );
    const messageId = message.get('id') as number;
    await Document.create(
      {
        id: s.trackingId,
        messageId,
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
      },
      { transaction: t },
    );
    if (s.files.length > 0) {
      await DocumentFile.bulkCreate(
        s.files.map((f) => ({ ...f, documentId: s.trackingId })),
        { transaction: t },
      );
    }

    const accepted = s.status === 'accepted';
    const outgoingNumber = accepted ? await nextRegisterNumber(this.sequelize, t, s.senderAgencyId, 'outgoing', s.year) : null;
    const outgoingStatus = accepted ? 'sent' : s.status === 'returned' ? 'returned' : 'held';
    const outgoing = await RegisterEntry.create(
      {
        agencyId: s.senderAgencyId,
        book: 'outgoing',
        year: s.year,
        number: outgoingNumber,
        documentId: s.trackingId,
        counterpartAgencyId: null,
        status: outgoingStatus,
        registeredAt: s.receivedAt,
        note: s.note,
      },
      { transaction: t },
    );
    const events: Omit<RegisterEventRow, 'id'>[] = [
      { documentId: s.trackingId, entryId: outgoing.get('id') as number, agencyId: s.senderAgencyId, status: outgoingStatus, actor: s.senderAccount, note: s.note, at: s.receivedAt },
    ];
    const delivered = accepted
      ? await this.deliverToRecipients(t, { trackingId: s.trackingId, messageId, senderAgencyId: s.senderAgencyId, recipientAgencyIds: s.recipientAgencyIds, year: s.year, at: s.receivedAt })
      : { incoming: [], deliveries: [], events: [] };
    events.push(...delivered.events);
    await RegisterEvent.bulkCreate(events, { transaction: t });
    return { trackingId: s.trackingId, messageId, outgoingNumber, incoming: delivered.incoming, deliveries: delivered.deliveries };
  }

  /**
   * Numbers the document in each recipient's sổ đến, delivers it to their INBOX and to the sender's
   * Sent folder: what acceptance means, shared by record() and releaseQuarantined().
   */
  private async deliverToRecipients(
    t: Transaction,
    d: { trackingId: string; messageId: number; senderAgencyId: string; recipientAgencyIds: string[]; year: number; at: Date },
  ): Promise<{ incoming: { agencyId: string; number: number }[]; deliveries: DeliveredRow[]; events: Omit<RegisterEventRow, 'id'>[] }> {
    const incoming: { agencyId: string; number: number }[] = [];
    const deliveries: DeliveredRow[] = [];
    const events: Omit<RegisterEventRow, 'id'>[] = [];
    for (const agencyId of d.recipientAgencyIds) {
      const number = await nextRegisterNumber(this.sequelize, t, agencyId, 'incoming', d.year);
      const entry = await this.models.RegisterEntry.create(
        {
          agencyId,
          book: 'incoming',
          year: d.year,
          number,
          documentId: d.trackingId,
          counterpartAgencyId: d.senderAgencyId,
          status: '01',
          registeredAt: d.at,
          note: null,
        },
        { transaction: t },
      );
      incoming.push({ agencyId, number });
      events.push({ documentId: d.trackingId, entryId: entry.get('id') as number, agencyId, status: '01', actor: null, note: null, at: d.at });
      deliveries.push(await this.mailboxes.deliver(t, { agencyId, folder: FOLDERS.inbox.name, messageId: d.messageId, documentId: d.trackingId, flags: [], internalDate: d.at }));
    }
    deliveries.push(
      await this.mailboxes.deliver(t, { agencyId: d.senderAgencyId, folder: FOLDERS.sent.name, messageId: d.messageId, documentId: d.trackingId, flags: ['\\Seen'], internalDate: d.at }),
    );
    return { incoming, deliveries, events };
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
    const number = await nextRegisterNumber(this.sequelize, t, doc.senderAgencyId, 'outgoing', r.year);
    await outgoing.update({ status: 'sent', number, year: r.year, registeredAt: r.at, note: r.note }, { transaction: t });
    await this.models.Document.update({ status: 'accepted' }, { where: { id: r.trackingId }, transaction: t });
    const delivered = await this.deliverToRecipients(t, {
      trackingId: r.trackingId,
      messageId: doc.messageId!,
      senderAgencyId: doc.senderAgencyId,
      recipientAgencyIds: r.recipientAgencyIds,
      year: r.year,
      at: r.at,
    });
    await this.models.RegisterEvent.bulkCreate(
      [
        { documentId: r.trackingId, entryId: outgoing.get('id') as number, agencyId: doc.senderAgencyId, status: 'sent', actor: r.actor, note: r.note ?? 'released from quarantine', at: r.at },
        ...delivered.events,
      ],
      { transaction: t },
    );
    return { trackingId: r.trackingId, messageId: doc.messageId!, outgoingNumber: number, incoming: delivered.incoming, deliveries: delivered.deliveries };
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
}
