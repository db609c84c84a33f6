// The durable job queue (table jobs, migration 009): enqueue in the caller's transaction, claim due jobs
// under a lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so N workers never take the same row; SQLite: inside
// the single writer), and record each attempt's outcome. Kind-agnostic: relay now, notices/alerts later.

import type { Sequelize, Transaction } from 'sequelize';
import { toNumber } from '../models.js';
import { execute, insertValues, query } from '../sql.js';
import { JOBS_CHANNEL } from '../channels.js';

export type JobStatus = 'queued' | 'sending' | 'delivered' | 'failed' | 'dropped';

export interface JobRow {
  id: number;
  kind: string;
  documentId: string;
  agencyId: string;
  payload: string;
  status: JobStatus;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  lockedBy: string | null;
  lastAttemptAt: Date | null;
  lastReply: string | null;
  warnedAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface NewJob {
  kind: string;
  documentId: string;
  agencyId: string;
  payload: unknown;
  /** When the job is first due. */
  at: Date;
  /** When it was queued, if earlier than `at` (a reminder queued at acceptance, due at the deadline). */
  createdAt?: Date;
}

function date(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  // PostgreSQL returns Date objects, SQLite the stored "YYYY-MM-DD HH:mm:ss.SSS +00:00" text.
  return value instanceof Date ? value : new Date(value as string);
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : (value as string);
}

function jobFromRow(r: Record<string, unknown>): JobRow {
  return {
    id: toNumber(r.id),
    kind: String(r.kind),
    documentId: String(r.document_id),
    agencyId: String(r.agency_id),
    payload: String(r.payload),
    status: String(r.status) as JobStatus,
    attempts: toNumber(r.attempts),
    nextAttemptAt: date(r.next_attempt_at)!,
    lockedUntil: date(r.locked_until),
    lockedBy: text(r.locked_by),
    lastAttemptAt: date(r.last_attempt_at),
    lastReply: text(r.last_reply),
    warnedAt: date(r.warned_at),
    createdAt: date(r.created_at)!,
    finishedAt: date(r.finished_at),
  };
}

/** Jobs are written as part of another transaction (the acceptance): this takes the caller's. */
export async function enqueueJobs(sequelize: Sequelize, t: Transaction, jobs: NewJob[]): Promise<void> {
  // One multi-row INSERT for the whole batch, as the register rows it commits with.
  await insertValues(
    sequelize,
    t,
    'jobs',
    ['kind', 'document_id', 'agency_id', 'payload', 'status', 'attempts', 'next_attempt_at', 'created_at'],
    jobs.map((j) => [j.kind, j.documentId, j.agencyId, JSON.stringify(j.payload), 'queued', 0, j.at, j.createdAt ?? j.at]),
  );
  // Workers in other processes wake at commit instead of at their next poll (storage/change-feed.ts).
  if (jobs.length > 0 && sequelize.getDialect() === 'postgres')
    await execute(sequelize, 'SELECT pg_notify(:channel, :kind)', { channel: JOBS_CHANNEL, kind: jobs[0].kind }, t);
}

export class QueueRepository {
  constructor(private readonly sequelize: Sequelize) {}

  enqueue(t: Transaction, jobs: NewJob[]): Promise<void> {
    return enqueueJobs(this.sequelize, t, jobs);
  }

  /**
   * Takes up to `limit` due jobs of a kind for `worker` until `now + leaseMs`, counting the attempt. A
   * job whose lease ran out (its worker died mid-send) is due again: at-least-once, never lost.
   */
  async claim(t: Transaction, q: { kind: string; worker: string; now: Date; leaseMs: number; limit: number }): Promise<JobRow[]> {
    const skipLocked = this.sequelize.getDialect() === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const rows = await query(
      this.sequelize,
      `UPDATE jobs SET status = 'sending', locked_by = :worker, locked_until = :until, attempts = attempts + 1, last_attempt_at = :now
       WHERE id IN (SELECT id FROM jobs WHERE kind = :kind AND ((status = 'queued' AND next_attempt_at <= :now) OR (status = 'sending' AND locked_until <= :now))
                    ORDER BY next_attempt_at, id LIMIT :limit${skipLocked})
       RETURNING *`,
      { worker: q.worker, until: new Date(q.now.getTime() + q.leaseMs), now: q.now, kind: q.kind, limit: q.limit },
      t,
    );
    return rows.map(jobFromRow).sort((a, b) => a.id - b.id);
  }

