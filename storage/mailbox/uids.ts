// The one UID allocator: UIDs come from mailboxes.uid_next (never reused) and every change to a folder
// takes a new MODSEQ from mailboxes.highest_modseq, in the caller's write transaction. On PostgreSQL the
// same statement sends NOTIFY (delivered at commit, dropped with a rollback), so IMAP sessions of every
// gateway process on the database learn of the change (storage/change-feed.ts).

import type { Sequelize, Transaction } from 'sequelize';
import { toNumber } from '../models.js';
import { query } from '../sql.js';
import { MAILBOX_CHANNEL } from '../channels.js';
import { MailboxStoreError } from './store.js';

export interface AllocatedUids {
  /** The first of `count` consecutive UIDs. */
  firstUid: number;
  /** The one MODSEQ the new messages share (one atomic change, as RFC 7162 allows). */
  modseq: number;
  uidValidity: number;
}

/** Takes `count` consecutive UIDs and one new MODSEQ; `count` 0 only takes the MODSEQ (flags, expunge). */
export async function allocateUids(sequelize: Sequelize, t: Transaction, mailboxId: number, count: number): Promise<AllocatedUids> {
  const update =
    'UPDATE mailboxes SET uid_next = uid_next + :count, highest_modseq = highest_modseq + 1 WHERE id = :mailboxId RETURNING id, uid_next, highest_modseq, uid_validity';
  // The row lock of the UPDATE orders concurrent writers (any process): each gets its own UIDs and MODSEQ.
  const sql =
    sequelize.getDialect() === 'postgres'
      ? `WITH u AS (${update}) SELECT uid_next, highest_modseq, uid_validity, pg_notify(:channel, concat_ws(':', id, highest_modseq, uid_next)) AS notified FROM u`
      : update;
  const rows = await query<{ uid_next: unknown; highest_modseq: unknown; uid_validity: unknown }>(
    sequelize,
    sql,
    { mailboxId, count, channel: MAILBOX_CHANNEL },
    t,
  );
  if (rows.length !== 1) throw new MailboxStoreError('no-such-mailbox', `mailbox ${mailboxId}`);
  return { firstUid: toNumber(rows[0].uid_next) - count, modseq: toNumber(rows[0].highest_modseq), uidValidity: toNumber(rows[0].uid_validity) };
}

/** A new MODSEQ for a change that adds no message. */
export async function bumpModseq(sequelize: Sequelize, t: Transaction, mailboxId: number): Promise<number> {
  return (await allocateUids(sequelize, t, mailboxId, 0)).modseq;
}
