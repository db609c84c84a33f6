// MailboxStore over the database: reads go straight to SQL, every write goes through the one serialized
// write path (storage.writes). UIDs come from mailboxes.uid_next (never reused); every change takes a
// new MODSEQ from mailboxes.highest_modseq; expunges leave tombstones for CONDSTORE/IDLE sessions.

import type { Sequelize, Transaction } from 'sequelize';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { MimeNodeInfo } from '../../gateway/intake/mime/types.js';
import type { BlobStore } from '../blobs.js';
import type { Models } from '../models.js';
import { toNumber } from '../models.js';
import type { RegisterRepository } from '../register/repository.js';
import type { WriteQueue } from '../write-queue.js';
import { ContentCache } from './content-cache.js';
import { MailboxIndexCache, parseFlags } from './mailbox-index.js';
import type { ReadPool } from '../read-pool.js';
import { boundQuery, runSql, type NamedParams } from '../sql.js';
import type { Storage } from '../index.js';
import { FOLDERS, SPECIAL_FOLDER_NAMES } from './folders.js';
import type { MailboxRepository } from './repository.js';
import {
  MailboxStoreError,
  type AppendInput,
  type FiledDocument,
  type FilingPlan,
  type FlagOperation,
  type FlagUpdate,
  type MailboxChanges,
  type MailboxInfo,
  type MailboxStore,
  type MessageContent,
  type MessageMeta,
  type MessageState,
  type TransferResult,
} from './store.js';

export interface SqlMailboxStoreDeps {
  sequelize: Sequelize;
  /** Reads outside a transaction go here (parallel read connections on SQLite). */
  reads: ReadPool;
  models: Models;
  writes: WriteQueue;
  blobs: BlobStore;
  mailboxes: MailboxRepository;
  register: RegisterRepository;
}

const CHUNK = 400;

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function mailboxInfo(row: Record<string, unknown>): MailboxInfo {
  return {
    id: toNumber(row.id),
    agencyId: String(row.agency_id ?? row.agencyId),
    name: String(row.name),
    specialUse: (row.special_use ?? row.specialUse ?? null) as string | null,
    uidValidity: toNumber(row.uid_validity ?? row.uidValidity),
    uidNext: toNumber(row.uid_next ?? row.uidNext),
    highestModseq: toNumber(row.highest_modseq ?? row.highestModseq),
  };
}

/** Applies a STORE operation; keywords compare case-insensitively (RFC 3501 2.3.2). */
export function applyFlags(current: string[], op: FlagOperation, flags: string[]): string[] {
  const key = (f: string) => f.toLowerCase();
  if (op === 'set') return dedupe(flags);
  if (op === 'add') return dedupe([...current, ...flags]);
  const removed = new Set(flags.map(key));
  return current.filter((f) => !removed.has(key(f)));
}

