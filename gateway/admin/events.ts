// Every administrator action of the portal becomes a register event (kind admin) naming its actor,
// through the same recordAdminAction as the CLI's (storage/register/admin.ts), in the change's own
// transaction.

import type { Transaction } from 'sequelize';
import type { Storage } from '../../storage/index.js';
import { recordAdminAction as appendAdminAction } from '../../storage/register/admin.js';
import type { AdminEventStatus } from '../../storage/rows.js';

export interface AdminAction {
  actor: string;
  action: AdminEventStatus;
  /** The agency the action concerns (the account's, or the document's). */
  agencyId: string;
  /** The document acted on; account actions have none. */
  documentId?: string;
  /** The account acted on. */
  target?: string;
  note?: string | null;
  at: Date;
}

export async function recordAdminAction(storage: Storage, t: Transaction, a: AdminAction): Promise<void> {
  await appendAdminAction(
    storage,
    {
      actor: a.actor,
      action: a.action,
      subject: a.target ?? a.documentId ?? null,
      note: a.note ?? null,
      agencyId: a.agencyId,
      documentId: a.documentId ?? null,
      at: a.at,
    },
    t,
  );
}
