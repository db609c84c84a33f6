// Every administrator action (portal or CLI) becomes a register event naming its actor. The one place
// that decides how: actions about a document are that document's events; actions about an account are
// written under ACCOUNT_EVENTS, until the event log has a kind of its own for them.

import type { Transaction } from 'sequelize';
import type { Storage } from '../../storage/index.js';
import type { AdminEventStatus } from '../../storage/rows.js';

/** The document id account actions are filed under (no document has it: tracking ids start with DG). */
export const ACCOUNT_EVENTS = 'admin:accounts';

export interface AdminAction {
  actor: string;
  action: AdminEventStatus;
  /** The agency the action concerns (the account's, or the document's). */
  agencyId: string;
  /** The document acted on; account actions have none. */
  documentId?: string;
  /** The account acted on, and any free text. */
  target?: string;
  note?: string | null;
  at: Date;
}

export async function recordAdminAction(storage: Storage, t: Transaction, a: AdminAction): Promise<void> {
  const note = [a.target, a.note].filter((x): x is string => Boolean(x)).join(': ') || null;
  await storage.register.appendEvents(t, [
    { documentId: a.documentId ?? ACCOUNT_EVENTS, entryId: null, agencyId: a.agencyId, status: a.action, actor: a.actor, note, at: a.at },
  ]);
}
