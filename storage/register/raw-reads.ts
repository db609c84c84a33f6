// Raw reads for the register's bulk walks (`register verify`, the benches): statements go straight to a
// driver connection held for the whole walk, with the values bound as storage/sql.ts binds them, and the
// rows come back as the driver gives them. sequelize's query() costs a stack trace, a log record and a
// pass over the rows per statement; a walk over millions of rows in large pages wants none of it.

import type pg from 'pg';
import type { Sequelize } from 'sequelize';
import sqlite3 from 'sqlite3';
import { positional, sqliteValue, type NamedParams } from '../sql.js';

export type RawRow = Record<string, unknown>;

export interface RawReader {
  /** The SQL dialect the statements run in (for the few queries each dialect writes its own way). */
  dialect: 'sqlite' | 'postgres';
  all(sql: string, params: NamedParams): Promise<RawRow[]>;
  release(): void;
}

interface ClosableReader extends RawReader {
  close(): Promise<void>;
}

interface SqliteConnection {
  all(sql: string, params: unknown[], callback: (err: Error | null, rows: RawRow[]) => void): void;
}

interface PgClient {
  query(text: string, values: unknown[]): Promise<{ rows: RawRow[] }>;
}

interface ConnectionManager {
  getConnection(options?: { uuid?: string }): Promise<unknown>;
  releaseConnection(connection: unknown): unknown;
}

function sqliteReader(connection: SqliteConnection, close: () => Promise<void>): ClosableReader {
  return {
    dialect: 'sqlite',
    all(sql, params) {
      const { sql: text, values } = positional(sql, params, 'question');
      return new Promise((resolve, reject) => connection.all(text, values.map(sqliteValue), (err, rows) => (err ? reject(err) : resolve(rows ?? []))));
    },
    release() {},
    close,
  };
}

function pgReader(client: PgClient, release: () => void, close: () => Promise<void>): ClosableReader {
  // One statement at a time on the client (pg queues them, but deprecates being handed a second one).
  let queue: Promise<unknown> = Promise.resolve();
  return {
    dialect: 'postgres',
    all(sql, params) {
      const { sql: text, values } = positional(sql, params, 'numbered');
      const rows = queue.then(
        async () =>
          (
            await client.query(
              text,
              values.map((v) => v ?? null),
            )
          ).rows,
      );
      queue = rows.catch(() => undefined);
      return rows;
    },
    release,
    close,
  };
}

/** A reader on one driver connection (SQLite: the connection sequelize reads on; PostgreSQL: one from the pool). */
export async function openRawReader(sequelize: Sequelize): Promise<RawReader> {
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  if (sequelize.getDialect() === 'sqlite') {
    // sequelize keeps its default SQLite connection until close().
    const connection = (await manager.getConnection({ uuid: 'default' })) as SqliteConnection;
    return sqliteReader(connection, async () => undefined);
  }
  const client = (await manager.getConnection()) as PgClient;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    manager.releaseConnection(client);
  };
  return pgReader(client, release, async () => release());
}

/** Where a reader of its own (a worker thread's) connects: the SQLite file, or PostgreSQL's settings. */
export type RawTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; client: pg.ClientConfig };

/** The target another thread reaches `sequelize`'s database at (null: an in-memory SQLite). */
export function rawTargetOf(sequelize: Sequelize): RawTarget | null {
  if (sequelize.getDialect() === 'sqlite') {
    const file = (sequelize as unknown as { options: { storage?: string } }).options.storage;
    return file && file !== ':memory:' ? { dialect: 'sqlite', file } : null;
  }
  const c = sequelize.config;
  return { dialect: 'postgres', client: { host: c.host, port: Number(c.port), database: c.database, user: c.username, password: c.password ?? undefined } };
}

/** A reader on a connection of its own (read-only on SQLite); close() ends the connection. */
export async function openRawReaderAt(target: RawTarget): Promise<ClosableReader> {
  if (target.dialect === 'sqlite') {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(target.file, sqlite3.OPEN_READONLY, (err) => (err ? reject(err) : resolve(opened)));
    });
    const close = () => new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
    return sqliteReader(db, close);
  }
  // Loaded here: a CLI run on SQLite need not pay for loading the PostgreSQL driver.
  const { default: pgDriver } = await import('pg');
  const client = new pgDriver.Client(target.client);
  await client.connect();
  return pgReader(
    client,
    () => undefined,
    () => client.end(),
  );
}
