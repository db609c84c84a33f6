// Administrators' actions as register events (kind admin): who (`--actor` or the OS user), what, on
// what. Any command that changes state records itself here, in the transaction of its change when it
// has one, so the action and its trace commit together. Never a password: `note` says what was done.

import os from 'node:os';
import type { Transaction } from 'sequelize';
import type { AdminAction } from '../rows.js';
import type { RegisterRepository } from './repository.js';

export interface AdminActionRecord {
  actor: string;
  action: AdminAction;
  /** What it concerns: an account address, a job id, a tracking id, a file. */
  subject: string | null;
  note?: string | null;
  /** The agency concerned, when there is one. */
  agencyId?: string | null;
  documentId?: string | null;
  at?: Date;
}

/** `--actor` if given, else `admin:<OS user>`. */
export function adminActor(explicit?: string): string {
  if (explicit && explicit.trim() !== '') return explicit.trim();
  try {
    return `admin:${os.userInfo().username}`;
  } catch {
    // No passwd entry for the uid (a container): the environment is all there is.
    return `admin:${process.env.USER ?? 'unknown'}`;
  }
}

interface Writable {
  register: Pick<RegisterRepository, 'appendEvents'>;
  writes: { run<T>(work: (t: Transaction) => Promise<T>): Promise<T> };
}

/** Appends the action's event: in `t` when given (the change's own transaction), else in a transaction of its own. */
export async function recordAdminAction(storage: Writable, record: AdminActionRecord, t?: Transaction): Promise<void> {
  const event = {
    kind: 'admin' as const,
    documentId: record.documentId ?? null,
    entryId: null,
    agencyId: record.agencyId ?? null,
    status: record.action,
    actor: record.actor,
    note: record.note ?? null,
    subject: record.subject,
    at: record.at ?? new Date(),
  };
  if (t) await storage.register.appendEvents(t, [event]);
  else await storage.writes.run((tx) => storage.register.appendEvents(tx, [event]));
}
