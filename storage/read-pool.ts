// Reads that many sessions run at once (IMAP FETCH and SEARCH over a large mailbox) on a few read-only
// SQLite connections: sequelize's SQLite dialect has one connection and runs its queries one after the
// other, while WAL lets readers run side by side (and beside the writer). On PostgreSQL sequelize's
// own pool already reads in parallel, so reads go through it.

import type { Sequelize } from 'sequelize';
import { positional, query, sqliteValue, type NamedParams } from './sql.js';

interface SqliteDatabase {
  all(sql: string, params: unknown[], callback: (err: Error | null, rows: Record<string, unknown>[]) => void): void;
  configure(option: 'busyTimeout', value: number): void;
  close(callback?: (err: Error | null) => void): void;
}

interface SqliteModule {
  Database: new (file: string, mode: number, callback: (err: Error | null) => void) => SqliteDatabase;
  OPEN_READONLY: number;
}

export class ReadPool {
  private next = 0;

  private constructor(
    private readonly connections: SqliteDatabase[],
    private readonly sequelize: Sequelize,
  ) {}

  /** A pool of `size` read-only connections to an SQLite file; for other databases, sequelize's pool. */
  static async open(sequelize: Sequelize, storage: string | null, size = 4): Promise<ReadPool> {
    if (sequelize.getDialect() !== 'sqlite' || !storage || storage === ':memory:') return new ReadPool([], sequelize);
    const sqlite3 = (await import('sqlite3')).default as unknown as SqliteModule;
    const connections: SqliteDatabase[] = [];
    for (let i = 0; i < size; i++) {
      connections.push(
        await new Promise<SqliteDatabase>((resolve, reject) => {
          const db = new sqlite3.Database(storage, sqlite3.OPEN_READONLY, (err) => (err ? reject(err) : resolve(db)));
        }),
      );
      connections[i].configure('busyTimeout', 15_000);
    }
    return new ReadPool(connections, sequelize);
  }

  async query<T extends object = Record<string, unknown>>(sql: string, params: NamedParams = {}): Promise<T[]> {
    if (this.connections.length === 0) {
      return query<T>(this.sequelize, sql, params);
    }
    const { sql: text, values } = positional(sql, params);
    const connection = this.connections[this.next];
    this.next = (this.next + 1) % this.connections.length;
    return new Promise((resolve, reject) => connection.all(text, values.map(sqliteValue), (err, rows) => (err ? reject(err) : resolve((rows ?? []) as T[]))));
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
    this.connections.length = 0;
  }
}
