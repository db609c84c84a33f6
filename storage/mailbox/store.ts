// The narrow interface the IMAP server sees of agency mailboxes. Everything behind it (SQL, blobs, the
// serialized write path, the register) is storage's business; gateway/imap never touches sequelize.

import type { Readable } from 'node:stream';
import type { MimeNodeInfo } from '../../policies/mime/types.js';
import type { DeliveredRow, MailboxRow, MessageOrigin } from '../rows.js';

/** A folder as IMAP sees it: the mailboxes row (name is the full '/'-separated NFC name). */
export type MailboxInfo = Omit<MailboxRow, 'createdAt'>;

/** What SELECT keeps per message: enough for sequence numbers, flags and CONDSTORE. */
export interface MessageState {
  uid: number;
  flags: string[];
  modseq: number;
}

export interface MessageMeta extends MessageState {
  /** messages.id: the stored bytes (not the Message-ID header). */
  messageRowId: number;
  documentId: string | null;
  internalDate: Date;
  /** RFC822.SIZE: prefix + blob. */
  size: number;
  /** The flags as FETCH FLAGS lists them (without \Recent), when the shared index serialised them once. */
  flagText?: string;
}

/** FETCH items whose response bytes depend on the stored message only (rendered once, then kept). */
export type RenderedItem = 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE';

/** The exact response bytes of those items, as far as they were rendered (messages.imap_* columns). */
export type ImapRendering = Partial<Record<RenderedItem, Buffer>>;

/** The stored message as served: prefix bytes, then the blob. */
export interface MessageContent {
  id: number;
  prefix: Buffer;
  blobSha256: string;
  size: number;
  /** MIME structure with offsets relative to the blob (add prefix.length), or null when unknown. */
  structure: MimeNodeInfo | null;
  /** The blob's top-level header block, when the database keeps it (else it is read from the blob). */
  header: Buffer | null;
  /** Stored renderings; FETCH adds the ones it renders (and saves them with saveRenderings). */
  rendered: ImapRendering;
}

export interface MailboxChanges {
  mailbox: MailboxInfo;
  /** Messages whose MODSEQ is above the one asked for (new or with changed flags), by UID. */
  changed: MessageState[];
  /** UIDs expunged with a MODSEQ above the one asked for. */
  expunged: number[];
}

export type FlagOperation = 'set' | 'add' | 'remove';

export interface FlagUpdate {
  /** Messages whose flags changed (with their new MODSEQ). */
  changed: MessageState[];
  /** Messages left alone because they changed after UNCHANGEDSINCE (RFC 7162 MODIFIED). */
  conflicts: number[];
  /** Messages that exist, changed or not, in UID order. */
  present: MessageState[];
}

/** A message (already an fsynced blob) to deliver into another agency's folder in the same transaction. */
interface PreparedMessage {
  blob: { sha256: string; size: number; syncDirs: string[] };
  structure: MimeNodeInfo | null;
  /** Top-level header block, kept in the database for IMAP (null: read from the blob). */
  header: Buffer | null;
}

/** Register status changes that ride on a COPY/MOVE (the IMAP filing workflow). */
export interface FilingPlan {
  /** '03' registered or '02' returned. */
  status: '02' | '03';
  actor: string;
  at: Date;
  /** Per document: its note (reason) and the notice to the sender; documents not listed are not filed. */
  documents: Map<string, { note: string | null; notice: PreparedMessage; senderAgencyId: string; noticeFolder: string }>;
}

export interface FiledDocument {
  documentId: string;
  status: '02' | '03';
  /** The sender's notice delivery. */
  notice: DeliveredRow;
  /** The sender's copies whose $TrangThai-NN keywords changed (announced as flag changes). */
  keywords: DeliveredRow[];
}

export interface TransferResult {
  /** Source and new target UIDs, pairwise, in source UID order (only messages that still existed). */
  sourceUids: number[];
  targetUids: number[];
  targetUidValidity: number;
  /** MODSEQ of the source expunges when moving. */
  expungeModseq: number | null;
  targetModseq: number;
  filed: FiledDocument[];
}

