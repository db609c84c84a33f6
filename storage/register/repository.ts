// The register: documents with their files, the sender's sổ đi, each recipient's sổ đến, the events,
// and the mailbox rows that deliver the document, all written in the caller's one transaction.

import type { Sequelize, Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { DeliveredRow, MailboxRepository } from '../mailbox/repository.js';
import { FOLDERS } from '../mailbox/folders.js';
import type { DocumentFileRow, DocumentRow, DocumentStatus, RegisterEntryRow, RegisterEventRow, RegisterStatus } from '../rows.js';
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

    const incoming: { agencyId: string; number: number }[] = [];
    const deliveries: DeliveredRow[] = [];
    if (accepted) {
      for (const agencyId of s.recipientAgencyIds) {
        const number = await nextRegisterNumber(this.sequelize, t, agencyId, 'incoming', s.year);
        const entry = await RegisterEntry.create(
          {
            agencyId,
            book: 'incoming',
            year: s.year,
            number,
            documentId: s.trackingId,
            counterpartAgencyId: s.senderAgencyId,
            status: '01',
            registeredAt: s.receivedAt,
            note: null,
          },
          { transaction: t },
        );
        incoming.push({ agencyId, number });
        events.push({ documentId: s.trackingId, entryId: entry.get('id') as number, agencyId, status: '01', actor: null, note: null, at: s.receivedAt });
        deliveries.push(
          await this.mailboxes.deliver(t, { agencyId, folder: FOLDERS.inbox.name, messageId, documentId: s.trackingId, flags: [], internalDate: s.receivedAt }),
        );
      }
      deliveries.push(
        await this.mailboxes.deliver(t, {
          agencyId: s.senderAgencyId,
          folder: FOLDERS.sent.name,
          messageId,
          documentId: s.trackingId,
          flags: ['\\Seen'],
          internalDate: s.receivedAt,
        }),
      );
    }
    await RegisterEvent.bulkCreate(events, { transaction: t });
    return { trackingId: s.trackingId, messageId, outgoingNumber, incoming, deliveries };
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
    notice: { documentId: string; agencyId: string; folder: string; blobSha256: string; blobSize: number; structure: string | null; at: Date },
  ): Promise<DeliveredRow> {
    const message = await this.models.Message.create(
      { blobSha256: notice.blobSha256, blobSize: notice.blobSize, prefix: '', size: notice.blobSize, structure: notice.structure, createdAt: notice.at },
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
