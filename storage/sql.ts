// Plain SQL for the hot write path, run on the transaction's own driver connection (sqlite3 or pg):
// one multi-row INSERT instead of one sequelize model call per row, and no per-query ORM overhead
// (sequelize formats a stack trace for every SQLite query). Values are stored exactly as the models
// store them: on SQLite, dates as "YYYY-MM-DD HH:mm:ss.SSS +00:00" and booleans as 1/0.

import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export type SqlValue = string | number | boolean | Date | Buffer | null | undefined;

interface SqliteConnection {
  all(sql: string, params: unknown[], callback: (err: Error | null, rows: Record<string, unknown>[]) => void): void;
}

interface PgConnection {
  query(sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** Values for `:name` placeholders; an array becomes a list (`IN (:ids)`). */
export type NamedParams = Record<string, SqlValue | SqlValue[]>;

/**
 * `:name` placeholders → driver placeholders (`?` or `$n`) and their values, so every value travels
 * as a bound parameter: escaped literals broke on a NUL in a client's text before.
 */
export function positional(sql: string, params: NamedParams, style: 'question' | 'numbered' = 'question'): { sql: string; values: SqlValue[] } {
  const values: SqlValue[] = [];
  const placeholder = () => (style === 'question' ? '?' : `$${values.length}`);
  const text = sql.replace(/(?<!:):([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for :${name}`);
    const value = params[name];
    if (Array.isArray(value)) {
      if (value.length === 0) return 'NULL';
      return value.map((v) => (values.push(v), placeholder())).join(', ');
    }
    values.push(value);
    return placeholder();
  });
  return { sql: text, values };
}

/** A statement with `:name` placeholders run through sequelize with bound parameters (never inlined). */
export async function boundQuery<T extends object = Record<string, unknown>>(
  sequelize: Sequelize,
  sql: string,
  params: NamedParams,
  options: { transaction?: Transaction; select?: boolean } = {},
): Promise<T[]> {
  const { sql: text, values } = positional(sql, params, 'numbered');
  const bind = sequelize.getDialect() === 'sqlite' ? values.map(sqliteValue) : values.map((v) => (v === undefined ? null : v));
  if (options.select === false) {
    await sequelize.query(text, { bind, transaction: options.transaction });
    return [];
  }
  return sequelize.query<T>(text, { bind, type: QueryTypes.SELECT, transaction: options.transaction });
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
