// Plain SQL for the hot write path: one multi-row INSERT instead of one sequelize model call per row.
// Values go through sequelize's escaping (replacements), so dates and booleans are stored exactly as
// the models store them, on SQLite and PostgreSQL alike.

import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export async function insertRows(
  sequelize: Sequelize,
  t: Transaction,
  table: string,
  columns: string[],
  rows: unknown[][],
  returning: string[] = [],
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql =
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}` +
    (returning.length > 0 ? ` RETURNING ${returning.join(', ')}` : '');
  const replacements = rows.flat().map((v) => (v === undefined ? null : v));
  if (returning.length === 0) {
    await sequelize.query(sql, { replacements, transaction: t, type: QueryTypes.INSERT });
    return [];
  }
  return queryReturning(sequelize, t, sql, replacements);
}

/**
 * Runs a writing statement with RETURNING and gives its rows. sequelize's SQLite dialect executes any
 * statement starting with "insert into" with run(), which drops RETURNING rows; a leading comment makes
 * it use all(). PostgreSQL does not care.
 */
export function queryReturning<Row extends object = Record<string, unknown>>(
  sequelize: Sequelize,
  t: Transaction,
  sql: string,
  replacements: unknown[] | Record<string, unknown>,
): Promise<Row[]> {
  return sequelize.query<Row>(`/* returning */ ${sql}`, { replacements, transaction: t, type: QueryTypes.SELECT });
}
