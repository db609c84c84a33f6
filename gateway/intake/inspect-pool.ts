// Where submissions are parsed and checked: in a pool of inspection threads (piscina) beside the main
// thread, so parsing, decoding and the checks use the other cores while the main thread runs the SMTP
// sessions, TLS and the register; or on the main thread itself (inspection.threads: 0, and when a test
// hands the gateway fake trust or clamd services, which cannot cross a thread).
//
// Memory: the budget stays one (every thread's reservations are the main thread's ByteBudget); submissions
// of inspection.largeMessage and more are inspected on the main thread as before, so the large-message
// bound (20 x 20 MB under 300 MB RSS) is measured on the code it always was; each thread's heap is capped
// (resourceLimits), so a hostile message that exhausts it ends that thread and its submission is deferred
// (4xx), and piscina starts another.
//
// Off by default: on the 2-core machine it was measured on (the race, client and server on the same two
// cores), a submission checked in a thread cost more CPU in all (100 KB: ~20 against ~14-17 ms; 1 MB: ~66-77
// against ~52-66 ms) than the main thread saved, and no more messages went through. It is for machines whose
// cores the main thread and the load do not already fill.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { AgencyDirectory } from '../../config/agencies.js';
import type { Logger } from '../../config/log.js';
import type { PolicyEngine } from '../../policies/engine.js';
import type { PolicyServices } from '../../policies/services.js';
import type { TrustPaths } from '../../policies/smime/trust-store.js';
import { inspectSubmission, type Inspection, type InspectionInput } from './inspect.js';
import type { Answer, Generations, InspectionTask, InspectionWorkerData, LogLine, ThreadMessage } from './inspect-protocol.js';

export interface Inspector {
  inspect(input: InspectionInput): Promise<Inspection>;
  /** The trust directories were re-read on the main thread: threads re-read theirs before the next submission. */
  trustReloaded(): void;
  close(): Promise<void>;
}

/** Inspection on the calling thread, with the gateway's own engine and services. */
export class InlineInspector implements Inspector {
  constructor(private readonly engine: PolicyEngine) {}

  inspect(input: InspectionInput): Promise<Inspection> {
    return inspectSubmission(input, this.engine);
  }

  trustReloaded(): void {}

  async close(): Promise<void> {}
}

/** A thread's old generation, in MiB: whole files are held under the shared budget, so more is hostile. */
const THREAD_HEAP_MB = 256;
const THREAD_YOUNG_MB = 48;
/**
 * Submissions one thread works on at once: a check waiting for the main thread (the register, the budget)
 * or clamd lets the thread go on with another. Measured (race, 100 KB, 1 thread): 2 at once 54 msg/s,
 * 16 at once 63-78, 64 at once 79; the SMTP sessions bound the real number.
 */
const TASKS_PER_THREAD = 64;
/** Threads start with the first submission for them and end after this long without one (tests, quiet hours). */
const IDLE_MS = 60_000;

export interface InspectionPoolDeps {
  threads: number;
  engine: PolicyEngine;
  agencies: AgencyDirectory;
  services: Pick<PolicyServices, 'register' | 'memoryBudget'>;
  trustPaths: TrustPaths;
  timeZone: string;
  log: Logger;
  now: () => Date;
}

function workerFile(): string {
  // As policies/pdf/text-pool.ts: the compiled .js beside this file, else (under tsx) the .ts.
  const js = fileURLToPath(new URL('./inspect-worker.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./inspect-worker.ts', import.meta.url));
}

function writeLine(log: Logger, line: LogLine): void {
  const target = Object.keys(line.bindings).length > 0 ? log.child(line.bindings) : log;
  target[line.level](line.msg, line.fields);
}

