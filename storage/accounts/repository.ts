// Clerk accounts and the per account+address failure counters behind the lockout.

import { Op, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { AccountRow, AuthFailureRow } from '../rows.js';
import { execute, insertRows, query, rowOf } from '../sql.js';

export class AccountRepository {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: Models,
  ) {}

  // Every login reads these with the name the client typed: bound queries, not finders (whose SQLite
  // escaping inlines the value as a literal).
  async find(email: string): Promise<AccountRow | null> {
    const [row] = await query(this.sequelize, 'SELECT * FROM accounts WHERE email = :email', { email: email.toLowerCase() });
    return row ? rowOf<AccountRow>(this.models.Account, row) : null;
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

  async failure(email: string, remoteAddress: string, t?: Transaction): Promise<AuthFailureRow | null> {
    const [row] = await query(this.sequelize, 'SELECT * FROM auth_failures WHERE email = :email AND remote_address = :remoteAddress', { email: email.toLowerCase(), remoteAddress }, t);
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
      lockedUntil: failures >= limits.maxFailures ? new Date(now.getTime() + limits.lockMs) : (previous?.lockedUntil ?? null),
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

  async clearFailures(t: Transaction, email: string, remoteAddress: string): Promise<void> {
    await execute(this.sequelize, 'DELETE FROM auth_failures WHERE email = :email AND remote_address = :remoteAddress', { email: email.toLowerCase(), remoteAddress }, t);
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
