// Register numbers: consecutive per agency, per book, per calendar year, assigned inside the
// transaction that writes the entry, so a rollback leaves no gap and concurrent writers no duplicate
// (SQLite: one writer at a time; PostgreSQL: the UPDATE takes the counter row's lock).

import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { toNumber } from '../models.js';
import type { RegisterBook } from '../rows.js';

export async function nextRegisterNumber(sequelize: Sequelize, t: Transaction, agencyId: string, book: RegisterBook, year: number): Promise<number> {
  const key = { agencyId, book, year };
  await sequelize.query(
    'INSERT INTO register_counters (agency_id, book, year, last_number) VALUES (:agencyId, :book, :year, 0) ON CONFLICT DO NOTHING',
    { replacements: key, transaction: t },
  );
  const rows = await sequelize.query<{ last_number: unknown }>(
    'UPDATE register_counters SET last_number = last_number + 1 WHERE agency_id = :agencyId AND book = :book AND year = :year RETURNING last_number',
    { replacements: key, type: QueryTypes.SELECT, transaction: t },
  );
  return toNumber(rows[0].last_number);
}

/** The calendar year of an instant in the register's time zone (Vietnam: UTC+7). */
export function registerYear(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(at));
}
