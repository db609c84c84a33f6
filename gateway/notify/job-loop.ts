// A worker loop over one kind of job in the durable queue (storage/queue, the relay's table): claims due
// jobs under a lease through the single writer, keeps up to `concurrency` in flight, sleeps until the next
// poll or a wake(). The kind's handler records each outcome itself (queue.finish + register events in one
// transaction). A process killed mid-job leaves it claimed; its lease runs out and it is taken again.

import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../config/log.js';
import type { Storage } from '../../storage/index.js';
import type { JobRow } from '../../storage/queue/repository.js';

export interface JobLoopOptions {
  kind: string;
  storage: Storage;
  log: Logger;
  now: () => Date;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  handle(job: JobRow, worker: string): Promise<void>;
}

export class JobLoop {
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
      this.running = this.loop().finally(() => {
        this.running = null;
        this.schedule(this.again ? 0 : this.o.pollMs);
        this.again = false;
      });
    }, ms);
    this.timer.unref?.();
  }

  private async loop(): Promise<void> {
    const { storage, log } = this.o;
    const inFlight = new Set<Promise<void>>();
    try {
      while (!this.closed) {
        const free = this.o.concurrency - inFlight.size;
        const jobs =
          free > 0
            ? await storage.writes.run((t) =>
                storage.queue.claim(t, { kind: this.o.kind, worker: this.id, now: this.o.now(), leaseMs: this.o.leaseMs, limit: free }),
              )
            : [];
        for (const job of jobs) {
          const running: Promise<void> = this.o
            .handle(job, this.id)
            .catch((err) => log.error(`${this.o.kind} job failed unexpectedly`, { job: job.id, err }))
            .finally(() => inFlight.delete(running));
          inFlight.add(running);
        }
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
      }
    } catch (err) {
      log.error(`${this.o.kind} worker pass failed`, { err });
    } finally {
      await Promise.all(inFlight);
    }
  }
}
