// What the register is given to record and what it answers: the boundary types of storage/register.

import type { DeliveredRow, DocumentFileRow, DocumentRow, DocumentStatus } from '../rows.js';

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
  /** Relay jobs to queue with the acceptance (one per recipient agency with its own server). */
  relay?: RelayJobInput[];
  /** Recipient agencies served only by their relay: numbered in their sổ đến but not put in an INBOX here. */
  relayOnly?: string[];
  /** Other jobs to queue with the acceptance (urgent alerts, reminders): none when the document is not accepted. */
  jobs?: JobInput[];
  /** An earlier document of the same agency this one replaces or updates (form line "Thay thế / Cập nhật văn bản"). */
  supersedes?: { documentId: string; kind: 'replace' | 'update' };
}

/** A job of any kind (storage/queue) for this document, due at `at` (the acceptance time when not given). */
export interface JobInput {
  kind: string;
  agencyId: string;
  payload: unknown;
  at?: Date;
}

export interface RelayJobInput {
  agencyId: string;
  /** The envelope to the agency's server: the sender's MAIL FROM and that agency's RCPT TO addresses. */
  payload: { from: string; to: string[] };
}

export interface NumberingInput {
  trackingId: string;
  /** messages.id of the stored bytes. */
  messageRowId: number;
  senderAgencyId: string;
  /** Who caused the entries (the submitting clerk, or an administrator releasing a held document). */
  actor: string;
  recipientAgencyIds: string[];
  year: number;
  at: Date;
  note: string | null;
  /** Recipient agencies not given an INBOX copy here (relay.keepMailbox: false). */
  relayOnly?: string[];
}

export interface RecordedSubmission {
  trackingId: string;
  /** messages.id of the stored bytes. */
  messageRowId: number;
  outgoingNumber: number | null;
  incoming: { agencyId: string; number: number }[];
  deliveries: DeliveredRow[];
}
