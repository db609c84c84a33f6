// What the parts of the SQL mailbox store share: their dependencies, one way to read (inside the write
// transaction or on the read pool), and the conversions of mailbox rows.

import type { Sequelize, Transaction } from 'sequelize';
import type { BlobStore } from '../blobs.js';
import type { Models } from '../models.js';

import type { ReadPool } from '../read-pool.js';
import type { RegisterRepository } from '../register/repository.js';
import type { MailboxRow } from '../rows.js';
import { query, rowOf, type NamedParams } from '../sql.js';
import type { WriteQueue } from '../write-queue.js';
import type { MailboxRepository } from './repository.js';
import type { MailboxInfo } from './store.js';

export interface SqlMailboxStoreDeps {
  sequelize: Sequelize;
  /** Reads outside a transaction go here (parallel read connections on SQLite). */
  reads: ReadPool;
  models: Models;
  writes: WriteQueue;
  blobs: BlobStore;
  mailboxes: MailboxRepository;
  register: RegisterRepository;
}

/** Rows of a statement: in transaction `t` when given (it must see its own writes), else on the read pool. */
export function select<T extends object = Record<string, unknown>>(deps: SqlMailboxStoreDeps, sql: string, params: NamedParams, t?: Transaction): Promise<T[]> {
  if (!t) return deps.reads.query<T>(sql, params);
  return query<T>(deps.sequelize, sql, params, t);
}

const CHUNK = 400;

/** Lists split for `IN (:list)`, so no statement exceeds the drivers' parameter limits. */
export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A mailboxes row as IMAP sees it, converted by the Mailbox model's column types. */
export function mailboxInfo(deps: SqlMailboxStoreDeps, row: Record<string, unknown>): MailboxInfo {
  const { createdAt: _, ...info } = rowOf<MailboxRow>(deps.models.Mailbox, row);
  return info;
}

export async function mailboxById(deps: SqlMailboxStoreDeps, mailboxId: number, t?: Transaction): Promise<MailboxInfo | null> {
  const rows = await select(deps, 'SELECT * FROM mailboxes WHERE id = :mailboxId', { mailboxId }, t);
  return rows.length > 0 ? mailboxInfo(deps, rows[0]) : null;
}

export async function mailboxByName(deps: SqlMailboxStoreDeps, agencyId: string, name: string, t?: Transaction): Promise<MailboxInfo | null> {
  const rows = await select(deps, 'SELECT * FROM mailboxes WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, t);
  return rows.length > 0 ? mailboxInfo(deps, rows[0]) : null;
}
