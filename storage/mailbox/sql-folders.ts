// Folders over SQL: list, CREATE (with a never-repeated UIDVALIDITY), DELETE, RENAME with inferiors,
// and subscriptions, which are names of their own (RFC 3501 6.3.6).

import type { Transaction } from 'sequelize';
import { toNumber } from '../models.js';
import { execute, query } from '../sql.js';
import { SPECIAL_FOLDER_NAMES } from './folders.js';
import { mailboxByName, mailboxInfo, select, type SqlMailboxStoreDeps } from './sql-context.js';
import { MailboxStoreError, type MailboxInfo } from './store.js';

export class SqlFolders {
  constructor(private readonly deps: SqlMailboxStoreDeps) {}

  async list(agencyId: string): Promise<MailboxInfo[]> {
    const rows = await select(this.deps, 'SELECT * FROM mailboxes WHERE agency_id = :agencyId ORDER BY id', { agencyId });
    return rows.map((row) => mailboxInfo(this.deps, row));
  }

  /**
   * The next UIDVALIDITY, in the caller's transaction: above the counter row (migration 006, shared by
   * every process on this database), above every existing mailbox, and at least the current second.
   */
  private async nextUidValidity(t: Transaction, now: Date): Promise<number> {
    const [max] = await select<{ v: unknown }>(this.deps, 'SELECT MAX(uid_validity) AS v FROM mailboxes', {}, t);
    const floor = Math.max(Math.floor(now.getTime() / 1000), toNumber(max?.v ?? 0) + 1);
    const rows = await query<{ last_value: unknown }>(
      this.deps.sequelize,
      'UPDATE uid_validity_counter SET last_value = CASE WHEN last_value + 1 > :floor THEN last_value + 1 ELSE :floor END WHERE id = 1 RETURNING last_value',
      { floor },
      t,
    );
    if (rows.length === 1) return toNumber(rows[0].last_value);
    await execute(this.deps.sequelize, 'INSERT INTO uid_validity_counter (id, last_value) VALUES (1, :floor)', { floor }, t);
    return floor;
  }

  async create(agencyId: string, name: string, now: Date): Promise<MailboxInfo> {
    return this.deps.writes.run(async (t) => {
      if (await mailboxByName(this.deps, agencyId, name, t)) throw new MailboxStoreError('mailbox-exists', name);
      // A re-created name must never show an old UIDVALIDITY (RFC 3501 2.3.1.1): MAX over rows goes down
      // when the newest mailbox is deleted, the counter row does not.
      const validity = await this.nextUidValidity(t, now);
      // CREATE does not subscribe (as Dovecot; RFC 3501 leaves it open): SUBSCRIBE is the client's choice.
      const [row] = await query(
        this.deps.sequelize,
        'INSERT INTO mailboxes (agency_id, name, special_use, uid_validity, uid_next, highest_modseq, created_at) ' +
          'VALUES (:agencyId, :name, NULL, :validity, 1, 1, :now) RETURNING *',
        { agencyId, name, validity, now },
        t,
      );
      return mailboxInfo(this.deps, row);
    });
  }

  private static refuseSpecial(name: string): void {
    if (SPECIAL_FOLDER_NAMES.has(name)) throw new MailboxStoreError('system-folder', name);
  }

  async delete(agencyId: string, name: string): Promise<void> {
    SqlFolders.refuseSpecial(name);
    await this.deps.writes.run(async (t) => {
      const mailbox = await mailboxByName(this.deps, agencyId, name, t);
      if (!mailbox) throw new MailboxStoreError('no-such-mailbox', name);
      for (const sql of [
        'DELETE FROM mailbox_expunges WHERE mailbox_id = :id',
        'DELETE FROM mailbox_messages WHERE mailbox_id = :id',
        'DELETE FROM mailboxes WHERE id = :id',
      ]) {
        await execute(this.deps.sequelize, sql, { id: mailbox.id }, t);
      }
    });
    this.deps.mailboxes.invalidate();
  }

  async rename(agencyId: string, from: string, to: string): Promise<void> {
    SqlFolders.refuseSpecial(from);
    if (SPECIAL_FOLDER_NAMES.has(to)) throw new MailboxStoreError('mailbox-exists', to);
    await this.deps.writes.run(async (t) => {
      const mailbox = await mailboxByName(this.deps, agencyId, from, t);
      if (!mailbox) throw new MailboxStoreError('no-such-mailbox', from);
      if (await mailboxByName(this.deps, agencyId, to, t)) throw new MailboxStoreError('mailbox-exists', to);
      // Inferior names move with their parent (RFC 3501 6.3.5).
      const all = await this.list(agencyId);
      const children = all.filter((m) => m.name.startsWith(`${from}/`));
      for (const child of children) {
        const renamed = to + child.name.slice(from.length);
        if (all.some((m) => m.name === renamed)) throw new MailboxStoreError('mailbox-exists', renamed);
      }
      for (const m of [mailbox, ...children]) {
        await execute(this.deps.sequelize, 'UPDATE mailboxes SET name = :name WHERE id = :id', { name: to + m.name.slice(from.length), id: m.id }, t);
      }
      // Subscriptions of the moved mailboxes follow them (as they did when they were a mailbox column);
      // subscriptions of names that do not exist stay where they are.
      for (const name of [from, ...children.map((c) => c.name)]) {
        const moved = await select(this.deps, 'SELECT name FROM mailbox_subscriptions WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, t);
        if (moved.length === 0) continue;
        await execute(this.deps.sequelize, 'DELETE FROM mailbox_subscriptions WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, t);
        await this.subscribe(t, agencyId, to + name.slice(from.length));
      }
    });
    this.deps.mailboxes.invalidate();
  }

  private async subscribe(t: Transaction, agencyId: string, name: string): Promise<void> {
    await execute(
      this.deps.sequelize,
      'INSERT INTO mailbox_subscriptions (agency_id, name) VALUES (:agencyId, :name) ON CONFLICT DO NOTHING',
      { agencyId, name },
      t,
    );
  }

  async setSubscribed(agencyId: string, name: string, subscribed: boolean): Promise<void> {
    await this.deps.writes.run(async (t) => {
      if (!subscribed) {
        await execute(this.deps.sequelize, 'DELETE FROM mailbox_subscriptions WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, t);
        return;
      }
      if (!(await mailboxByName(this.deps, agencyId, name, t))) throw new MailboxStoreError('no-such-mailbox', name);
      await this.subscribe(t, agencyId, name);
    });
  }

  async subscriptions(agencyId: string): Promise<string[]> {
    const rows = await select<{ name: unknown }>(this.deps, 'SELECT name FROM mailbox_subscriptions WHERE agency_id = :agencyId', { agencyId });
    return rows.map((r) => String(r.name)).sort();
  }
}
