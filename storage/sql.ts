// The one way storage runs its own SQL: statements with `:name` placeholders whose values always travel
// as bound parameters (never inlined): through sequelize's public `query` with `bind` and the caller's
// transaction, or, for SQLite write transactions, on the writer connection storage/db.ts declares. Values are stored exactly as the models store them: on
// SQLite, dates as "YYYY-MM-DD HH:mm:ss.SSS +00:00" and booleans as 1/0.

import { QueryTypes, type ModelStatic, type Model, type Sequelize, type Transaction } from 'sequelize';

export type SqlValue = string | number | boolean | Date | Buffer | null | undefined;

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

export function sqliteValue(value: SqlValue): string | number | Buffer | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', ' +00:00');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** The driver connection SQLite write transactions run on (storage/db.ts keeps one for all of them). */
interface SqliteDriver {
  all(sql: string, params: unknown[], callback: (err: Error | null, rows: Record<string, unknown>[]) => void): void;
}

const writers = new WeakMap<Sequelize, () => Promise<SqliteDriver>>();

/**
 * Declares the connection every transaction of this SQLite database runs on (storage/db.ts routes all
 * transactions to one writer through sequelize's connection manager). Statements in a transaction then
 * go straight to that driver connection: sequelize's query() costs the hot write path half its
 * throughput on SQLite (a stack trace and a log record per statement; measured in README).
 */
export function useSqliteWriter(sequelize: Sequelize, writer: () => Promise<SqliteDriver>): void {
  writers.set(sequelize, writer);
}

/** `text` has `?` placeholders, `values` their values in order. */
async function run<T extends object>(sequelize: Sequelize, text: string, values: SqlValue[], t: Transaction | undefined): Promise<T[]> {
  if (sequelize.getDialect() === 'sqlite') {
    const writer = t ? writers.get(sequelize) : undefined;
    if (writer) {
      const connection = await writer();
      return new Promise((resolve, reject) => connection.all(text, values.map(sqliteValue), (err, rows) => (err ? reject(err) : resolve((rows ?? []) as T[]))));
    }
  }
  let n = 0;
  const numbered = text.replace(/\?/g, () => `$${++n}`);
  const bind = sequelize.getDialect() === 'sqlite' ? values.map(sqliteValue) : values.map((v) => (v === undefined ? null : v));
  // QueryTypes.SELECT makes sequelize hand back the rows, for a SELECT or any statement with RETURNING.
  // Its SQLite dialect picks the driver call by sniffing the (trimmed) text: a statement starting
  // "INSERT INTO" goes to the driver's run(), which returns no rows, anything else to all(). The leading
  // comment keeps an INSERT's RETURNING rows (test/unit/storage/bound-query.test.ts pins it).
  return sequelize.query<T>(`/* rows */ ${numbered}`, { bind, type: QueryTypes.SELECT, transaction: t });
}

/** The rows of a SELECT, or of a statement with RETURNING. */
export async function query<T extends object = Record<string, unknown>>(sequelize: Sequelize, sql: string, params: NamedParams, t?: Transaction): Promise<T[]> {
  const { sql: text, values } = positional(sql, params, 'question');
  return run<T>(sequelize, text, values, t);
}

/** A statement whose rows are not wanted (UPDATE, DELETE, INSERT without RETURNING). */
export async function execute(sequelize: Sequelize, sql: string, params: NamedParams, t?: Transaction): Promise<void> {
  await query(sequelize, sql, params, t);
}

/** The table and `attribute → column` list of a model: each table is described once, in storage/models.ts. */
function columnsOf(model: ModelStatic<Model>): { table: string; columns: Map<string, string> } {
  const columns = new Map<string, string>();
  for (const [attribute, definition] of Object.entries(model.getAttributes())) columns.set(attribute, definition.field ?? attribute);
  return { table: model.getTableName() as string, columns };
}

/**
 * A raw row (keyed by column) as the model's row type: attributes by name, and values as the model
 * returns them (PostgreSQL BIGINT strings and SQLite integers become numbers, SQLite 0/1 booleans and
 * date text become booleans and Dates), so a bound query can stand in for a finder.
 */
export function rowOf<Row extends object>(model: ModelStatic<Model>, record: Record<string, unknown>): Row {
  const out: Record<string, unknown> = {};
  for (const [attribute, definition] of Object.entries(model.getAttributes())) {
    const value = record[definition.field ?? attribute];
    const type = (definition.type as { key?: string }).key;
    if (value === null || value === undefined) out[attribute] = value ?? null;
    else if (type === 'DATE') out[attribute] = value instanceof Date ? value : new Date(value as string | number);
    else if (type === 'BOOLEAN') out[attribute] = value === true || value === 1 || value === '1' || value === 't' || value === 'true';
    else if (type === 'INTEGER' || type === 'BIGINT') out[attribute] = typeof value === 'number' ? value : Number(value);
    else out[attribute] = value;
  }
  return out as Row;
}

/**
 * One multi-row INSERT into a model's table. Rows are objects keyed by the model's attributes (the row
 * types of storage/rows.ts); the columns are the model's attributes the first row has (every row must
 * have the same), in the model's order. `returning` names attributes; returned rows are keyed by column.
 */