export interface AppendInput {
  mailboxId: number;
  /** Temp file in the spool directory, already fsynced; adopted into the blob store. */
  tempPath: string;
  sha256: string;
  size: number;
  structure: MimeNodeInfo | null;
  header: Buffer | null;
  /** ENVELOPE / BODY / BODYSTRUCTURE rendered by the caller before storing, kept with the message. */
  rendered?: ImapRendering;
  /** Where the bytes came from (messages.origin); IMAP APPEND stores 'client-append'. */
  origin?: MessageOrigin;
  flags: string[];
  internalDate: Date;
}

/** Why storage refused a mailbox operation; gateway/imap/store-errors.ts turns each into a reply. */
export type StoreErrorCode = 'no-such-mailbox' | 'no-such-target' | 'no-such-message' | 'mailbox-exists' | 'system-folder';

/** A refusal with a code and a detail for logs, never protocol text. */
export class MailboxStoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'MailboxStoreError';
  }
}

export interface MailboxStore {
  list(agencyId: string): Promise<MailboxInfo[]>;
  get(agencyId: string, name: string): Promise<MailboxInfo | null>;
  byId(mailboxId: number): Promise<MailboxInfo | null>;
  create(agencyId: string, name: string, now: Date): Promise<MailboxInfo>;
  delete(agencyId: string, name: string): Promise<void>;
  rename(agencyId: string, from: string, to: string): Promise<void>;
  /**
   * Subscriptions are names, independent of mailboxes (RFC 3501 6.3.6): DELETE keeps them, RENAME moves
   * those of the renamed mailbox and its inferiors. SUBSCRIBE needs an existing mailbox.
   */
  setSubscribed(agencyId: string, name: string, subscribed: boolean): Promise<void>;
  /** The agency's subscribed names, existing or not, sorted. */
  subscriptions(agencyId: string): Promise<string[]>;

  /** All messages of a mailbox, by UID (SELECT). */
  states(mailboxId: number): Promise<MessageState[]>;
  changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges>;
  /** Metadata of the given UIDs that still exist, by UID. */
  metas(mailboxId: number, uids: number[]): Promise<MessageMeta[]>;
  counts(mailboxId: number): Promise<{ messages: number; unseen: number; deleted: number; size: number }>;

  content(messageRowId: number): Promise<MessageContent>;
  /** Several at once (one query for those not cached). */
  contents(messageRowIds: number[]): Promise<Map<number, MessageContent>>;
  /** Keeps renderings of stored messages made on their first FETCH; only items still missing are written. */
  saveRenderings(items: { messageRowId: number; rendered: ImapRendering }[]): Promise<void>;
  /** Bytes [start, end) of the message as served (prefix + blob). */
  read(content: MessageContent, start: number, end: number): Promise<Buffer>;
  stream(content: MessageContent, start: number, end: number): Readable;

  storeFlags(mailboxId: number, uids: number[], op: FlagOperation, flags: string[], unchangedSince?: number): Promise<FlagUpdate>;
  /** Removes messages flagged \Deleted (only among `uids` when given); returns the expunged UIDs. */
  expunge(mailboxId: number, uids?: number[]): Promise<{ uids: number[]; modseq: number }>;
  transfer(input: { sourceId: number; targetId: number; uids: number[]; move: boolean; filing?: FilingPlan }): Promise<TransferResult>;
  append(input: AppendInput): Promise<{ uid: number; uidValidity: number; modseq: number }>;
  /** UID in the mailbox of the copy of a document the agency sent with this Message-ID, or null. */
  sentCopyUid(mailboxId: number, senderAgencyId: string, rfc822MessageId: string): Promise<number | null>;
  /** MULTIAPPEND (RFC 3502): all messages in one transaction, consecutive UIDs, or none of them. */
  appendMany(inputs: AppendInput[]): Promise<{ uids: number[]; uidValidity: number; modseq: number }>;
}
