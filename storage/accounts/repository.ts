// Clerk accounts and the failure counters behind the lockout: per account+address, and per address
// across all accounts (the row whose email is ANY_ACCOUNT), against password spraying.

import { Op, type Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { AccountRow, AuthFailureRow } from '../rows.js';

/** The auth_failures email of an address's budget across accounts (never a valid address). */
export const ANY_ACCOUNT = '*';

export interface ActiveLock {
  email: string;
  remoteAddress: string;
  lockedUntil: Date;
}

export class AccountRepository {
  constructor(private readonly models: Models) {}

  async find(email: string): Promise<AccountRow | null> {
    const row = await this.models.Account.findOne({ where: { email: email.toLowerCase() } });
    return row ? row.get({ plain: true }) : null;
  }

  async list(agencyId?: string): Promise<AccountRow[]> {
    const rows = await this.models.Account.findAll({ where: agencyId ? { agencyId } : {}, order: [['agencyId', 'ASC'], ['email', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  async count(): Promise<number> {
    return this.models.Account.count();
  }

  async create(t: Transaction, input: { email: string; agencyId: string; passwordHash: string; mustChangePassword: boolean; now: Date }): Promise<AccountRow> {
    const row = await this.models.Account.create(
      {
        email: input.email.toLowerCase(),
        agencyId: input.agencyId,
        passwordHash: input.passwordHash,
        mustChangePassword: input.mustChangePassword,
        disabled: false,
        passwordChangedAt: input.mustChangePassword ? null : input.now,
        createdAt: input.now,
        updatedAt: input.now,
      },
      { transaction: t },
    );
    return row.get({ plain: true });
  }

  async setPassword(t: Transaction, email: string, passwordHash: string, mustChangePassword: boolean, now: Date): Promise<boolean> {
    const [count] = await this.models.Account.update(
      { passwordHash, mustChangePassword, passwordChangedAt: mustChangePassword ? null : now, updatedAt: now },
      { where: { email: email.toLowerCase() }, transaction: t },
    );
    return count > 0;
  }

  /** Disables the account for good (`account remove`): it can never log in, its rows and history stay. */
  async remove(t: Transaction, email: string, now: Date): Promise<boolean> {
    const [count] = await this.models.Account.update({ disabled: true, removedAt: now, updatedAt: now }, { where: { email: email.toLowerCase() }, transaction: t });
    await this.models.AuthFailure.destroy({ where: { email: email.toLowerCase() }, transaction: t });
    return count > 0;
  }

  /** Temporary locks still in force (failed logins), per account+address and per address (ANY_ACCOUNT). */
  async activeLocks(now: Date): Promise<ActiveLock[]> {
    const rows = await this.models.AuthFailure.findAll({ where: { lockedUntil: { [Op.gt]: now } }, order: [['lockedUntil', 'DESC']] });
    return rows.map((r) => r.get({ plain: true })).map((r) => ({ email: r.email, remoteAddress: r.remoteAddress, lockedUntil: r.lockedUntil! }));
  }

  async setDisabled(t: Transaction, email: string, disabled: boolean, now: Date): Promise<boolean> {
    const [count] = await this.models.Account.update({ disabled, updatedAt: now }, { where: { email: email.toLowerCase() }, transaction: t });
    if (!disabled) await this.models.AuthFailure.destroy({ where: { email: email.toLowerCase() }, transaction: t });
    return count > 0;
  }

  async failure(email: string, remoteAddress: string): Promise<AuthFailureRow | null> {
    const row = await this.models.AuthFailure.findOne({ where: { email: email.toLowerCase(), remoteAddress } });
    return row ? row.get({ plain: true }) : null;
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
    const existing = await this.models.AuthFailure.findOne({ where: key, transaction: t });
    const previous = existing?.get({ plain: true });
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
    if (existing) await this.models.AuthFailure.update(row, { where: key, transaction: t });
    else await this.models.AuthFailure.create(row, { transaction: t });
    return row;
  }

  /** Ends an expired temporary lock; the failure count stays for its window. */
  async endLock(t: Transaction, email: string, remoteAddress: string): Promise<void> {
    await this.models.AuthFailure.update({ lockedUntil: null }, { where: { email: email.toLowerCase(), remoteAddress }, transaction: t });
  }

  async clearFailures(t: Transaction, email: string, remoteAddress: string): Promise<void> {
    await this.models.AuthFailure.destroy({ where: { email: email.toLowerCase(), remoteAddress }, transaction: t });
  }

  async purgeExpiredFailures(t: Transaction, now: Date, windowMs: number): Promise<void> {
    await this.models.AuthFailure.destroy({
      where: {
        windowStart: { [Op.lt]: new Date(now.getTime() - windowMs) },
        [Op.or]: [{ lockedUntil: null }, { lockedUntil: { [Op.lt]: now } }],
      },
      transaction: t,
    });
  }
}
