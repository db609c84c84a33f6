// The one serialized write path with group commit: work submitted while a transaction runs waits and
// is committed together in the next one (one fsync for many messages). SQLite takes one writer at a
// time anyway; on PostgreSQL the same path keeps each process's writes few and large.
// A batch is optimistic: if any task fails, the batch rolls back and each of its tasks is run again in
// a transaction of its own, so one bad task fails alone and the good ones still commit.
// On PostgreSQL every write transaction first takes one advisory lock, so the write queues of several
// processes take turns as SQLite's writers do. Without it two processes' batches locked the same rows
// in different orders (a batch runs its ungrouped tasks, such as a notice's events on the chain head,
// before its grouped submissions, which take the number counters first) and PostgreSQL broke the
// deadlock only after deadlock_timeout (1 s), stalling both: 24 msg/s with two processes against 61
// with one. Every register write locks the chain head anyway, so the lock costs no concurrency there.

import type { Transaction } from 'sequelize';
import type { Database } from './db.js';
import type { Logger } from '../config/log.js';
import { syncDirectories } from './blobs.js';
import { execute } from './sql.js';

export interface WriteTask<T> {
  /** Directories to fsync before the transaction commits (blob renames). */
  syncDirs?: string[];
  /**
   * Tasks of one kind that a batch runner can write together: within a batch, all tasks with the same
   * key go to the runner registered for it, in one call. `run` stays the way to write the task alone.
   */
  group?: { key: string; input: unknown };
  /** Runs inside the batch's transaction; may be run again (alone) if another task of the batch fails. */
  run(t: Transaction): Promise<T>;
}

interface Pending {
  task: WriteTask<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Arbitrary constant naming the write lock among PostgreSQL advisory locks ("dgwr"). */
const WRITE_LOCK = 0x64677772;

const RETRYABLE = /SQLITE_BUSY|deadlock detected|could not serialize|40P01|40001/i;

export type BatchRunner = (t: Transaction, inputs: unknown[]) => Promise<unknown[]>;

export class WriteQueue {
  private queue: Pending[] = [];
  private readonly runners = new Map<string, BatchRunner>();
  private running = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly maxBatch = 64,
  ) {}

  /** Registers how tasks of one group key are written together. */
  registerBatch(key: string, runner: BatchRunner): void {
    this.runners.set(key, runner);
  }

  submit<T>(task: WriteTask<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('write queue is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Convenience for a single write that needs no directory sync. */
  run<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    return this.submit({ run: work });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commitBatch(batch);
      }
    } finally {
      this.running = false;
      for (const waiter of this.idleWaiters.splice(0)) waiter();
    }
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    const dirs = batch.flatMap((p) => p.task.syncDirs ?? []);
    try {
      if (dirs.length > 0) await syncDirectories(dirs);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    try {
      const values = await this.transactionWithRetry((t) => this.runBatch(t, batch));
      batch.forEach((p, i) => p.resolve(values[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const pending of batch) {
        try {
          pending.resolve(await this.transactionWithRetry((t) => pending.task.run(t)));
        } catch (single) {
          pending.reject(single);
        }
      }
    }
  }

  /** Runs a batch's tasks in one transaction: grouped tasks through their runner, the others one by one. */
  private async runBatch(t: Transaction, batch: Pending[]): Promise<unknown[]> {
    const out: unknown[] = new Array(batch.length);
    const groups = new Map<string, number[]>();
    for (const [i, pending] of batch.entries()) {
      const group = pending.task.group;
      if (group && this.runners.has(group.key)) groups.set(group.key, [...(groups.get(group.key) ?? []), i]);
    }
    const grouped = new Set([...groups.values()].flat());
    for (const [i, pending] of batch.entries()) if (!grouped.has(i)) out[i] = await pending.task.run(t);
    for (const [key, indexes] of groups) {
      const results = await this.runners.get(key)!(
        t,
        indexes.map((i) => batch[i].task.group!.input),
      );
      indexes.forEach((i, k) => (out[i] = results[k]));
    }
    return out;
  }

  /** Retries a transaction the database refused for contention (busy, deadlock, serialization). */
  private async transactionWithRetry<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async (t) => {
          if (this.db.dialect === 'postgres') await execute(this.db.sequelize, 'SELECT pg_advisory_xact_lock(:lock)', { lock: WRITE_LOCK }, t);
          return work(t);
        });
      } catch (err) {
        if (attempt >= 5 || !RETRYABLE.test(String((err as Error).message ?? err))) throw err;
        this.log.warn('write transaction retried', { attempt, err });
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  }

  /** Stops taking work and waits for what is queued to commit. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
