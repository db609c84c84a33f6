// What an attempt's outcome means for the job: delivered, tried again after the schedule's next wait,
// or failed (5xx, or the give-up time passed) — and whether the sender is owed a DSN (failed, or the
// one-time "delayed" warning). Pure, so tests give it any clock.

import type { JobStatus } from '../../storage/queue/repository.js';
import type { SendOutcome } from './transports.js';

export interface RelaySchedule {
  /** Waits after attempt 1, 2, …; the last one repeats. */
  schedule: number[];
  giveUp: number;
  warnAfter: number;
}

export interface Decision {
  status: JobStatus;
  nextAttemptAt?: Date;
  /** failed: the final DSN; delayed: the warning DSN (sent once per job). */
  dsn: 'failed' | 'delayed' | null;
}

export function waitAfter(attempt: number, schedule: number[]): number {
  return schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1];
}

export function decide(job: { attempts: number; createdAt: Date; warnedAt: Date | null }, outcome: SendOutcome, now: Date, s: RelaySchedule): Decision {
  if (outcome.kind === 'delivered') return { status: 'delivered', dsn: null };
  if (outcome.kind === 'permanent') return { status: 'failed', dsn: 'failed' };
  const age = now.getTime() - job.createdAt.getTime();
  const next = new Date(now.getTime() + waitAfter(job.attempts, s.schedule));
  // The last try is at the give-up time itself, not one schedule step beyond it.
  if (age >= s.giveUp) return { status: 'failed', dsn: 'failed' };
  const deadline = new Date(job.createdAt.getTime() + s.giveUp);
  const nextAttemptAt = next < deadline ? next : deadline;
  const warn = job.warnedAt === null && age >= s.warnAfter;
  return { status: 'queued', nextAttemptAt, dsn: warn ? 'delayed' : null };
}
