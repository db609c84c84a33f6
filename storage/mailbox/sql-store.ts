// MailboxStore over the database, assembled from its parts: folders (sql-folders), messages and flags
// (sql-messages), content (sql-content), COPY/MOVE with filing (sql-transfer) and APPEND (sql-append).
// Reads go straight to SQL, every write goes through the one serialized write path (storage.writes).

import type { Readable } from 'node:stream';
import type { Storage } from '../index.js';
import { appendMessages, sentCopyUid } from './sql-append.js';
import { SqlContent } from './sql-content.js';
import { readContent, streamContent } from './served-bytes.js';
import { mailboxById, mailboxByName, type SqlMailboxStoreDeps } from './sql-context.js';
import { SqlFolders } from './sql-folders.js';
import { SqlMessages } from './sql-messages.js';
import { transferMessages, type TransferInput } from './sql-transfer.js';
import type {
  AppendInput,
  FlagOperation,
  FlagUpdate,
  ImapRendering,
  MailboxChanges,
  MailboxInfo,
  MailboxStore,
  MessageContent,
  MessageMeta,
  MessageState,
  TransferResult,
} from './store.js';

export type { SqlMailboxStoreDeps };

export class SqlMailboxStore implements MailboxStore {
  private readonly folders: SqlFolders;
  private readonly messages: SqlMessages;
  private readonly contentRows: SqlContent;

  constructor(private readonly deps: SqlMailboxStoreDeps) {
    this.folders = new SqlFolders(deps);
    this.messages = new SqlMessages(deps);
    this.contentRows = new SqlContent(deps);
  }

  list(agencyId: string): Promise<MailboxInfo[]> {
    return this.folders.list(agencyId);
  }
  get(agencyId: string, name: string): Promise<MailboxInfo | null> {
    return mailboxByName(this.deps, agencyId, name);
  }
  byId(mailboxId: number): Promise<MailboxInfo | null> {
    return mailboxById(this.deps, mailboxId);
  }
  create(agencyId: string, name: string, now: Date): Promise<MailboxInfo> {
    return this.folders.create(agencyId, name, now);
  }
  delete(agencyId: string, name: string): Promise<void> {
    return this.folders.delete(agencyId, name);
  }
  rename(agencyId: string, from: string, to: string): Promise<void> {
    return this.folders.rename(agencyId, from, to);
  }
  setSubscribed(agencyId: string, name: string, subscribed: boolean): Promise<void> {
    return this.folders.setSubscribed(agencyId, name, subscribed);
  }
  subscriptions(agencyId: string): Promise<string[]> {
    return this.folders.subscriptions(agencyId);
  }

  states(mailboxId: number): Promise<MessageState[]> {
    return this.messages.states(mailboxId);
  }
  changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges> {
    return this.messages.changesSince(mailboxId, modseq);
  }
  metas(mailboxId: number, uids: number[]): Promise<MessageMeta[]> {
    return this.messages.metas(mailboxId, uids);
  }
  counts(mailboxId: number): Promise<{ messages: number; unseen: number; deleted: number; size: number }> {
    return this.messages.counts(mailboxId);
  }
  storeFlags(mailboxId: number, uids: number[], op: FlagOperation, flags: string[], unchangedSince?: number): Promise<FlagUpdate> {
    return this.messages.storeFlags(mailboxId, uids, op, flags, unchangedSince);
  }
  expunge(mailboxId: number, uids?: number[]): Promise<{ uids: number[]; modseq: number }> {
    return this.messages.expunge(mailboxId, uids);
  }

  content(messageRowId: number): Promise<MessageContent> {
    return this.contentRows.content(messageRowId);
  }
  contents(messageRowIds: number[]): Promise<Map<number, MessageContent>> {
    return this.contentRows.contents(messageRowIds);
  }
  saveRenderings(items: { messageRowId: number; rendered: ImapRendering }[]): Promise<void> {
    return this.contentRows.saveRenderings(items);
  }
  read(content: MessageContent, start: number, end: number): Promise<Buffer> {
    return readContent(this.deps.blobs, content, start, end);
  }
  stream(content: MessageContent, start: number, end: number): Readable {
    return streamContent(this.deps.blobs, content, start, end);
  }

  transfer(input: TransferInput): Promise<TransferResult> {
    return transferMessages(this.deps, this.messages, input);
  }
  async append(input: AppendInput): Promise<{ uid: number; uidValidity: number; modseq: number }> {
    const { uids, uidValidity, modseq } = await appendMessages(this.deps, [input]);
    return { uid: uids[0], uidValidity, modseq };
  }
  appendMany(inputs: AppendInput[]): Promise<{ uids: number[]; uidValidity: number; modseq: number }> {
    return appendMessages(this.deps, inputs);
  }
  sentCopyUid(mailboxId: number, senderAgencyId: string, rfc822MessageId: string): Promise<number | null> {
    return sentCopyUid(this.deps, mailboxId, senderAgencyId, rfc822MessageId);
  }
}

/** The mailbox store over an opened Storage (the gateway's, or a test's second "process"). */
export function mailboxStoreOf(storage: Storage): SqlMailboxStore {
  return new SqlMailboxStore({
    sequelize: storage.db.sequelize,
    reads: storage.reads,
    models: storage.db.models,
    writes: storage.writes,
    blobs: storage.blobs,
    mailboxes: storage.mailboxes,
    register: storage.register,
  });
}
