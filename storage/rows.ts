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
  /** What the web portal lets the account do (migration 014). */
  role: AccountRole;
  createdAt: Date;
  updatedAt: Date;
}

export type AccountRole = 'clerk' | 'admin';

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
  /** NULL: submitted over SMTP; 'paper': registered from paper with its scan (register add-paper). */
  origin: DocumentOrigin | null;
}

type DocumentOrigin = 'paper';

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
export type RegisterStatus =
  '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16' | 'sent' | 'returned' | 'held' | RelayEventStatus | FollowUpEventStatus | ReceiptEventStatus;
/** Signed receipts issued to the sender (gateway/notify): acceptance by docgate, delivery to one recipient. */
type ReceiptEventStatus = 'receipt-accepted' | 'receipt-delivered';
/** Administrators' actions in the portal (gateway/admin/events.ts); at most 20 characters (the column). */
export type AdminEventStatus =
  'account-created' | 'account-locked' | 'account-unlocked' | 'password-reset' | 'password-changed' | 'role-changed' | 'relay-retry' | 'relay-drop';
/** Relay attempts (gateway/relay): delivered to the agency's server, deferred (4xx / unreachable), failed, delayed-warning sent. */
export type RelayEventStatus = 'relayed' | 'relay-deferred' | 'relay-failed' | 'relay-delayed';
/**
 * Follow-ups of a delivered document (gateway/notify): an urgent alert attempt sent or failed, a reminder
 * of a missed deadline, and the links of a replacement or update (on the old document: replaced/updated
 * by, on the new one: replaces/updates; the note names the other tracking id).
 */
type FollowUpEventStatus = AlertEventStatus | 'reminder' | 'replaces' | 'replaced' | 'updates' | 'updated';
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

/**
 * One entry of the hash-chained event log (storage/register/chain.ts): never updated or deleted.
 * `kind` document: a register event of `documentId`; admin: an administrator's action on `subject`
 * (`status` names the action); deleted: a retention deletion of `documentId`, keeping its hashes.
 */
export interface RegisterEventRow {
  id: number;
  /** Position in the chain, from 1, gap-free. */
  seq: number;
  kind: 'document' | 'admin' | 'deleted';
  documentId: string | null;
  entryId: number | null;
  agencyId: string | null;
  status: RegisterStatus | AdminAction | 'deleted';
  actor: string | null;
  note: string | null;
  /** What an administrator's action concerns (an account, a job id, a tracking id, a file). */
  subject: string | null;
  at: Date;
  /** Canonical JSON of the register entry / the document and its files as this event left them. */
  entryState: string | null;
  documentState: string | null;
  /** The document's raw SHA-256 when the event was appended ('' for none). */
  documentSha256: string;
  prevHash: string;
  hash: string;
}

/** What an administrator did (kind admin). Other commands add theirs (paper registration, export). */
export type AdminAction =
  | 'account-add'
  | 'account-passwd'
  | 'account-lock'
  | 'account-unlock'
  | 'account-remove'
  | 'quarantine-release'
  | 'quarantine-reject'
  | 'queue-retry'
  | 'queue-drop'
  | 'config-reload'
  | 'register-anchor'
  | 'register-purge'
  | 'register-add-paper'
  | 'export'
  | AdminEventStatus;

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
