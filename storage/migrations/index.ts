// Schema migrations, applied in order at start (umzug). The same migrations run on SQLite and PostgreSQL;
// a migration is never edited once released: add a new one.

import { Sequelize } from 'sequelize';
import type { Logger } from '../../config/log.js';
import { initialSchema } from './001-initial.js';
import { imapSchema } from './003-imap.js';
import { messageHeaderSchema } from './004-message-header.js';
import { subscriptionsSchema } from './005-subscriptions.js';
import { uidValidityCounterSchema } from './006-uidvalidity-counter.js';
import { accountRemovedSchema } from './007-account-removed.js';
import { messageOriginSchema } from './008-message-origin.js';
import { jobsSchema } from './009-jobs.js';
import { registerSearchSchema } from './010-register-search.js';
import { registerChainSchema } from './011-register-chain.js';
import { recallSchema } from './013-recall.js';
import { portalSchema } from './014-portal.js';
import { documentOriginSchema } from './015-document-origin.js';
import { imapRenderingSchema } from './016-imap-rendering.js';
import { blobStoreSchema } from './017-blob-store.js';
import { withLockFile } from './lock-file.js';

export const MIGRATIONS = [
  initialSchema,
  imapSchema,
  messageHeaderSchema,
  subscriptionsSchema,
  uidValidityCounterSchema,
  accountRemovedSchema,
  messageOriginSchema,
  jobsSchema,
  registerSearchSchema,
  registerChainSchema,
  recallSchema,
  portalSchema,
  documentOriginSchema,
  imapRenderingSchema,
  blobStoreSchema,
];

/** Arbitrary constant naming docgate's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK = 0x646f6367;

interface PgConnection {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Two processes starting at once on an empty database would both create the tables (one dies with
 * `relation "accounts" already exists`): on PostgreSQL the migrations run under a session advisory
 * lock held on one dedicated connection, on SQLite under a lock file; the second waits and then
 * finds nothing to do.
 */
async function withMigrationLock(sequelize: Sequelize, work: () => Promise<void>): Promise<void> {
  if (sequelize.getDialect() !== 'postgres') {
    const storage = (sequelize as unknown as { options: { storage?: string } }).options.storage;
    // SQLite: a lock file next to the database file (an in-memory database is never shared).
    return storage && storage !== ':memory:' ? withLockFile(`${storage}.migrate.lock`, work) : work();
  }
  const manager = sequelize.connectionManager as unknown as {
    getConnection(o: { type: 'write' }): Promise<PgConnection>;
    releaseConnection(c: PgConnection): Promise<void>;
  };
  const conn = await manager.getConnection({ type: 'write' });
  try {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await work();
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await manager.releaseConnection(conn);
  }
}

const MIGRATION_TABLE = 'schema_migrations';

/**
 * Whether every migration is already recorded. A database that is up to date (every start but the first
 * after an upgrade, and every CLI command) then needs neither the lock nor umzug, whose command-line
 * half alone costs a CLI command a third of a second to load. Migrations only ever add, so a complete
 * list read without the lock stays complete.
 */
async function upToDate(sequelize: Sequelize): Promise<boolean> {
  try {
    const [rows] = await sequelize.query(`SELECT name FROM ${MIGRATION_TABLE}`);
    const applied = new Set((rows as { name: string }[]).map((r) => r.name));
    return MIGRATIONS.every((m) => applied.has(m.name));
  } catch {
    return false; // no table yet: a new database
  }
}

export async function migrate(sequelize: Sequelize, log: Logger): Promise<void> {
  if (await upToDate(sequelize)) return;
  await withMigrationLock(sequelize, () => migrateUnlocked(sequelize, log));
}

async function migrateUnlocked(sequelize: Sequelize, log: Logger): Promise<void> {
  const { SequelizeStorage, Umzug } = await import('umzug');
  const umzug = new Umzug({
    migrations: MIGRATIONS.map((m) => ({ name: m.name, up: () => m.up(sequelize.getQueryInterface()), down: () => m.down(sequelize.getQueryInterface()) })),
    storage: new SequelizeStorage({ sequelize, tableName: MIGRATION_TABLE }),
    logger: {
      info: (msg) => log.debug('migration', { msg }),
      warn: (msg) => log.warn('migration', { msg }),
      error: (msg) => log.error('migration', { msg }),
      debug: () => undefined,
    },
  });
  await umzug.up();
}
