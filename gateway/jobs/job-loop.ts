// A worker loop over one kind of job in the durable queue (storage/queue): claims due jobs under a lease
// through the single writer, sleeps until the next poll or a wake(). Used by every job worker: relay
// (gateway/relay/worker.ts), notices, alerts and reminders (gateway/notify). Two ways to work a pass:
// - `handle` one job at a time, keeping up to `concurrency` in flight: whenever one finishes, the freed
//   slot claims the next due job, so one slow peer does not hold a whole batch back;
// - `handleBatch` a claimed batch of up to `batch` jobs as a whole (the notice worker orders one
//   document's jobs), claiming the next batch when it is done.
// A pass ends when nothing is due or in flight. The kind's handler records each outcome itself
// (queue.finish + register events in one transaction). A process killed mid-job leaves it claimed; its
// lease runs out and it is taken again.

import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../config/log.js';
import type { Storage } from '../../storage/index.js';
import type { JobRow } from '../../storage/queue/repository.js';

interface JobLoopCommon {
  kind: string;
  storage: Pick<Storage, 'writes' | 'queue'>;
  log: Logger;
  now: () => Date;
  leaseMs: number;
  pollMs: number;
}

export type JobLoopOptions = JobLoopCommon &
  ({ concurrency: number; handle(job: JobRow, worker: string): Promise<void> } | { batch: number; handleBatch(jobs: JobRow[], worker: string): Promise<void> });

export class JobLoop {
  /** This worker's name in the queue's `worker` column and in register events' actors. */
  readonly id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(private readonly o: JobLoopOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** New jobs were committed: look now instead of at the next poll. */
  wake(): void {
    if (this.closed) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the pass in progress (its jobs finish). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.pass().finally(() => {
        this.running = null;
        this.schedule(this.again ? 0 : this.o.pollMs);
        this.again = false;
      });
    }, ms);
    this.timer.unref?.();
  }

  private claim(limit: number): Promise<JobRow[]> {
    const { storage } = this.o;
    return storage.writes.run((t) => storage.queue.claim(t, { kind: this.o.kind, worker: this.id, now: this.o.now(), leaseMs: this.o.leaseMs, limit }));
  }

  private async pass(): Promise<void> {
    try {
      if ('handleBatch' in this.o) await this.batches(this.o.batch, this.o.handleBatch.bind(this.o));
      else await this.sliding(this.o.concurrency, this.o.handle.bind(this.o));
    } catch (err) {
      this.o.log.error(`${this.o.kind} worker pass failed`, { err });
    }
  }

  private async batches(size: number, handle: (jobs: JobRow[], worker: string) => Promise<void>): Promise<void> {
    while (!this.closed) {
      const jobs = await this.claim(size);
      if (jobs.length === 0) break;
      await handle(jobs, this.id);
    }
  }

  private async sliding(concurrency: number, handle: (job: JobRow, worker: string) => Promise<void>): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    try {
      while (!this.closed) {
        const free = concurrency - inFlight.size;
        const jobs = free > 0 ? await this.claim(free) : [];
        for (const job of jobs) {
          const running: Promise<void> = handle(job, this.id)
            .catch((err) => this.o.log.error(`${this.o.kind} job failed unexpectedly`, { job: job.id, err }))
            .finally(() => inFlight.delete(running));
          inFlight.add(running);
        }
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
      }
    } finally {
      await Promise.all(inFlight);
    }
  }
}
