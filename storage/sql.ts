// Plain SQL for the hot write path, run on the transaction's own driver connection (sqlite3 or pg):
// one multi-row INSERT instead of one sequelize model call per row, and no per-query ORM overhead
// (sequelize formats a stack trace for every SQLite query). Values are stored exactly as the models
// store them: on SQLite, dates as "YYYY-MM-DD HH:mm:ss.SSS +00:00" and booleans as 1/0.

import type { Sequelize, Transaction } from 'sequelize';

export type SqlValue = string | number | boolean | Date | Buffer | null | undefined;

interface SqliteConnection {
  all(sql: string, params: unknown[], callback: (err: Error | null, rows: Record<string, unknown>[]) => void): void;
}

interface PgConnection {
  query(sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export function sqliteValue(value: SqlValue): string | number | Buffer | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', ' +00:00');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** Runs one statement with `?` placeholders in transaction `t`; returns its rows (RETURNING or SELECT). */
export async function runSql(sequelize: Sequelize, t: Transaction, sql: string, params: SqlValue[]): Promise<Record<string, unknown>[]> {
  const connection = (t as unknown as { connection: unknown }).connection;
  if (sequelize.getDialect() === 'sqlite') {
    const sqlite = connection as SqliteConnection;
    return new Promise((resolve, reject) =>
      sqlite.all(sql, params.map(sqliteValue), (err, rows) => (err ? reject(err) : resolve(rows ?? []))),
    );
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  const result = await (connection as PgConnection).query(text, params.map((v) => (v === undefined ? null : v)));
  return result.rows;
}

export async function insertRows(
  sequelize: Sequelize,
  t: Transaction,
  table: string,
  columns: string[],
  rows: SqlValue[][],
  returning: string[] = [],
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql =
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}` +
    (returning.length > 0 ? ` RETURNING ${returning.join(', ')}` : '');
  return runSql(sequelize, t, sql, rows.flat());
}