/** Answers one submission's thread: its requests, by id, until the task ends. */
class TaskServer {
  private readonly granted = new Map<number, () => void>();
  private readonly waiting = new Map<number, AbortController>();
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    private readonly pool: InspectionPool,
    private readonly deps: InspectionPoolDeps,
  ) {
    port.on('message', (message: ThreadMessage) => this.handle(message));
  }

  private answer(answer: Answer): void {
    if (!this.closed) this.port.postMessage(answer);
  }

  private handle(message: ThreadMessage): void {
    switch (message.kind) {
      case 'log':
        return writeLine(this.deps.log, message);
      case 'cancel':
        return this.waiting.get(message.id)?.abort();
      case 'release': {
        this.granted.get(message.id)?.();
        this.granted.delete(message.id);
        return;
      }
    }
    const { id } = message;
    const work = async (): Promise<unknown> => {
      switch (message.kind) {
        case 'policy':
          return { generation: this.pool.generations().policy, policy: this.deps.engine.current };
        case 'agencies':
          return { generation: this.pool.generations().agencies, agencies: this.deps.agencies.agencies };
        case 'findDuplicate':
          return this.deps.services.register.findDuplicate(message.query);
        case 'findByNumber':
          return (await this.deps.services.register.findByNumber?.(message.agencyId, message.number)) ?? null;
        case 'reserve': {
          const controller = new AbortController();
          this.waiting.set(id, controller);
          try {
            const release = await this.deps.services.memoryBudget.reserve(message.bytes, controller.signal);
            if (this.closed) release();
            else this.granted.set(id, release);
            return true;
          } finally {
            this.waiting.delete(id);
          }
        }
      }
    };
    work().then(
      (value) => this.answer({ id, value } as Answer),
      (err: unknown) => this.answer({ id, error: (err as Error).message }),
    );
  }

  /** The task ended (or its thread died): whatever it still holds of the budget goes back. */
  close(): void {
    this.closed = true;
    for (const controller of this.waiting.values()) controller.abort();
    for (const release of this.granted.values()) release();
    this.granted.clear();
    this.port.close();
  }
}

export class InspectionPool implements Inspector {
  private readonly pool: Piscina<InspectionTask, Inspection>;
  private readonly seen = { policy: null as unknown, agencies: null as unknown };
  private readonly counters: Generations = { policy: 0, agencies: 0, trust: 0 };

  constructor(private readonly deps: InspectionPoolDeps) {
    const workerData: InspectionWorkerData = { trustPaths: deps.trustPaths, timeZone: deps.timeZone };
    this.pool = new Piscina<InspectionTask, Inspection>({
      filename: workerFile(),
      minThreads: 0,
      maxThreads: deps.threads,
      concurrentTasksPerWorker: TASKS_PER_THREAD,
      idleTimeout: IDLE_MS,
      // The thread waits on its task port, not in Atomics.wait: its own awaits (the register, clamd) must run.
      atomics: 'disabled',
      // The young generation as the main thread's (V8 sizes it from the old one when only that is given).
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB, maxYoungGenerationSizeMb: THREAD_YOUNG_MB },
      workerData,
    });
    this.pool.on('message', (line: LogLine) => {
      if (line?.kind === 'log') writeLine(deps.log, line);
    });
    // A thread that dies outside a task is replaced by piscina; its task (if any) fails on its own.
    this.pool.on('error', (err: Error) => deps.log.error('inspection thread failed', { err: err.message }));
  }

  /** The generations in force: the policy and agencies objects are swapped whole on reload, so identity tells. */
  generations(): Generations {
    if (this.seen.policy !== this.deps.engine.current) {
      this.seen.policy = this.deps.engine.current;
      this.counters.policy++;
    }
    if (this.seen.agencies !== this.deps.agencies.agencies) {
      this.seen.agencies = this.deps.agencies.agencies;
      this.counters.agencies++;
    }
    return { ...this.counters };
  }

  async inspect(input: InspectionInput): Promise<Inspection> {
    const { port1, port2 } = new MessageChannel();
    const server = new TaskServer(port1, this, this.deps);
    try {
      const task: InspectionTask = { input, now: this.deps.now().getTime(), generations: this.generations(), port: port2 };
      return await this.pool.run(task, { transferList: [port2] });
    } finally {
      server.close();
    }
  }

  trustReloaded(): void {
    this.counters.trust++;
  }

  /** The live threads (tests kill one). */
  get threads(): Worker[] {
    return this.pool.threads;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
