// Clerk accounts and the failure counters behind the lockout: per account+address, and per address
// across all accounts (the row whose email is ANY_ACCOUNT), against password spraying.

import type { Sequelize, Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { AccountRole, AccountRow, AuthFailureRow } from '../rows.js';
import { toDate } from '../models.js';
import { execute, insertRows, query, rowOf } from '../sql.js';

/** The auth_failures email of an address's budget across accounts (never a valid address). */
export const ANY_ACCOUNT = '*';

export interface ActiveLock {
  email: string;
  remoteAddress: string;
  lockedUntil: Date;
}

export class AccountRepository {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: Models,
  ) {}

  // Every login reads these with the name the client typed: bound queries, not finders (whose SQLite
  // escaping inlines the value as a literal); the rest follow for one way to the database.
  async find(email: string): Promise<AccountRow | null> {
    const [row] = await query(this.sequelize, 'SELECT * FROM accounts WHERE email = :email', { email: email.toLowerCase() });
    return row ? rowOf<AccountRow>(this.models.Account, row) : null;
  }

  async findById(id: number): Promise<AccountRow | null> {
    const [row] = await query(this.sequelize, 'SELECT * FROM accounts WHERE id = :id', { id });
    return row ? rowOf<AccountRow>(this.models.Account, row) : null;
  }

  async list(agencyId?: string): Promise<AccountRow[]> {
    const rows = agencyId
      ? await query(this.sequelize, 'SELECT * FROM accounts WHERE agency_id = :agencyId ORDER BY agency_id ASC, email ASC', { agencyId })
      : await query(this.sequelize, 'SELECT * FROM accounts ORDER BY agency_id ASC, email ASC', {});
    return rows.map((r) => rowOf<AccountRow>(this.models.Account, r));
  }

  async count(): Promise<number> {
    const [row] = await query<{ n: unknown }>(this.sequelize, 'SELECT COUNT(*) AS n FROM accounts', {});
    return Number(row.n);
  }

  async create(
    t: Transaction,
    input: { email: string; agencyId: string; passwordHash: string; mustChangePassword: boolean; now: Date; role?: AccountRole },
  ): Promise<AccountRow> {
    const account: Omit<AccountRow, 'id'> = {
      email: input.email.toLowerCase(),
      agencyId: input.agencyId,
      passwordHash: input.passwordHash,
      mustChangePassword: input.mustChangePassword,
      disabled: false,
      removedAt: null,
      role: input.role ?? 'clerk',
      passwordChangedAt: input.mustChangePassword ? null : input.now,
      createdAt: input.now,
      updatedAt: input.now,
    };
    const [row] = await insertRows(this.sequelize, t, this.models.Account, [account], ['id']);
    return { id: Number(row.id), ...account };
  }

  /** Sets a new password; the one it replaces joins the account's password history. */
  async setPassword(t: Transaction, email: string, passwordHash: string, mustChangePassword: boolean, now: Date): Promise<boolean> {
    const previous = await query<{ id: unknown; password_hash: string }>(
      this.sequelize,
      'SELECT id, password_hash FROM accounts WHERE email = :email',
      { email: email.toLowerCase() },
      t,
    );
    if (previous.length > 0) {
      await execute(
        this.sequelize,
        'INSERT INTO password_history (account_id, password_hash, replaced_at) VALUES (:accountId, :hash, :now)',
        { accountId: Number(previous[0].id), hash: previous[0].password_hash, now },
        t,
      );
    }
    const changed = await query(
      this.sequelize,
      'UPDATE accounts SET password_hash = :passwordHash, must_change_password = :mustChangePassword, password_changed_at = :changedAt, updated_at = :now WHERE email = :email RETURNING id',
      { passwordHash, mustChangePassword, changedAt: mustChangePassword ? null : now, now, email: email.toLowerCase() },
      t,
    );
    return changed.length > 0;
  }

  /** The hashes of the account's last `count` replaced passwords, newest first. */
  async previousPasswordHashes(accountId: number, count: number): Promise<string[]> {
    if (count <= 0) return [];
    const rows = await query<{ password_hash: string; replaced_at: unknown }>(
      this.sequelize,
      'SELECT password_hash, replaced_at FROM password_history WHERE account_id = :accountId ORDER BY replaced_at DESC, id DESC LIMIT :count',
      { accountId, count },
    );
    return rows.sort((a, b) => toDate(b.replaced_at).getTime() - toDate(a.replaced_at).getTime()).map((r) => r.password_hash);
  }

  async setRole(t: Transaction, email: string, role: AccountRole, now: Date): Promise<boolean> {
    const changed = await query(
      this.sequelize,
      'UPDATE accounts SET role = :role, updated_at = :now WHERE email = :email RETURNING id',
      { role, now, email: email.toLowerCase() },
      t,
    );
    return changed.length > 0;
  }

  /** Disables the account for good (`account remove`): it can never log in, its rows and history stay. */
  async remove(t: Transaction, email: string, now: Date): Promise<boolean> {
    const key = { email: email.toLowerCase() };
    const changed = await query(
      this.sequelize,
      'UPDATE accounts SET disabled = :disabled, removed_at = :now, updated_at = :now WHERE email = :email RETURNING id',
      { ...key, disabled: true, now },
      t,
    );
    await execute(this.sequelize, 'DELETE FROM auth_failures WHERE email = :email', key, t);
    return changed.length > 0;
  }

  /** Temporary locks still in force (failed logins), per account+address and per address (ANY_ACCOUNT). */
  async activeLocks(now: Date): Promise<ActiveLock[]> {
    const rows = await query(this.sequelize, 'SELECT * FROM auth_failures WHERE locked_until > :now ORDER BY locked_until DESC', { now });
    return rows
      .map((r) => rowOf<AuthFailureRow>(this.models.AuthFailure, r))
      .map((r) => ({ email: r.email, remoteAddress: r.remoteAddress, lockedUntil: r.lockedUntil! }));
  }

  async setDisabled(t: Transaction, email: string, disabled: boolean, now: Date): Promise<boolean> {
    const key = { email: email.toLowerCase() };
    const changed = await query(
      this.sequelize,
      'UPDATE accounts SET disabled = :disabled, updated_at = :now WHERE email = :email RETURNING id',
      { ...key, disabled, now },
      t,
    );
    if (!disabled) await execute(this.sequelize, 'DELETE FROM auth_failures WHERE email = :email', key, t);
    return changed.length > 0;
  }

  async failure(email: string, remoteAddress: string, t?: Transaction): Promise<AuthFailureRow | null> {
    const [row] = await query(
      this.sequelize,
      'SELECT * FROM auth_failures WHERE email = :email AND remote_address = :remoteAddress',
      { email: email.toLowerCase(), remoteAddress },
      t,
    );
    return row ? rowOf<AuthFailureRow>(this.models.AuthFailure, row) : null;
  }

  /** Counts a failed login; locks the account+address once `maxFailures` fall within `windowMs`. */
  async recordFailure(
    t: Transaction,
    email: string,
    remoteAddress: string,
    now: Date,
    limits: { maxFailures: number; windowMs: number; lockMs: number },
  ): Promise<AuthFailureRow> {
    const key = { email: email.toLowerCase(), remoteAddress };
    const previous = await this.failure(email, remoteAddress, t);
    const windowOpen = previous && now.getTime() - previous.windowStart.getTime() < limits.windowMs;
    const failures = windowOpen ? previous.failures + 1 : 1;
    const row: AuthFailureRow = {
      ...key,
      failures,
      windowStart: windowOpen ? previous.windowStart : now,
      // An expired lock is not carried on: it ended (and was logged as ended) when it expired.
      lockedUntil:
        failures >= limits.maxFailures
          ? new Date(now.getTime() + limits.lockMs)
          : previous?.lockedUntil && previous.lockedUntil.getTime() > now.getTime()
            ? previous.lockedUntil
            : null,
    };
    if (previous) {
      await execute(
        this.sequelize,
        'UPDATE auth_failures SET failures = :failures, window_start = :windowStart, locked_until = :lockedUntil WHERE email = :email AND remote_address = :remoteAddress',
        { ...row },
        t,
      );
    } else {
      await insertRows(this.sequelize, t, this.models.AuthFailure, [row]);
    }
    return row;
  }

  /** Ends an expired temporary lock; the failure count stays for its window. */
  async endLock(t: Transaction, email: string, remoteAddress: string): Promise<void> {
    await this.models.AuthFailure.update({ lockedUntil: null }, { where: { email: email.toLowerCase(), remoteAddress }, transaction: t });
  }

  async clearFailures(t: Transaction, email: string, remoteAddress: string): Promise<void> {
    await execute(
      this.sequelize,
      'DELETE FROM auth_failures WHERE email = :email AND remote_address = :remoteAddress',
      { email: email.toLowerCase(), remoteAddress },
      t,
    );
  }
}