export async function insertRows<Row extends object>(
  sequelize: Sequelize,
  t: Transaction,
  model: ModelStatic<Model>,
  rows: Row[],
  returning: string[] = [],
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const { table, columns } = columnsOf(model);
  const first = rows[0] as Record<string, unknown>;
  const attributes = [...columns.keys()].filter((a) => a in first);
  const column = (attribute: string) => {
    const name = columns.get(attribute);
    if (!name) throw new Error(`${table} has no attribute ${attribute}`);
    return name;
  };
  const names = attributes.map(column);
  const values: SqlValue[] = [];
  const tuples = rows.map((row) => {
    const record = row as Record<string, SqlValue>;
    return `(${attributes.map((a) => (values.push(record[a]), '?')).join(', ')})`;
  });
  const sql =
    `INSERT INTO ${table} (${names.join(', ')}) VALUES ${tuples.join(', ')}` + (returning.length > 0 ? ` RETURNING ${returning.map(column).join(', ')}` : '');
  return run(sequelize, sql, values, t);
}

/**
 * Inserts a model's rows and returns their ids in the order given. RETURNING order is not promised, so
 * rows are mapped back by `key`, an attribute whose values tell them apart; when two rows share a value,
 * the rows are inserted one at a time instead.
 */
export async function insertRowsReturningIds<Row extends object>(
  sequelize: Sequelize,
  t: Transaction,
  model: ModelStatic<Model>,
  rows: Row[],
  key: keyof Row & string,
): Promise<number[]> {
  const keyOf = (row: Row) => String(row[key]);
  if (new Set(rows.map(keyOf)).size !== rows.length) {
    const ids: number[] = [];
    for (const row of rows) ids.push(Number((await insertRows(sequelize, t, model, [row], ['id']))[0].id));
    return ids;
  }
  const column = columnsOf(model).columns.get(key)!;
  const returned = await insertRows(sequelize, t, model, rows, ['id', key]);
  const byKey = new Map(returned.map((r) => [String(r[column]), Number(r.id)]));
  return rows.map((row) => {
    const id = byKey.get(keyOf(row));
    if (id === undefined) throw new Error(`${columnsOf(model).table} row ${key}=${keyOf(row)} not returned`);
    return id;
  });
}

/**
 * One multi-row INSERT into a table that has no model (an index table, the job queue): the columns as
 * given, every value bound.
 */
export async function insertValues(sequelize: Sequelize, t: Transaction, table: string, columns: readonly string[], rows: SqlValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.flat();
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  await run(sequelize, `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`, values, t);
}

/** PostgreSQL array types of the model attribute types a bulk load sends as columns. */
const PG_ARRAY_TYPES: Record<string, string> = {
  STRING: 'text[]',
  TEXT: 'text[]',
  INTEGER: 'int[]',
  BIGINT: 'bigint[]',
  BOOLEAN: 'boolean[]',
  DATE: 'timestamptz[]',
  BLOB: 'bytea[]',
};

/**
 * Bulk load of a model's rows (as insertRows). On PostgreSQL the rows travel as one array per column,
 * `INSERT … SELECT * FROM unnest(…)`: one small statement however many rows, where a multi-row VALUES of
 * 65,000 parameters took PostgreSQL 2.3 times as long to parse and plan (measured in bench
 * register-scale's seed). SQLite has no arrays: multi-row VALUES chunks within its parameter limit.
 */
export async function bulkInsertRows<Row extends object>(sequelize: Sequelize, t: Transaction, model: ModelStatic<Model>, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  if (sequelize.getDialect() !== 'postgres') {
    const per = Math.max(1, Math.floor(32_000 / Object.keys(rows[0]).length));
    for (let i = 0; i < rows.length; i += per) await insertRows(sequelize, t, model, rows.slice(i, i + per));
    return;
  }
  const attributes = model.getAttributes();
  const present = Object.keys(rows[0]).filter((a) => a in attributes);
  const types = present.map((a) => {
    const key = (attributes[a].type as { key?: string }).key ?? '';
    const type = PG_ARRAY_TYPES[key];
    if (!type) throw new Error(`bulkInsertRows: no array type for ${key} (${a})`);
    return type;
  });
  const columns = present.map((a) => attributes[a].field ?? a);
  const arrays = present.map((a) => rows.map((r) => (r as Record<string, SqlValue>)[a] ?? null));
  await unnestInsert(sequelize, t, model.getTableName() as string, columns, types, arrays);
}

/** Bulk load into a table without a model, every column text (an index table): as bulkInsertRows. */
export async function bulkInsertValues(sequelize: Sequelize, t: Transaction, table: string, columns: readonly string[], rows: string[][]): Promise<void> {
  if (rows.length === 0) return;
  if (sequelize.getDialect() !== 'postgres') {
    const per = Math.floor(32_000 / columns.length);
    for (let i = 0; i < rows.length; i += per) await insertValues(sequelize, t, table, columns, rows.slice(i, i + per));
    return;
  }
  const arrays = columns.map((_, j) => rows.map((r) => r[j]));
  await unnestInsert(
    sequelize,
    t,
    table,
    columns,
    columns.map(() => 'text[]'),
    arrays,
  );
}

async function unnestInsert(sequelize: Sequelize, t: Transaction, table: string, columns: string[] | readonly string[], types: string[], arrays: unknown[][]) {
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}`).join(', ')})`;
  await sequelize.query(sql, { bind: arrays, transaction: t });
}
