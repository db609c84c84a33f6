// Register numbers: consecutive per agency, per book, per calendar year, assigned inside the
// transaction that writes the entry, so a rollback leaves no gap and concurrent writers no duplicate
// (SQLite: one writer at a time; PostgreSQL: the UPDATE takes the counter row's lock).

import type { Sequelize, Transaction } from 'sequelize';
import { query } from '../sql.js';
import { toNumber } from '../models.js';
import type { RegisterBook } from '../rows.js';

/** Reserves `count` consecutive numbers of a book; returns the last one (the first is last - count + 1). */
export async function reserveRegisterNumbers(
  sequelize: Sequelize,
  t: Transaction,
  agencyId: string,
  book: RegisterBook,
  year: number,
  count: number,
): Promise<number> {
  const rows = await query<{ last_number: unknown }>(
    sequelize,
    'INSERT INTO register_counters (agency_id, book, year, last_number) VALUES (:agencyId, :book, :year, :count) ' +
      'ON CONFLICT (agency_id, book, year) DO UPDATE SET last_number = register_counters.last_number + :count RETURNING last_number',
    { agencyId, book, year, count },
    t,
  );
  return toNumber(rows[0].last_number);
}
