// Clerk accounts and the per account+address failure counters behind the lockout.

import { Op, type Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { AccountRow, AuthFailureRow } from '../rows.js';

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
      lockedUntil: failures >= limits.maxFailures ? new Date(now.getTime() + limits.lockMs) : (previous?.lockedUntil ?? null),
    };
    if (existing) await this.models.AuthFailure.update(row, { where: key, transaction: t });
    else await this.models.AuthFailure.create(row, { transaction: t });
    return row;
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