function dedupe(flags: string[]): string[] {
  const seen = new Set<string>();
  return flags.filter((f) => {
    const k = f.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sameFlags(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => set.has(f.toLowerCase()));
}

export class SqlMailboxStore implements MailboxStore {
  private readonly cache = new ContentCache(4096);
  private readonly index: MailboxIndexCache;

  constructor(private readonly deps: SqlMailboxStoreDeps) {
    this.index = new MailboxIndexCache(deps.reads);
  }

  private select<T extends object>(sql: string, params: NamedParams, t?: Transaction): Promise<T[]> {
    if (!t) return this.deps.reads.query<T>(sql, params);
    return boundQuery<T>(this.deps.sequelize, sql, params, { transaction: t });
  }

  async list(agencyId: string): Promise<MailboxInfo[]> {
    const rows = await this.select<Record<string, unknown>>('SELECT * FROM mailboxes WHERE agency_id = :agencyId ORDER BY id', { agencyId });
    return rows.map(mailboxInfo);
  }

  async get(agencyId: string, name: string, t?: Transaction): Promise<MailboxInfo | null> {
    const rows = await this.select<Record<string, unknown>>('SELECT * FROM mailboxes WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, t);
    return rows.length > 0 ? mailboxInfo(rows[0]) : null;
  }

  async byId(mailboxId: number, t?: Transaction): Promise<MailboxInfo | null> {
    const rows = await this.select<Record<string, unknown>>('SELECT * FROM mailboxes WHERE id = :mailboxId', { mailboxId }, t);
    return rows.length > 0 ? mailboxInfo(rows[0]) : null;
  }

  /**
   * The next UIDVALIDITY, in the caller's transaction: above the counter row (migration 006, shared by
   * every process on this database), above every existing mailbox, and at least the current second.
   */
  private async nextUidValidity(t: Transaction, now: Date): Promise<number> {
    const [max] = await this.select<{ v: unknown }>('SELECT MAX(uid_validity) AS v FROM mailboxes', {}, t);
    const floor = Math.max(Math.floor(now.getTime() / 1000), toNumber(max?.v ?? 0) + 1);
    const rows = await runSql(
      this.deps.sequelize,
      t,
      'UPDATE uid_validity_counter SET last_value = CASE WHEN last_value + 1 > ? THEN last_value + 1 ELSE ? END WHERE id = 1 RETURNING last_value',
      [floor, floor],
    );
    if (rows.length === 1) return toNumber(rows[0].last_value);
    await runSql(this.deps.sequelize, t, 'INSERT INTO uid_validity_counter (id, last_value) VALUES (1, ?)', [floor]);
    return floor;
  }

  async create(agencyId: string, name: string, now: Date): Promise<MailboxInfo> {
    return this.deps.writes.run(async (t) => {
      if (await this.get(agencyId, name, t)) throw new MailboxStoreError('ALREADYEXISTS', 'Thu muc da ton tai', 'Mailbox already exists');
      // A re-created name must never show an old UIDVALIDITY (RFC 3501 2.3.1.1): MAX over rows goes down
      // when the newest mailbox is deleted, the counter row does not.
      const validity = await this.nextUidValidity(t, now);
      // CREATE does not subscribe (as Dovecot; RFC 3501 leaves it open): SUBSCRIBE is the client's choice.
      const row = await this.deps.models.Mailbox.create(
        { agencyId, name, specialUse: null, uidValidity: validity, uidNext: 1, highestModseq: 1, createdAt: now },
        { transaction: t },
      );
      return mailboxInfo(row.get({ plain: true }) as unknown as Record<string, unknown>);
    });
  }

  private static refuseSpecial(name: string): void {
    if (SPECIAL_FOLDER_NAMES.has(name)) {
      throw new MailboxStoreError('CANNOT', 'Khong the xoa hay doi ten thu muc he thong', 'System folders cannot be deleted or renamed');
    }
  }

  async delete(agencyId: string, name: string): Promise<void> {
    SqlMailboxStore.refuseSpecial(name);
    await this.deps.writes.run(async (t) => {
      const mailbox = await this.get(agencyId, name, t);
      if (!mailbox) throw new MailboxStoreError('NONEXISTENT', 'Thu muc khong ton tai', 'No such mailbox');
      await boundQuery(this.deps.sequelize, 'DELETE FROM mailbox_expunges WHERE mailbox_id = :id', { id: mailbox.id }, { transaction: t, select: false });
      await boundQuery(this.deps.sequelize, 'DELETE FROM mailbox_messages WHERE mailbox_id = :id', { id: mailbox.id }, { transaction: t, select: false });
      await boundQuery(this.deps.sequelize, 'DELETE FROM mailboxes WHERE id = :id', { id: mailbox.id }, { transaction: t, select: false });
    });
    this.deps.mailboxes.invalidate();
  }

  async rename(agencyId: string, from: string, to: string): Promise<void> {
    SqlMailboxStore.refuseSpecial(from);
    if (SPECIAL_FOLDER_NAMES.has(to)) throw new MailboxStoreError('ALREADYEXISTS', 'Thu muc da ton tai', 'Mailbox already exists');
    await this.deps.writes.run(async (t) => {
      const mailbox = await this.get(agencyId, from, t);
      if (!mailbox) throw new MailboxStoreError('NONEXISTENT', 'Thu muc khong ton tai', 'No such mailbox');
      if (await this.get(agencyId, to, t)) throw new MailboxStoreError('ALREADYEXISTS', 'Thu muc da ton tai', 'Mailbox already exists');
      // Inferior names move with their parent (RFC 3501 6.3.5).
      const all = await this.list(agencyId);
      const children = all.filter((m) => m.name.startsWith(`${from}/`));
      for (const child of children) {
        const renamed = to + child.name.slice(from.length);
        if (all.some((m) => m.name === renamed)) throw new MailboxStoreError('ALREADYEXISTS', 'Thu muc da ton tai', 'Mailbox already exists');
      }
      await this.deps.models.Mailbox.update({ name: to }, { where: { id: mailbox.id }, transaction: t });
      for (const child of children) {
        await this.deps.models.Mailbox.update({ name: to + child.name.slice(from.length) }, { where: { id: child.id }, transaction: t });
      }
      // Subscriptions of the moved mailboxes follow them (as they did when they were a mailbox column);
      // subscriptions of names that do not exist stay where they are.
      for (const name of [from, ...children.map((c) => c.name)]) {
        const moved = await this.select<{ name: unknown }>('SELECT name FROM mailbox_subscriptions WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, t);
        if (moved.length === 0) continue;
        await boundQuery(this.deps.sequelize, 'DELETE FROM mailbox_subscriptions WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, { transaction: t, select: false });
        await this.subscribe(t, agencyId, to + name.slice(from.length));
      }
    });
    this.deps.mailboxes.invalidate();
  }

  private async subscribe(t: Transaction, agencyId: string, name: string): Promise<void> {
    await boundQuery(this.deps.sequelize, 'INSERT INTO mailbox_subscriptions (agency_id, name) VALUES (:agencyId, :name) ON CONFLICT DO NOTHING', { agencyId, name }, { transaction: t, select: false });
  }

  async setSubscribed(agencyId: string, name: string, subscribed: boolean): Promise<void> {
    await this.deps.writes.run(async (t) => {
      if (!subscribed) {
        await boundQuery(this.deps.sequelize, 'DELETE FROM mailbox_subscriptions WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, { transaction: t, select: false });
        return;
      }
      if (!(await this.get(agencyId, name, t))) throw new MailboxStoreError('NONEXISTENT', 'Thu muc khong ton tai', 'No such mailbox');
      await this.subscribe(t, agencyId, name);
    });
  }

  async subscriptions(agencyId: string): Promise<string[]> {
    const rows = await this.select<{ name: unknown }>('SELECT name FROM mailbox_subscriptions WHERE agency_id = :agencyId', { agencyId });
    return rows.map((r) => String(r.name)).sort();
  }

  async states(mailboxId: number): Promise<MessageState[]> {
    return (await this.index.all(mailboxId)).map((m) => ({ uid: m.uid, flags: m.flags, modseq: m.modseq }));
  }

  async changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges> {
    const mailbox = await this.byId(mailboxId);
    if (!mailbox) throw new MailboxStoreError('NONEXISTENT', 'Thu muc khong ton tai', 'No such mailbox');
    if (mailbox.highestModseq <= modseq) return { mailbox, changed: [], expunged: [] };
    const changed = await this.select<{ uid: unknown; flags: unknown; modseq: unknown }>(
      'SELECT uid, flags, modseq FROM mailbox_messages WHERE mailbox_id = :mailboxId AND modseq > :modseq ORDER BY uid',
      { mailboxId, modseq },
    );
    const expunged = await this.select<{ uid: unknown }>(
      'SELECT uid FROM mailbox_expunges WHERE mailbox_id = :mailboxId AND modseq > :modseq ORDER BY uid',
      { mailboxId, modseq },
    );
    return {
      mailbox,
      changed: changed.map((r) => ({ uid: toNumber(r.uid), flags: parseFlags(r.flags), modseq: toNumber(r.modseq) })),
      expunged: expunged.map((r) => toNumber(r.uid)),
    };
  }

  metas(mailboxId: number, uids: number[]): Promise<MessageMeta[]> {
    return this.index.metas(mailboxId, uids);
  }

  async counts(mailboxId: number): Promise<{ messages: number; unseen: number; deleted: number; size: number }> {
    const all = await this.index.all(mailboxId);
    let unseen = 0;
    let deleted = 0;
    let size = 0;
    for (const m of all) {
      if (!m.flags.includes('\\Seen')) unseen++;
      if (m.flags.includes('\\Deleted')) deleted++;
      size += m.size;
    }
    return { messages: all.length, unseen, deleted, size };
  }

  private toContent(row: Record<string, unknown>): MessageContent {
    // The structure JSON is parsed on first use: SEARCH on header fields and FETCH FLAGS never need it.
    const json = row.structure ? String(row.structure) : null;
    let parsed: MimeNodeInfo | null | undefined;
    return {
      id: toNumber(row.id),
      prefix: Buffer.from(String(row.prefix ?? ''), 'latin1'),
      blobSha256: String(row.blob_sha256),
      size: toNumber(row.size),
      get structure(): MimeNodeInfo | null {
        if (parsed === undefined) {
          try {
            parsed = json ? (JSON.parse(json) as MimeNodeInfo) : null;
          } catch {
            parsed = null;
          }
        }
        return parsed;
      },
      header: Buffer.isBuffer(row.header) ? row.header : null,
    };
  }

  async content(messageId: number): Promise<MessageContent> {
    const found = await this.contents([messageId]);
    const content = found.get(messageId);
    if (!content) throw new MailboxStoreError('NONEXISTENT', 'Thu khong ton tai', 'No such message');
    return content;
  }

  async contents(messageIds: number[]): Promise<Map<number, MessageContent>> {
    const out = new Map<number, MessageContent>();
    const missing: number[] = [];
    for (const id of new Set(messageIds)) {
      const hit = this.cache.get(id);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    for (const part of chunks(missing)) {
      const rows = await this.select<Record<string, unknown>>('SELECT id, blob_sha256, prefix, size, structure, header FROM messages WHERE id IN (:part)', { part });
      for (const row of rows) {
        const content = this.toContent(row);
        this.cache.set(content.id, content);
        out.set(content.id, content);
      }
    }
    return out;
  }

  async read(content: MessageContent, start: number, end: number): Promise<Buffer> {
    const stop = Math.min(end, content.size);
    if (stop <= start) return Buffer.alloc(0);
    const p = content.prefix.length;
    const head = start < p ? content.prefix.subarray(start, Math.min(stop, p)) : Buffer.alloc(0);
    if (stop <= p) return Buffer.from(head);
    const tail = await this.deps.blobs.read(content.blobSha256, Math.max(0, start - p), stop - p);
    // A short blob (damaged store) is an error, never a silently shorter message.
    if (tail.length !== stop - Math.max(p, start)) throw new Error(`blob ${content.blobSha256} is shorter than its row says`);
    return head.length > 0 ? Buffer.concat([head, tail]) : tail;
  }

  stream(content: MessageContent, start: number, end: number): Readable {
    const stop = Math.min(end, content.size);
    const p = content.prefix.length;
    const out = new PassThrough();
    if (stop <= start) {
      out.end();
      return out;
    }
    if (start < p) out.write(content.prefix.subarray(start, Math.min(stop, p)));
    if (stop <= p) {
      out.end();
      return out;
    }
    const blob = this.deps.blobs.stream(content.blobSha256, Math.max(0, start - p), stop - p);
    // pipeline, not pipe: when the reader destroys `out` (a client gone mid-FETCH) the blob's file
    // descriptor is closed too, and a blob error reaches the reader.
    pipeline(blob, out, () => undefined);
    return out;
  }

  private async allocate(t: Transaction, mailboxId: number, uids: number): Promise<{ firstUid: number; modseq: number; uidValidity: number }> {
    const rows = await this.select<{ uid_next: unknown; highest_modseq: unknown; uid_validity: unknown }>(
      'UPDATE mailboxes SET uid_next = uid_next + :uids, highest_modseq = highest_modseq + 1 WHERE id = :mailboxId RETURNING uid_next, highest_modseq, uid_validity',
      { mailboxId, uids },
      t,
    );
    if (rows.length !== 1) throw new MailboxStoreError('NONEXISTENT', 'Thu muc khong ton tai', 'No such mailbox');
    return { firstUid: toNumber(rows[0].uid_next) - uids, modseq: toNumber(rows[0].highest_modseq), uidValidity: toNumber(rows[0].uid_validity) };
  }

  private async rowsOf(t: Transaction, mailboxId: number, uids: number[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const part of chunks([...new Set(uids)].sort((a, b) => a - b))) {
      out.push(...(await this.select<Record<string, unknown>>('SELECT * FROM mailbox_messages WHERE mailbox_id = :mailboxId AND uid IN (:part)', { mailboxId, part }, t)));
    }
    return out.sort((a, b) => toNumber(a.uid) - toNumber(b.uid));
  }

  async storeFlags(mailboxId: number, uids: number[], op: FlagOperation, flags: string[], unchangedSince?: number): Promise<FlagUpdate> {
    return this.deps.writes.run(async (t) => {
      const rows = await this.rowsOf(t, mailboxId, uids);
      const present: MessageState[] = [];
      const updates: { id: number; uid: number; flags: string[] }[] = [];
      const conflicts: number[] = [];
      for (const row of rows) {
        const uid = toNumber(row.uid);
        const current = parseFlags(row.flags);
        const modseq = toNumber(row.modseq);
        if (unchangedSince !== undefined && modseq > unchangedSince) {
          conflicts.push(uid);
          present.push({ uid, flags: current, modseq });
          continue;
        }
        const next = applyFlags(current, op, flags);
        if (sameFlags(current, next)) present.push({ uid, flags: current, modseq });
        else updates.push({ id: toNumber(row.id), uid, flags: next });
      }
      const changed: MessageState[] = [];
      if (updates.length > 0) {
        const { modseq } = await this.bumpModseq(t, mailboxId);
        for (const u of updates) {
          await boundQuery(this.deps.sequelize, 'UPDATE mailbox_messages SET flags = :flags, modseq = :modseq WHERE id = :id', { flags: JSON.stringify(u.flags), modseq, id: u.id }, { transaction: t, select: false });
          const state = { uid: u.uid, flags: u.flags, modseq };
          changed.push(state);
          present.push(state);
        }
      }
      present.sort((a, b) => a.uid - b.uid);
      return { changed, conflicts, present };
    });
  }

  private async bumpModseq(t: Transaction, mailboxId: number): Promise<{ modseq: number }> {
    const rows = await this.select<{ highest_modseq: unknown }>(
      'UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = :mailboxId RETURNING highest_modseq',
      { mailboxId },
      t,
    );
    if (rows.length !== 1) throw new MailboxStoreError('NONEXISTENT', 'Thu muc khong ton tai', 'No such mailbox');
    return { modseq: toNumber(rows[0].highest_modseq) };
  }

  /** Deletes rows and leaves tombstones, all with one new MODSEQ. */
  private async removeRows(t: Transaction, mailboxId: number, rows: { id: number; uid: number }[]): Promise<number> {
    const { modseq } = await this.bumpModseq(t, mailboxId);
    for (const part of chunks(rows)) {
      await boundQuery(this.deps.sequelize, 'DELETE FROM mailbox_messages WHERE id IN (:ids)', { ids: part.map((r) => r.id) }, { transaction: t, select: false });
      await this.deps.sequelize.getQueryInterface().bulkInsert(
        'mailbox_expunges',
        part.map((r) => ({ mailbox_id: mailboxId, uid: r.uid, modseq })),
        { transaction: t },
      );
    }
    return modseq;
  }

  async expunge(mailboxId: number, uids?: number[]): Promise<{ uids: number[]; modseq: number }> {
    return this.deps.writes.run(async (t) => {
      const rows =
        uids === undefined
          ? await this.select<Record<string, unknown>>('SELECT id, uid, flags FROM mailbox_messages WHERE mailbox_id = :mailboxId ORDER BY uid', { mailboxId }, t)
          : await this.rowsOf(t, mailboxId, uids);
      const doomed = rows.filter((r) => parseFlags(r.flags).includes('\\Deleted')).map((r) => ({ id: toNumber(r.id), uid: toNumber(r.uid) }));
      if (doomed.length === 0) return { uids: [], modseq: 0 };
      const modseq = await this.removeRows(t, mailboxId, doomed);
      return { uids: doomed.map((r) => r.uid), modseq };
    });
  }

  async transfer(input: { sourceId: number; targetId: number; uids: number[]; move: boolean; filing?: FilingPlan }): Promise<TransferResult> {
    const syncDirs = input.filing ? [...input.filing.documents.values()].flatMap((d) => d.notice.blob.syncDirs) : [];
    return this.deps.writes.submit({
      syncDirs,
      run: async (t) => {
        const rows = await this.rowsOf(t, input.sourceId, input.uids);
        const target = await this.byId(input.targetId, t);
        if (!target) throw new MailboxStoreError('NONEXISTENT', 'Thu muc dich khong ton tai', 'Target mailbox does not exist');
        if (rows.length === 0) {
          return { sourceUids: [], targetUids: [], targetUidValidity: target.uidValidity, expungeModseq: null, targetModseq: target.highestModseq, filed: [] };
        }
        const { firstUid, modseq, uidValidity } = await this.allocate(t, input.targetId, rows.length);
        const targetUids = rows.map((_, i) => firstUid + i);
        await this.deps.models.MailboxMessage.bulkCreate(
          rows.map((r, i) => ({
            mailboxId: input.targetId,
            uid: targetUids[i],
            messageId: toNumber(r.message_id),
            documentId: (r.document_id as string | null) ?? null,
            flags: String(r.flags),
            modseq,
            internalDate: toDate(r.internal_date),
          })),
          { transaction: t },
        );
        const expungeModseq = input.move ? await this.removeRows(t, input.sourceId, rows.map((r) => ({ id: toNumber(r.id), uid: toNumber(r.uid) }))) : null;
        const filed = input.filing ? await this.file(t, input.filing, target.agencyId, rows) : [];
        return { sourceUids: rows.map((r) => toNumber(r.uid)), targetUids, targetUidValidity: uidValidity, expungeModseq, targetModseq: modseq, filed };
      },
    });
  }

  private async file(t: Transaction, plan: FilingPlan, agencyId: string, rows: Record<string, unknown>[]): Promise<FiledDocument[]> {
    const filed: FiledDocument[] = [];
    const done = new Set<string>();
    for (const row of rows) {
      const documentId = (row.document_id as string | null) ?? null;
      const doc = documentId ? plan.documents.get(documentId) : undefined;
      if (!documentId || !doc || done.has(documentId)) continue;
      done.add(documentId);
      const entry = await this.deps.register.changeIncomingStatus(t, {
        agencyId,
        documentId,
        from: ['01'],
        to: plan.status,
        actor: plan.actor,
        note: doc.note,
        at: plan.at,
      });
      if (!entry) continue;
      const notice = await this.deps.register.recordNotice(t, {
        documentId,
        agencyId: doc.senderAgencyId,
        folder: doc.noticeFolder,
        blobSha256: doc.notice.blob.sha256,
        blobSize: doc.notice.blob.size,
        structure: doc.notice.structure ? JSON.stringify(doc.notice.structure) : null,
        header: doc.notice.header,
        at: plan.at,
      });
      filed.push({ documentId, status: plan.status, notice });
    }
    return filed;
  }

  async append(input: AppendInput): Promise<{ uid: number; uidValidity: number; modseq: number }> {
    const { uids, uidValidity, modseq } = await this.appendMany([input]);
    return { uid: uids[0], uidValidity, modseq };
  }

  async appendMany(inputs: AppendInput[]): Promise<{ uids: number[]; uidValidity: number; modseq: number }> {
    const mailboxId = inputs[0].mailboxId;
    if (inputs.some((i) => i.mailboxId !== mailboxId)) throw new Error('appendMany: one mailbox per call');
    // Blobs are content-addressed: one left behind by a failed transaction is unreferenced, not wrong.
    const syncDirs = [...new Set((await Promise.all(inputs.map((i) => this.deps.blobs.adopt(i.tempPath, i.sha256)))).flat())];
    return this.deps.writes.submit({
      syncDirs,
      run: async (t) => {
        const { firstUid, modseq, uidValidity } = await this.allocate(t, mailboxId, inputs.length);
        const uids: number[] = [];
        for (const [n, input] of inputs.entries()) {
          const message = await this.deps.models.Message.create(
            {
              blobSha256: input.sha256,
              blobSize: input.size,
              prefix: '',
              size: input.size,
              origin: input.origin ?? null,
              structure: input.structure ? JSON.stringify(input.structure) : null,
              header: input.header,
              createdAt: input.internalDate,
            },
            { transaction: t },
          );
          await this.deps.models.MailboxMessage.create(
            {
              mailboxId,
              uid: firstUid + n,
              messageId: message.get('id') as number,
              documentId: null,
              flags: JSON.stringify(input.flags),
              modseq,
              internalDate: input.internalDate,
            },
            { transaction: t },
          );
          uids.push(firstUid + n);
        }
        return { uids, uidValidity, modseq };
      },
    });
  }
}

export const NOTICE_FOLDER = FOLDERS.notices.name;

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
