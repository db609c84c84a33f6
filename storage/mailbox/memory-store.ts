// MailboxStore in memory: the same contract as the SQL store (storage/mailbox/store.ts), checked by the
// same conformance cases, with no database and no blob files, so IMAP protocol tests run with neither
// SMTP nor SQLite. Each method's changes happen within one synchronous step: all or nothing, like a
// transaction. The register lives in SQL only: a COPY/MOVE that would file documents is refused.

import { readFile, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { applyFlags, countsOf, sameFlags } from './flags.js';
import { FOLDERS, SPECIAL_FOLDER_NAMES } from './folders.js';
import { readContent, streamContent, type BlobSource } from './served-bytes.js';
import {
  MailboxStoreError,
  type AppendInput,
  type FilingPlan,
  type FlagOperation,
  type FlagUpdate,
  type ImapRendering,
  type MailboxChanges,
  type MailboxInfo,
  type MailboxStore,
  type MessageContent,
  type MessageMeta,
  type MessageState,
  type TransferResult,
} from './store.js';

interface Folder {
  info: MailboxInfo;
  /** By UID; Map keeps insertion order, which is UID order (UIDs only grow). */
  messages: Map<number, MessageMeta>;
  expunges: { uid: number; modseq: number }[];
}

/** Blob bytes by SHA-256, served through the same prefix + blob code as the SQL store's. */
class MemoryBlobs implements BlobSource {
  readonly bytes = new Map<string, Buffer>();

  private get(sha256: string): Buffer {
    const data = this.bytes.get(sha256);
    if (!data) throw new Error(`blob ${sha256} does not exist`);
    return data;
  }
  async read(sha256: string, start = 0, end?: number): Promise<Buffer> {
    return this.get(sha256).subarray(start, end);
  }
  stream(sha256: string, start = 0, end?: number): Readable {
    return Readable.from([this.get(sha256).subarray(start, end)]);
  }
}

const copy = (m: MessageMeta): MessageState => ({ uid: m.uid, flags: [...m.flags], modseq: m.modseq });

export class MemoryMailboxStore implements MailboxStore {
  private readonly folders = new Map<number, Folder>();
  private readonly subscribed = new Map<string, Set<string>>();
  private readonly contentRows = new Map<number, MessageContent>();
  private readonly blobs = new MemoryBlobs();
  private nextMailboxId = 1;
  private nextMessageRowId = 1;
  private lastUidValidity = 0;

  /** The standard folders of an agency, subscribed (as MailboxRepository.ensureAgencyFolders). */
  ensureAgencyFolders(agencyId: string, now: Date): void {
    for (const folder of Object.values(FOLDERS)) {
      if (this.find(agencyId, folder.name)) continue;
      this.add(agencyId, folder.name, folder.specialUse, now);
      this.subscriptionsOf(agencyId).add(folder.name);
    }
  }

  private find(agencyId: string, name: string): Folder | undefined {
    for (const f of this.folders.values()) if (f.info.agencyId === agencyId && f.info.name === name) return f;
    return undefined;
  }

  private folder(mailboxId: number, code: 'no-such-mailbox' | 'no-such-target' = 'no-such-mailbox'): Folder {
    const f = this.folders.get(mailboxId);
    if (!f) throw new MailboxStoreError(code, `mailbox ${mailboxId}`);
    return f;
  }

  private add(agencyId: string, name: string, specialUse: string | null, now: Date): MailboxInfo {
    // Never a repeated UIDVALIDITY (RFC 3501 2.3.1.1), at least the current second.
    this.lastUidValidity = Math.max(this.lastUidValidity + 1, Math.floor(now.getTime() / 1000));
    const info: MailboxInfo = { id: this.nextMailboxId++, agencyId, name, specialUse, uidValidity: this.lastUidValidity, uidNext: 1, highestModseq: 1 };
    this.folders.set(info.id, { info, messages: new Map(), expunges: [] });
    return { ...info };
  }

  private subscriptionsOf(agencyId: string): Set<string> {
    let set = this.subscribed.get(agencyId);
    if (!set) this.subscribed.set(agencyId, (set = new Set()));
    return set;
  }

  async list(agencyId: string): Promise<MailboxInfo[]> {
    return [...this.folders.values()].filter((f) => f.info.agencyId === agencyId).map((f) => ({ ...f.info }));
  }
  async get(agencyId: string, name: string): Promise<MailboxInfo | null> {
    const f = this.find(agencyId, name);
    return f ? { ...f.info } : null;
  }
  async byId(mailboxId: number): Promise<MailboxInfo | null> {
    const f = this.folders.get(mailboxId);
    return f ? { ...f.info } : null;
  }
  async create(agencyId: string, name: string, now: Date): Promise<MailboxInfo> {
    if (this.find(agencyId, name)) throw new MailboxStoreError('mailbox-exists', name);
    return this.add(agencyId, name, null, now);
  }
  async delete(agencyId: string, name: string): Promise<void> {
    if (SPECIAL_FOLDER_NAMES.has(name)) throw new MailboxStoreError('system-folder', name);
    const f = this.find(agencyId, name);
    if (!f) throw new MailboxStoreError('no-such-mailbox', name);
    this.folders.delete(f.info.id);
  }
  async rename(agencyId: string, from: string, to: string): Promise<void> {
    if (SPECIAL_FOLDER_NAMES.has(from)) throw new MailboxStoreError('system-folder', from);
    if (SPECIAL_FOLDER_NAMES.has(to)) throw new MailboxStoreError('mailbox-exists', to);
    const f = this.find(agencyId, from);
    if (!f) throw new MailboxStoreError('no-such-mailbox', from);
    if (this.find(agencyId, to)) throw new MailboxStoreError('mailbox-exists', to);
    const moved = [f, ...[...this.folders.values()].filter((c) => c.info.agencyId === agencyId && c.info.name.startsWith(`${from}/`))];
    for (const c of moved.slice(1)) {
      const renamed = to + c.info.name.slice(from.length);
      if (this.find(agencyId, renamed)) throw new MailboxStoreError('mailbox-exists', renamed);
    }
    const subs = this.subscriptionsOf(agencyId);
    for (const c of moved) {
      const renamed = to + c.info.name.slice(from.length);
      if (subs.delete(c.info.name)) subs.add(renamed);
      c.info.name = renamed;
    }
  }
  async setSubscribed(agencyId: string, name: string, subscribed: boolean): Promise<void> {
    if (!subscribed) {
      this.subscriptionsOf(agencyId).delete(name);
      return;
    }
    if (!this.find(agencyId, name)) throw new MailboxStoreError('no-such-mailbox', name);
    this.subscriptionsOf(agencyId).add(name);
  }
  async subscriptions(agencyId: string): Promise<string[]> {
    return [...this.subscriptionsOf(agencyId)].sort();
  }

  async states(mailboxId: number): Promise<MessageState[]> {
    return [...(this.folders.get(mailboxId)?.messages.values() ?? [])].map(copy);
  }
  async changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges> {
    const f = this.folder(mailboxId);
    return {
      mailbox: { ...f.info },
      changed: [...f.messages.values()].filter((m) => m.modseq > modseq).map(copy),
      expunged: f.expunges
        .filter((e) => e.modseq > modseq)
        .map((e) => e.uid)
        .sort((a, b) => a - b),
    };
  }
  async metas(mailboxId: number, uids: number[]): Promise<MessageMeta[]> {
    const messages = this.folders.get(mailboxId)?.messages;
    if (!messages) return [];
    return [...new Set(uids)]
      .sort((a, b) => a - b)
      .flatMap((uid) => {
        const m = messages.get(uid);
        return m ? [{ ...m, flags: [...m.flags] }] : [];
      });
  }
  async counts(mailboxId: number): Promise<{ messages: number; unseen: number; deleted: number; size: number }> {
    return countsOf([...(this.folders.get(mailboxId)?.messages.values() ?? [])]);
  }

  async content(messageRowId: number): Promise<MessageContent> {
    const content = this.contentRows.get(messageRowId);
    if (!content) throw new MailboxStoreError('no-such-message', `message row ${messageRowId}`);
    return content;
  }
  async contents(messageRowIds: number[]): Promise<Map<number, MessageContent>> {
    return new Map(messageRowIds.flatMap((id) => (this.contentRows.has(id) ? [[id, this.contentRows.get(id)!] as const] : [])));
  }
  async saveRenderings(items: { messageRowId: number; rendered: ImapRendering }[]): Promise<void> {
    for (const item of items) {
      const content = this.contentRows.get(item.messageRowId);
      if (content) content.rendered = { ...item.rendered, ...content.rendered };
    }
  }
  read(content: MessageContent, start: number, end: number): Promise<Buffer> {
    return readContent(this.blobs, content, start, end);
  }
  stream(content: MessageContent, start: number, end: number): Readable {
    return streamContent(this.blobs, content, start, end);
  }

  /** Takes `count` UIDs and one new MODSEQ, as storage/mailbox/uids.ts does in SQL. */
  private allocate(f: Folder, count: number): { firstUid: number; modseq: number } {
    const firstUid = f.info.uidNext;
    f.info.uidNext += count;
    f.info.highestModseq += 1;
    return { firstUid, modseq: f.info.highestModseq };
  }

  private remove(f: Folder, uids: number[]): number {
    const { modseq } = this.allocate(f, 0);
    for (const uid of uids) {
      f.messages.delete(uid);
      f.expunges.push({ uid, modseq });
    }
    return modseq;
  }

  async storeFlags(mailboxId: number, uids: number[], op: FlagOperation, flags: string[], unchangedSince?: number): Promise<FlagUpdate> {
    const f = this.folder(mailboxId);
    const targets = await this.metas(mailboxId, uids);
    const conflicts = targets.filter((m) => unchangedSince !== undefined && m.modseq > unchangedSince).map((m) => m.uid);
    const updates = targets.filter((m) => !conflicts.includes(m.uid) && !sameFlags(m.flags, applyFlags(m.flags, op, flags)));
    const changed: MessageState[] = [];
    if (updates.length > 0) {
      const { modseq } = this.allocate(f, 0);
      for (const u of updates) {
        const stored = f.messages.get(u.uid)!;
        stored.flags = applyFlags(stored.flags, op, flags);
        stored.modseq = modseq;
        changed.push(copy(stored));
      }
    }
    const present = targets.map((m) => copy(f.messages.get(m.uid)!));
    return { changed, conflicts, present };
  }

  async expunge(mailboxId: number, uids?: number[]): Promise<{ uids: number[]; modseq: number }> {
    const f = this.folder(mailboxId);
    const among = uids === undefined ? [...f.messages.values()] : await this.metas(mailboxId, uids);
    const doomed = among.filter((m) => m.flags.includes('\\Deleted')).map((m) => m.uid);
    if (doomed.length === 0) return { uids: [], modseq: 0 };
    return { uids: doomed, modseq: this.remove(f, doomed) };
  }

  async transfer(input: { sourceId: number; targetId: number; uids: number[]; move: boolean; filing?: FilingPlan }): Promise<TransferResult> {
    if (input.filing) throw new Error('the memory mailbox store has no register to file documents in');
    const source = this.folders.get(input.sourceId);
    const rows = source ? await this.metas(input.sourceId, input.uids) : [];
    const target = this.folder(input.targetId, 'no-such-target');
    if (rows.length === 0) {
      return {
        sourceUids: [],
        targetUids: [],
        targetUidValidity: target.info.uidValidity,
        expungeModseq: null,
        targetModseq: target.info.highestModseq,
        filed: [],
      };
    }
    const { firstUid, modseq } = this.allocate(target, rows.length);
    const targetUids = rows.map((m, i) => {
      target.messages.set(firstUid + i, { ...m, uid: firstUid + i, modseq });
      return firstUid + i;
    });
    const expungeModseq =
      input.move && source
        ? this.remove(
            source,
            rows.map((m) => m.uid),
          )
        : null;
    return { sourceUids: rows.map((m) => m.uid), targetUids, targetUidValidity: target.info.uidValidity, expungeModseq, targetModseq: modseq, filed: [] };
  }

  async append(input: AppendInput): Promise<{ uid: number; uidValidity: number; modseq: number }> {
    const { uids, uidValidity, modseq } = await this.appendMany([input]);
    return { uid: uids[0], uidValidity, modseq };
  }

  /** No register here, so no message is a document an agency sent: a client's sent copy is always stored. */
  async sentCopyUid(): Promise<number | null> {
    return null;
  }

  async appendMany(inputs: AppendInput[]): Promise<{ uids: number[]; uidValidity: number; modseq: number }> {
    const mailboxId = inputs[0].mailboxId;
    if (inputs.some((i) => i.mailboxId !== mailboxId)) throw new Error('appendMany: one mailbox per call');
    // The spooled literals are read (and removed, as the blob store adopts them) before anything changes.
    const bytes = await Promise.all(inputs.map((i) => readFile(i.tempPath)));
    await Promise.all(inputs.map((i) => rm(i.tempPath, { force: true })));
    const f = this.folder(mailboxId);
    const { firstUid, modseq } = this.allocate(f, inputs.length);
    const uids = inputs.map((input, n) => {
      const id = this.nextMessageRowId++;
      this.blobs.bytes.set(input.sha256, bytes[n]);
      this.contentRows.set(id, {
        id,
        prefix: Buffer.alloc(0),
        blobSha256: input.sha256,
        size: input.size,
        structure: input.structure,
        header: input.header,
        rendered: { ...input.rendered },
      });
      const uid = firstUid + n;
      f.messages.set(uid, { uid, flags: [...input.flags], modseq, messageRowId: id, documentId: null, internalDate: input.internalDate, size: input.size });
      return uid;
    });
    return { uids, uidValidity: f.info.uidValidity, modseq };
  }
}
