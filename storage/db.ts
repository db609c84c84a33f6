// Opens the database (SQLite by default, PostgreSQL for scale-out) and brings its schema up to date.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Sequelize, Transaction, type Options } from 'sequelize';
import type { Logger } from '../config/log.js';
import { migrate } from './migrations/index.js';
import { defineModels, type Models } from './models.js';
import { query, useSqliteWriter } from './sql.js';

type Dialect = 'sqlite' | 'postgres';

export interface Database {
  sequelize: Sequelize;
  dialect: Dialect;
  /** The SQLite file (null for PostgreSQL and in-memory databases). */
  storagePath: string | null;
  models: Models;
  /** Begins a write transaction in the form the dialect needs (SQLite: IMMEDIATE, so writers never deadlock). */
  transaction<T>(work: (t: Transaction) => Promise<T>): Promise<T>;
  /** Connections of the PostgreSQL pool now (null on SQLite, which has its own writer and read pool). */
  poolStats(): { used: number; idle: number; waiting: number } | null;
  /** Answers when the database does (readiness); rejects when it does not within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** What sequelize-pool tells of itself (sequelize keeps it behind connectionManager.pool). */
interface PoolCounts {
  using: number;
  available: number;
  waiting: number;
}

interface SqliteConnection {
  configure(option: 'busyTimeout', value: number): void;
  run(sql: string, cb?: (err: Error | null) => void): void;
  all(sql: string, params: unknown[], callback: (err: Error | null, rows: Record<string, unknown>[]) => void): void;
  __docgateConfigured?: boolean;
}

const BUSY_TIMEOUT_MS = 15_000;

/** sqlite:relative/path (under dataDir), sqlite:/absolute/path, sqlite::memory:, postgres://… */
function describeDatabaseUrl(url: string, dataDir: string): { dialect: Dialect; storage?: string; url?: string } {
  if (url.startsWith('sqlite:')) {
    const target = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (target === ':memory:') return { dialect: 'sqlite', storage: ':memory:' };
    return { dialect: 'sqlite', storage: path.isAbsolute(target) ? target : path.join(dataDir, target || 'docgate.sqlite') };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  throw new Error(`unsupported database URL: ${url}`);
}

/**
 * sequelize's SQLite dialect opens (and afterwards closes) a new connection for every transaction and
 * offers no connect hook. docgate's writes all pass through one serialized WriteQueue, so transactions
 * share one long-lived writer connection instead; every connection gets a busy timeout and full
 * synchronous mode (WAL is a property of the file).
 */
function configureSqliteConnections(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as {
    getConnection(options?: { uuid?: string }): Promise<SqliteConnection>;
    releaseConnection(connection: SqliteConnection, force?: boolean): unknown;
  };
  const getConnection = manager.getConnection.bind(manager);
  const releaseConnection = manager.releaseConnection.bind(manager);
  let writer: Promise<SqliteConnection> | null = null;
  const configure = async (pending: Promise<SqliteConnection>) => {
    const connection = await pending;
    if (!connection.__docgateConfigured) {
      connection.__docgateConfigured = true;
      connection.configure('busyTimeout', BUSY_TIMEOUT_MS);
      connection.run('PRAGMA synchronous = FULL');
    }
    return connection;
  };
  manager.getConnection = (options?: { uuid?: string }) => {
    const inTransaction = options?.uuid !== undefined && options.uuid !== 'default';
    if (!inTransaction) return configure(getConnection(options));
    writer ??= configure(getConnection({ ...options, uuid: 'docgate-writer' }));
    return writer;
  };
  manager.releaseConnection = (connection: SqliteConnection, force?: boolean) => {
    if (!force && writer && (connection as unknown as { uuid?: string }).uuid !== 'default') {
      // The writer connection outlives its transactions; sequelize.close() closes it with force.
      return undefined;
    }
    return releaseConnection(connection, force);
  };
  // Statements of storage/sql.ts inside a transaction run on this same connection, without the ORM.
  useSqliteWriter(sequelize, () => (writer ??= configure(getConnection({ uuid: 'docgate-writer' }))));
}

export async function openDatabase(url: string, dataDir: string, log: Logger): Promise<Database> {
  const target = describeDatabaseUrl(url, dataDir);
  const common: Options = {
    logging: (sql: string) => log.debug('sql', { sql: sql.slice(0, 500) }),
    define: { underscored: true, timestamps: false, freezeTableName: true },
  };
  let sequelize: Sequelize;
  if (target.dialect === 'sqlite') {
    if (target.storage !== ':memory:') mkdirSync(path.dirname(target.storage!), { recursive: true });
    sequelize = new Sequelize({ ...common, dialect: 'sqlite', storage: target.storage, pool: { max: 1, min: 0 } });
    configureSqliteConnections(sequelize);
    if (target.storage !== ':memory:') await sequelize.query('PRAGMA journal_mode = WAL');
  } else {
    sequelize = new Sequelize(target.url!, {
      ...common,
      dialect: 'postgres',
      pool: { max: 10, min: 0, idle: 10_000 },
    });
  }
  await sequelize.authenticate();
  await migrate(sequelize, log);
  const models = defineModels(sequelize);
  const dialect = target.dialect;
  return {
    sequelize,
    dialect,
    storagePath: target.dialect === 'sqlite' && target.storage !== ':memory:' ? target.storage! : null,
    models,
    transaction: <T>(work: (t: Transaction) => Promise<T>) =>
      sequelize.transaction(
        dialect === 'sqlite' ? { type: Transaction.TYPES.IMMEDIATE } : { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED },
        work,
      ),
    poolStats() {
      if (dialect !== 'postgres') return null;
      const pool = (sequelize.connectionManager as unknown as { pool?: PoolCounts }).pool;
      return pool ? { used: pool.using, idle: pool.available, waiting: pool.waiting } : null;
    },
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`database did not answer in ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([query(sequelize, 'SELECT 1 AS ok', {}), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => sequelize.close(),
  };
}
