// The piscina task of gateway/intake/inspect-pool.ts: one submission parsed and checked in an inspection
// thread. The thread keeps its own trust store and clamd client; the policy and agencies in force are
// fetched from the main thread when their generation changes, and the memory budget and the register's
// look-ups are the main thread's, asked over the task's port, so every thread shares one budget.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { AgencyDirectory } from '../../config/agencies.js';
import type { Logger } from '../../config/log.js';
import { PolicyEngine } from '../../policies/engine.js';
import type { PolicyConfig } from '../../policies/policy-file.js';
import { scanStream } from '../../policies/malware/clamd.js';
import type { PolicyServices } from '../../policies/services.js';
import { TrustStore } from '../../policies/smime/trust-store.js';
import { inspectSubmission, type Inspection } from './inspect.js';
import type { Answer, Answers, InspectionTask, InspectionWorkerData, LogLevel, LogLine, Notice, Request } from './inspect-protocol.js';

const data = workerData as InspectionWorkerData;

type Sender = (line: LogLine) => void;

/** A Logger whose lines are written by the main thread's logger (one destination, one redaction). */
function forwardingLogger(send: Sender, bindings: Record<string, unknown>): Logger {
  const line = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    try {
      send({ kind: 'log', level, msg, bindings, ...(fields ? { fields } : {}) });
    } catch {
      // A field that cannot be cloned (a function, a socket): the line still goes, with its fields as text.
      send({ kind: 'log', level, msg, bindings, fields: { fields: String(JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v))) } });
    }
  };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (more) => forwardingLogger(send, { ...bindings, ...more }),
  };
}

/** Lines logged outside any submission (the trust store's reloads) go over piscina's own channel. */
const threadLog = forwardingLogger((line) => parentPort?.postMessage(line), { component: 'inspection' });

/** The main thread, as seen from one task: requests answered by id; dropped when the task ends. */
class MainThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private closed = false;
  readonly log: Logger;

  constructor(private readonly port: MessagePort) {
    port.on('message', (answer: Answer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if ('error' in answer) waiting.reject(new Error(answer.error));
      else waiting.resolve(answer.value);
    });
    this.log = forwardingLogger((line) => this.notify(line), {});
  }

  notify(notice: Notice): void {
    if (!this.closed) this.port.postMessage(notice);
  }

  ask<K extends Request['kind']>(request: Omit<Extract<Request, { kind: K }>, 'id'>, onId?: (id: number) => void): Promise<Answers[K]> {
    if (this.closed) return Promise.reject(new Error('the submission is no longer being inspected'));
    const id = this.nextId++;
    onId?.(id);
    return new Promise<Answers[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.port.postMessage({ ...request, id });
    });
  }

  services(): Pick<PolicyServices, 'register' | 'memoryBudget'> {
    return {
      register: {
        findDuplicate: (query) => this.ask<'findDuplicate'>({ kind: 'findDuplicate', query }),
        findByNumber: (agencyId, number) => this.ask<'findByNumber'>({ kind: 'findByNumber', agencyId, number }),
      },
      memoryBudget: {
        reserve: async (bytes, signal) => {
          signal?.throwIfAborted();
          let id = 0;
          const cancel = () => this.notify({ kind: 'cancel', id });
          signal?.addEventListener('abort', cancel, { once: true });
          try {
            await this.ask<'reserve'>({ kind: 'reserve', bytes }, (assigned) => (id = assigned));
          } finally {
            signal?.removeEventListener('abort', cancel);
          }
          let released = false;
          return () => {
            if (released) return;
            released = true;
            this.notify({ kind: 'release', id });
          };
        },
      },
    };
  }

  close(): void {
    this.closed = true;
    for (const waiting of this.pending.values()) waiting.reject(new Error('the submission is no longer being inspected'));
    this.pending.clear();
    this.port.close();
  }
}

let policy: { generation: number; config: PolicyConfig } | null = null;
let agencies: { generation: number; directory: AgencyDirectory } | null = null;
let trust: { generation: number; store: Promise<TrustStore> } | null = null;

async function policyFor(main: MainThread, generation: number): Promise<PolicyConfig> {
  if (policy?.generation !== generation) {
    const answer = await main.ask<'policy'>({ kind: 'policy' });
    policy = { generation: answer.generation, config: answer.policy };
  }
  return policy.config;
}

async function agenciesFor(main: MainThread, generation: number): Promise<AgencyDirectory> {
  if (agencies?.generation !== generation) {
    const answer = await main.ask<'agencies'>({ kind: 'agencies' });
    if (agencies) agencies.directory.replace(answer.agencies);
    agencies = { generation: answer.generation, directory: agencies?.directory ?? new AgencyDirectory(answer.agencies) };
  }
  return agencies.directory;
}

function trustFor(generation: number): Promise<TrustStore> {
  if (!trust) {
    const store = TrustStore.open({ paths: data.trustPaths, log: threadLog.child({ component: 'trust' }) }).catch((err: unknown) => {
      trust = null;
      throw err;
    });
    trust = { generation, store };
  } else if (trust.generation !== generation) {
    // An administrator's reload on the main thread: this thread's copy re-reads the files as well.
    const store = trust.store.then(async (s) => (await s.reload(), s));
    trust = { generation, store };
  }
  return trust.store;
}

const clamd = { scan: scanStream };

export default async function inspect(task: InspectionTask): Promise<Inspection> {
  const main = new MainThread(task.port);
  try {
    const [config, directory, store] = await Promise.all([
      policyFor(main, task.generations.policy),
      agenciesFor(main, task.generations.agencies),
      trustFor(task.generations.trust),
    ]);
    const engine = new PolicyEngine(config, {
      timeZone: data.timeZone,
      agencies: directory,
      log: main.log,
      now: () => new Date(task.now),
      services: { ...main.services(), trust: store, clamd },
    });
    return await inspectSubmission(task.input, engine);
  } finally {
    main.close();
  }
}