  /**
   * Records an attempt's outcome, only if `worker` still holds the job (a worker that outlived its
   * lease must not overwrite the newer owner's result). Returns whether the row was updated.
   */
  async finish(
    t: Transaction,
    f: { id: number; worker: string; status: JobStatus; reply: string | null; at: Date; nextAttemptAt?: Date; warned?: boolean },
  ): Promise<boolean> {
    const done = f.status === 'delivered' || f.status === 'failed' || f.status === 'dropped';
    const rows = await query(
      this.sequelize,
      `UPDATE jobs SET status = :status, last_reply = :reply, locked_by = NULL, locked_until = NULL, next_attempt_at = COALESCE(:next, next_attempt_at),
              finished_at = :finished, warned_at = CASE WHEN :warned THEN COALESCE(warned_at, :at) ELSE warned_at END
       WHERE id = :id AND status = 'sending' AND locked_by = :worker RETURNING id`,
      {
        status: f.status,
        reply: f.reply,
        next: f.nextAttemptAt ?? null,
        finished: done ? f.at : null,
        warned: f.warned === true,
        at: f.at,
        id: f.id,
        worker: f.worker,
      },
      t,
    );
    return rows.length > 0;
  }

  /** An administrator's retry: due now, attempts kept (a failed or dropped job comes back too). */
  async retry(t: Transaction, id: number, at: Date): Promise<JobRow | null> {
    const rows = await query(
      this.sequelize,
      `UPDATE jobs SET status = 'queued', next_attempt_at = :at, finished_at = NULL, locked_by = NULL, locked_until = NULL
       WHERE id = :id AND status <> 'delivered' RETURNING *`,
      { at, id },
      t,
    );
    return rows.length > 0 ? jobFromRow(rows[0]) : null;
  }

  /** An administrator gives up on a job: it is never tried again (no DSN; the CLI says so). */
  async drop(t: Transaction, id: number, at: Date): Promise<JobRow | null> {
    const rows = await query(
      this.sequelize,
      `UPDATE jobs SET status = 'dropped', finished_at = :at, locked_by = NULL, locked_until = NULL
       WHERE id = :id AND status IN ('queued', 'sending', 'failed') RETURNING *`,
      { at, id },
      t,
    );
    return rows.length > 0 ? jobFromRow(rows[0]) : null;
  }

  async find(id: number): Promise<JobRow | null> {
    const rows = await query(this.sequelize, 'SELECT * FROM jobs WHERE id = :id', { id });
    return rows.length > 0 ? jobFromRow(rows[0]) : null;
  }

  async list(
    q: { kind?: string; status?: JobStatus[]; documentId?: string; agencyId?: string; newestFirst?: boolean; limit?: number } = {},
  ): Promise<JobRow[]> {
    const where: string[] = [];
    const params: Record<string, string | number | string[]> = { limit: q.limit ?? 1000 };
    if (q.kind) {
      where.push('kind = :kind');
      params.kind = q.kind;
    }
    if (q.status && q.status.length > 0) {
      where.push('status IN (:status)');
      params.status = q.status;
    }
    if (q.documentId) {
      where.push('document_id = :documentId');
      params.documentId = q.documentId;
    }
    if (q.agencyId) {
      where.push('agency_id = :agencyId');
      params.agencyId = q.agencyId;
    }
    const sql = `SELECT * FROM jobs${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id${q.newestFirst ? ' DESC' : ''} LIMIT :limit`;
    return (await query(this.sequelize, sql, params)).map(jobFromRow);
  }

  /** The earliest time a queued job becomes due (the worker sleeps until then at most). */
  async nextDue(kind: string): Promise<Date | null> {
    const rows = await query<{ at: unknown }>(
      this.sequelize,
      "SELECT MIN(CASE WHEN status = 'queued' THEN next_attempt_at ELSE locked_until END) AS at FROM jobs WHERE kind = :kind AND status IN ('queued', 'sending')",
      { kind },
    );
    return date(rows[0]?.at);
  }

  /** Unfinished jobs by kind and status, with the creation time of the oldest (monitoring). */
  async depth(): Promise<{ kind: string; status: JobStatus; count: number; oldest: Date | null }[]> {
    const rows = await query<{ kind: unknown; status: unknown; n: unknown; oldest: unknown }>(
      this.sequelize,
      "SELECT kind, status, COUNT(*) AS n, MIN(created_at) AS oldest FROM jobs WHERE status IN ('queued', 'sending') GROUP BY kind, status",
      {},
    );
    return rows.map((r) => ({ kind: String(r.kind), status: String(r.status) as JobStatus, count: toNumber(r.n), oldest: date(r.oldest) }));
  }
}
