// Database rows as the rest of docgate sees them (camelCase; the tables use snake_case columns).

export interface AccountRow {
  id: number;
  email: string;
  agencyId: string;
  passwordHash: string;
  mustChangePassword: boolean;
  disabled: boolean;
  passwordChangedAt: Date | null;
  /** Set by `docgate account remove`: disabled for good, rows kept. */
  removedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Who a logged-in SMTP or IMAP session acts for. */
export type SessionUser = Pick<AccountRow, 'email' | 'agencyId'>;

export interface AuthFailureRow {
  email: string;
  remoteAddress: string;
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

export interface MessageRow {
  id: number;
  blobSha256: string;
  blobSize: number;
  /** docgate's trace header block (Received, X-Docgate-*), prepended to the blob when served. */
  prefix: string;
  /** prefix bytes + blob bytes: the RFC822.SIZE of the message as served. */
  size: number;
  /** JSON of the MimeNodeInfo tree (offsets relative to the blob). */
  structure: string | null;
  /** The blob's top-level header block (blank line included), or null when not kept. */
  header: Buffer | null;
  /** NULL: delivered by docgate; 'client-append': a clerk's IMAP APPEND (a client copy, never verified). */
  origin: MessageOrigin | null;
  createdAt: Date;
}

export type MessageOrigin = 'client-append';

export type DocumentStatus = 'accepted' | 'returned' | 'quarantined';

export interface DocumentRow {
  id: string;
  /** messages.id of the stored bytes (column message_id). */
  messageRowId: number | null;
  rfc822MessageId: string | null;
  senderAgencyId: string;
  senderAccount: string;
  envelopeFrom: string;
  /** JSON array of envelope recipients. */
  recipients: string;
  subject: string | null;
  documentNumber: string | null;
  signedDate: string | null;
  signer: string | null;
  documentType: string | null;
  summary: string | null;
  urgency: string | null;
  confidentiality: string | null;
  /** JSON of DocumentMetadata. */
  metadata: string;
  status: DocumentStatus;
  reason: string;
  /** JSON of the Verdict (without content). */
  verdict: string;
  /** JSON of the S/MIME verification result, when the document was signed. */
  signature: string | null;
  paperCopyRequired: boolean;
  receivedAt: Date;
}

type FileRole = 'main' | 'attachment';

export interface DocumentFileRow {
  id: number;
  documentId: string;
  position: number;
  partPath: string;
  filename: string | null;
  size: number;
  declaredType: string;
  detectedType: string;
  sha256: string;
  role: FileRole;
}

export type RegisterBook = 'outgoing' | 'incoming';

/**
 * Status of a register entry. Incoming entries use the edXML codes: '01' arrived, '02' returned,
 * '03' registered, '04' assigned, '05' in progress, '06' done, '13' recall requested, '15' recall
 * accepted, '16' recall refused. Outgoing entries: 'sent', 'returned' (refused by policy), 'held'.
 */
export type RegisterStatus = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16' | 'sent' | 'returned' | 'held' | RelayEventStatus | AlertEventStatus;
/** Relay attempts (gateway/relay): delivered to the agency's server, deferred (4xx / unreachable), failed, delayed-warning sent. */
export type RelayEventStatus = 'relayed' | 'relay-deferred' | 'relay-failed' | 'relay-delayed';
/** Urgent (Hỏa tốc) alert outcomes to an agency's leaders: sent, or failed for good (reports count both). */
export type AlertEventStatus = 'alert-sent' | 'alert-failed';

export interface RegisterEntryRow {
  id: number;
  agencyId: string;
  book: RegisterBook;
  year: number;
  /** Số đến / số đi; null for a submission returned before numbering. */
  number: number | null;
  documentId: string;
  counterpartAgencyId: string | null;
  status: RegisterStatus;
  registeredAt: Date;
  note: string | null;
}

export interface RegisterEventRow {
  id: number;
  documentId: string;
  entryId: number | null;
  agencyId: string;
  status: RegisterStatus;
  actor: string | null;
  note: string | null;
  at: Date;
}

export interface MailboxRow {
  id: number;
  agencyId: string;
  name: string;
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  createdAt: Date;
}

export interface MailboxMessageRow {
  id: number;
  mailboxId: number;
  uid: number;
  /** messages.id of the stored bytes (column message_id). */
  messageRowId: number;
  documentId: string | null;
  /** JSON array of flags and keywords. */
  flags: string;
  modseq: number;
  internalDate: Date;
}

/** A tombstone of an expunged UID, for CONDSTORE/QRESYNC and other sessions' EXPUNGE responses. */
export interface MailboxExpungeRow {
  id: number;
  mailboxId: number;
  uid: number;
  modseq: number;
}

/** A message row put into a folder: where it landed, for IDLE/NOTIFY announcements. */
export interface DeliveredRow {
  mailboxId: number;
  agencyId: string;
  uid: number;
  modseq: number;
}
