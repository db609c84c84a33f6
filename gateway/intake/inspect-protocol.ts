// The messages between intake (main thread) and an inspection thread, over one MessagePort per submission:
// the thread asks for what lives on the main thread (the policy and agencies in force, the shared memory
// budget, the register's look-ups) and forwards its log lines; the main thread answers each request by id.

import type { Agency } from '../../config/schema.js';
import type { PolicyConfig } from '../../policies/policy-file.js';
import type { DuplicateMatch, DuplicateQuery } from '../../policies/services.js';
import type { TrustPaths } from '../../policies/smime/trust-store.js';
import type { MessagePort } from 'node:worker_threads';
import type { InspectionInput } from './inspect.js';

export interface InspectionWorkerData {
  trustPaths: TrustPaths;
  timeZone: string;
}

/** Bumped on the main thread when what it names changes; the thread re-fetches (or re-reads) on a mismatch. */
export interface Generations {
  policy: number;
  agencies: number;
  trust: number;
}

export interface InspectionTask {
  input: InspectionInput;
  /** The main thread's clock when the submission was handed over: the checks' ctx.now(). */
  now: number;
  generations: Generations;
  port: MessagePort;
}

/** What a request's answer carries, by request kind. */
export interface Answers {
  policy: { generation: number; policy: PolicyConfig };
  agencies: { generation: number; agencies: readonly Agency[] };
  reserve: true;
  findDuplicate: DuplicateMatch | null;
  findByNumber: { trackingId: string } | null;
}

export type Request = { id: number } & (
  | { kind: 'policy' }
  | { kind: 'agencies' }
  | { kind: 'reserve'; bytes: number }
  | { kind: 'findDuplicate'; query: DuplicateQuery }
  | { kind: 'findByNumber'; agencyId: string; number: string }
);

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  kind: 'log';
  level: LogLevel;
  msg: string;
  bindings: Record<string, unknown>;
  fields?: Record<string, unknown>;
}

/** Notifications need no answer: a pending reservation is cancelled, a granted one released. */
export type Notice = { kind: 'cancel'; id: number } | { kind: 'release'; id: number } | LogLine;

export type ThreadMessage = Request | Notice;

export type Answer = { id: number; value: Answers[keyof Answers] } | { id: number; error: string };
