// Raw reads for the register's bulk walks (`register verify`, the benches): statements go straight to a
// driver connection held for the whole walk, with the values bound as storage/sql.ts binds them, and the
// rows come back as the driver gives them. sequelize's query() costs a stack trace, a log record and a
// pass over the rows per statement; a walk over millions of rows in large pages wants none of it.

import type { Sequelize } from 'sequelize';
import { positional, sqliteValue, type NamedParams } from '../sql.js';

export type RawRow = Record<string, unknown>;

export interface RawReader {
  /** The SQL dialect the statements run in (for the few queries each dialect writes its own way). */
  dialect: 'sqlite' | 'postgres';
  all(sql: string, params: NamedParams): Promise<RawRow[]>;
  release(): void;
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

/** A reader on one driver connection (SQLite: the connection sequelize reads on; PostgreSQL: one from the pool). */
export async function openRawReader(sequelize: Sequelize): Promise<RawReader> {
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  if (sequelize.getDialect() === 'sqlite') {
    const connection = (await manager.getConnection({ uuid: 'default' })) as SqliteConnection;
    return {
      dialect: 'sqlite',
      all(sql, params) {
        const { sql: text, values } = positional(sql, params, 'question');
        return new Promise((resolve, reject) => connection.all(text, values.map(sqliteValue), (err, rows) => (err ? reject(err) : resolve(rows ?? []))));
      },
      release() {
        // sequelize keeps its default SQLite connection until close().
      },
    };
  }
  const client = (await manager.getConnection()) as PgClient;
  let released = false;
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
    release() {
      if (released) return;
      released = true;
      manager.releaseConnection(client);
    },
  };
}
