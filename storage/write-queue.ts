// The one serialized write path with group commit: work submitted while a transaction runs waits and
// is committed together in the next one (one fsync for many messages). SQLite takes one writer at a
// time anyway; on PostgreSQL the same path keeps each process's writes few and large.
// Each task runs in its own savepoint, so one task's failure does not undo the others in its batch.

import type { Transaction } from 'sequelize';
import type { Database } from './db.js';
import type { Logger } from '../gateway/log.js';
import { syncDirectories } from './blobs.js';

export interface WriteTask<T> {
  /** Directories to fsync before the transaction commits (blob renames). */
  syncDirs?: string[];
  run(t: Transaction): Promise<T>;
  /** Called only after the commit that made the task's writes durable. */
}

interface Pending {
  task: WriteTask<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const RETRYABLE = /SQLITE_BUSY|deadlock detected|could not serialize|40P01|40001/i;

export class WriteQueue {
  private queue: Pending[] = [];
  private running = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly maxBatch = 64,
  ) {}

  submit<T>(task: WriteTask<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('write queue is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (v: unknown) => void, reject });
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
    for (let attempt = 1; ; attempt++) {
      const results: { ok: boolean; value: unknown }[] = [];
      try {
        await this.db.transaction(async (t) => {
          results.length = 0;
          for (const pending of batch) {
            if (batch.length === 1) {
              results.push({ ok: true, value: await pending.task.run(t) });
              continue;
            }
            try {
              const value = await this.db.sequelize.transaction({ transaction: t }, (sp) => pending.task.run(sp));
              results.push({ ok: true, value });
            } catch (err) {
              results.push({ ok: false, value: err });
            }
          }
        });
      } catch (err) {
        if (attempt < 5 && RETRYABLE.test(String((err as Error).message ?? err))) {
          this.log.warn('write batch retried', { attempt, err });
          await new Promise((r) => setTimeout(r, 20 * attempt));
          continue;
        }
        for (const p of batch) p.reject(err);
        return;
      }
      batch.forEach((p, i) => (results[i].ok ? p.resolve(results[i].value) : p.reject(results[i].value)));
      return;
    }
  }

  /** Stops taking work and waits for what is queued to commit. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
