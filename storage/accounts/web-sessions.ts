// Web portal sessions (table web_sessions, migration 014): one row per login, keyed by the SHA-256 of
// the random session id the browser holds, so a copy of the database opens no session. Any gateway
// process reads the same rows; idle and absolute timeouts are decided here against the caller's clock.

import { createHash, randomBytes } from 'node:crypto';
import type { Sequelize, Transaction } from 'sequelize';
import { toDate, toNumber } from '../models.js';
import { execute, query } from '../sql.js';

export interface WebSessionRow {
  idHash: string;
  accountId: number;
  createdAt: Date;
  lastSeenAt: Date;
  remoteAddress: string | null;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/** Last-seen is written at most this often: a page view is not a database write. */
const TOUCH_EVERY_MS = 60_000;

export function sessionIdHash(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

function rowOfSession(r: Record<string, unknown>): WebSessionRow {
  return {
    idHash: String(r.id_hash),
    accountId: toNumber(r.account_id),
    createdAt: toDate(r.created_at),
    lastSeenAt: toDate(r.last_seen_at),
    remoteAddress: (r.remote_address as string | null) ?? null,
  };
}

export class WebSessionRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /** A new session; the returned id goes to the browser, only its hash is stored. */
  async create(t: Transaction, accountId: number, remoteAddress: string, now: Date): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await execute(
      this.sequelize,
      'INSERT INTO web_sessions (id_hash, account_id, created_at, last_seen_at, remote_address) VALUES (:idHash, :accountId, :now, :now, :remoteAddress)',
      { idHash: sessionIdHash(id), accountId, now, remoteAddress: remoteAddress.slice(0, 64) },
      t,
    );
    return id;
  }

  /** The live session of an id, or null (unknown, idle too long, or too old: an expired row is removed by the caller's sweep). */
  async find(id: string, now: Date, limits: SessionLimits): Promise<WebSessionRow | null> {
    const [row] = await query(this.sequelize, 'SELECT * FROM web_sessions WHERE id_hash = :idHash', { idHash: sessionIdHash(id) });
    if (!row) return null;
    const session = rowOfSession(row);
    if (now.getTime() - session.lastSeenAt.getTime() > limits.idleMs) return null;
    if (now.getTime() - session.createdAt.getTime() > limits.absoluteMs) return null;
    return session;
  }

  needsTouch(session: WebSessionRow, now: Date): boolean {
    return now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS;
  }

  async touch(t: Transaction, idHash: string, now: Date): Promise<void> {
    await execute(this.sequelize, 'UPDATE web_sessions SET last_seen_at = :now WHERE id_hash = :idHash', { now, idHash }, t);
  }

  async delete(t: Transaction, idHash: string): Promise<void> {
    await execute(this.sequelize, 'DELETE FROM web_sessions WHERE id_hash = :idHash', { idHash }, t);
  }

  /** Ends every session of an account except `keep` (a password change, a lock). */
  async deleteForAccount(t: Transaction, accountId: number, keep: string | null = null): Promise<void> {
    await execute(this.sequelize, 'DELETE FROM web_sessions WHERE account_id = :accountId AND id_hash <> :keep', { accountId, keep: keep ?? '' }, t);
  }

  /** Removes expired sessions. */
  async sweep(t: Transaction, now: Date, limits: SessionLimits): Promise<void> {
    await execute(
      this.sequelize,
      'DELETE FROM web_sessions WHERE last_seen_at < :idleBefore OR created_at < :createdBefore',
      { idleBefore: new Date(now.getTime() - limits.idleMs), createdBefore: new Date(now.getTime() - limits.absoluteMs) },
      t,
    );
  }
}
