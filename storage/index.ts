// Opens everything under storage/ for one configuration: database, blob store, repositories and the
// serialized write path. Passed down explicitly; nothing here is a module-level singleton.

import path from 'node:path';
import type { Config } from '../config/load.js';
import type { Logger } from '../config/log.js';
import { AccountRepository } from './accounts/repository.js';
import { WebSessionRepository } from './accounts/web-sessions.js';
import { FileBlobStore, type BlobStore } from './blobs.js';
import { PgBlobStore } from './blobs-postgres.js';
import { openDatabase, type Database } from './db.js';
import { MailboxRepository } from './mailbox/repository.js';
import { QueueRepository } from './queue/repository.js';
import { RegisterRepository } from './register/repository.js';
import type { SubmissionRecord } from './register/types.js';
import { WriteQueue } from './write-queue.js';
import { ReadPool } from './read-pool.js';
import { claimSpoolDir } from './spool-dir.js';
import { restrictDataDir } from './data-permissions.js';

/** Group key of submissions written through the group commit (WriteTask.group). */
export const RECORD_SUBMISSION = 'register.record';

export interface Storage {
  db: Database;
  /** Parallel reads for many sessions at once (IMAP). */
  reads: ReadPool;
  blobs: BlobStore;
  writes: WriteQueue;
  accounts: AccountRepository;
  /** Web portal sessions (gateway/web). */
  webSessions: WebSessionRepository;
  mailboxes: MailboxRepository;
  register: RegisterRepository;
  /** Durable jobs (relay) written with the acceptance and claimed by workers. */
  queue: QueueRepository;
  /** This process's own spool directory, data/spool/<pid>-<random> (storage/spool-dir.ts). */
  spoolDir: string;
  /** data/spool, shared by every process on this data directory. */
  spoolRoot: string;
  close(): Promise<void>;
}

export async function openStorage(config: Config, log: Logger): Promise<Storage> {
  // Before the database opens (SQLite gives its WAL and shared-memory files the database file's mode)
  // and after (for files this open created under a looser umask).
  const loosened = await restrictDataDir(config.dataDir);
  if (loosened > 0) log.warn('data directory permissions tightened to owner-only', { entries: loosened });
  const db = await openDatabase(config.docgate.database.url, config.dataDir, log);
  const blobs: BlobStore = config.docgate.blobs === 'postgres' ? new PgBlobStore(db.sequelize) : new FileBlobStore(path.join(config.dataDir, 'blobs'));
  await blobs.init();
  const writes = new WriteQueue(db, log);
  const mailboxes = new MailboxRepository(db.sequelize, db.models);
  const register = new RegisterRepository(db.sequelize, db.models, mailboxes);
  const reads = await ReadPool.open(db.sequelize, db.storagePath);
  writes.registerBatch(RECORD_SUBMISSION, (t, inputs) => register.recordMany(t, inputs as SubmissionRecord[]));
  const spoolRoot = path.join(config.dataDir, 'spool');
  const spool = await claimSpoolDir(spoolRoot);
  await restrictDataDir(config.dataDir);
  return {
    db,
    reads,
    blobs,
    writes,
    accounts: new AccountRepository(db.sequelize, db.models),
    webSessions: new WebSessionRepository(db.sequelize),
    mailboxes,
    register,
    queue: new QueueRepository(db.sequelize),
    spoolDir: spool.dir,
    spoolRoot,
    async close() {
      await writes.close();
      await reads.close();
      await db.close();
      await spool.release();
    },
  };
}
