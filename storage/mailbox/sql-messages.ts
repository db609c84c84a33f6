// Messages and flags over SQL: what SELECT, STATUS and CONDSTORE read (from the shared in-memory index
// where it can), STORE with UNCHANGEDSINCE, and EXPUNGE, which leaves tombstones for other sessions.

import type { Transaction } from 'sequelize';
import { toNumber } from '../models.js';
import { execute, insertRows } from '../sql.js';
import { applyFlags, countsOf, parseFlags, sameFlags } from './flags.js';
import { MailboxIndexCache } from './mailbox-index.js';
import { chunks, mailboxById, select, type SqlMailboxStoreDeps } from './sql-context.js';
import { MailboxStoreError, type FlagOperation, type FlagUpdate, type MailboxChanges, type MessageMeta, type MessageState } from './store.js';
import { bumpModseq } from './uids.js';

export class SqlMessages {
  private readonly index: MailboxIndexCache;

  constructor(private readonly deps: SqlMailboxStoreDeps) {
    this.index = new MailboxIndexCache(deps.reads);
  }

  async states(mailboxId: number): Promise<MessageState[]> {
    return (await this.index.all(mailboxId)).map((m) => ({ uid: m.uid, flags: m.flags, modseq: m.modseq }));
  }

  async changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges> {
    const mailbox = await mailboxById(this.deps, mailboxId);
    if (!mailbox) throw new MailboxStoreError('no-such-mailbox', `mailbox ${mailboxId}`);
    if (mailbox.highestModseq <= modseq) return { mailbox, changed: [], expunged: [] };
    const changed = await select<{ uid: unknown; flags: unknown; modseq: unknown }>(
      this.deps,
      'SELECT uid, flags, modseq FROM mailbox_messages WHERE mailbox_id = :mailboxId AND modseq > :modseq ORDER BY uid',
      { mailboxId, modseq },
    );
    const expunged = await select<{ uid: unknown }>(
      this.deps,
      'SELECT uid FROM mailbox_expunges WHERE mailbox_id = :mailboxId AND modseq > :modseq ORDER BY uid',
      {
        mailboxId,
        modseq,
      },
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
    return countsOf(await this.index.all(mailboxId));
  }

  /** The mailbox_messages rows of `uids` that exist, by UID, read in the write transaction. */
  async rowsOf(t: Transaction, mailboxId: number, uids: number[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const part of chunks([...new Set(uids)].sort((a, b) => a - b))) {
      out.push(...(await select(this.deps, 'SELECT * FROM mailbox_messages WHERE mailbox_id = :mailboxId AND uid IN (:part)', { mailboxId, part }, t)));
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
        const modseq = await bumpModseq(this.deps.sequelize, t, mailboxId);
        for (const u of updates) {
          await execute(
            this.deps.sequelize,
            'UPDATE mailbox_messages SET flags = :flags, modseq = :modseq WHERE id = :id',
            { flags: JSON.stringify(u.flags), modseq, id: u.id },
            t,
          );
          const state = { uid: u.uid, flags: u.flags, modseq };
          changed.push(state);
          present.push(state);
        }
      }
      present.sort((a, b) => a.uid - b.uid);
      return { changed, conflicts, present };
    });
  }

  /** Deletes rows and leaves tombstones, all with one new MODSEQ. */
  async removeRows(t: Transaction, mailboxId: number, rows: { id: number; uid: number }[]): Promise<number> {
    const modseq = await bumpModseq(this.deps.sequelize, t, mailboxId);
    for (const part of chunks(rows)) {
      await execute(this.deps.sequelize, 'DELETE FROM mailbox_messages WHERE id IN (:ids)', { ids: part.map((r) => r.id) }, t);
      await insertRows(
        this.deps.sequelize,
        t,
        this.deps.models.MailboxExpunge,
        part.map((r) => ({ mailboxId, uid: r.uid, modseq })),
      );
    }
    return modseq;
  }

  async expunge(mailboxId: number, uids?: number[]): Promise<{ uids: number[]; modseq: number }> {
    return this.deps.writes.run(async (t) => {
      const rows =
        uids === undefined
          ? await select(this.deps, 'SELECT id, uid, flags FROM mailbox_messages WHERE mailbox_id = :mailboxId ORDER BY uid', { mailboxId }, t)
          : await this.rowsOf(t, mailboxId, uids);
      const doomed = rows.filter((r) => parseFlags(r.flags).includes('\\Deleted')).map((r) => ({ id: toNumber(r.id), uid: toNumber(r.uid) }));
      if (doomed.length === 0) return { uids: [], modseq: 0 };
      const modseq = await this.removeRows(t, mailboxId, doomed);
      return { uids: doomed.map((r) => r.uid), modseq };
    });
  }
}
