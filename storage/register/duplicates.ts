// The duplicate lookup (policies/checks/duplicate.ts) as bound-parameter SQL. sequelize's finders
// inline values as escaped literals, and its SQLite escaping turns a NUL in a submitted số ký hiệu
// into `SQLITE_ERROR: unrecognized token`: every value here goes to the driver as a bind parameter (storage/sql.ts query).

import type { Sequelize } from 'sequelize';
import type { DuplicateMatch, DuplicateQuery } from '../../policies/services.js';
import { query } from '../sql.js';

export type { DuplicateMatch, DuplicateQuery };

function yearOf(signed: unknown, received: unknown): number {
  if (typeof signed === 'string' && signed) return Number(signed.slice(0, 4));
  // SQLite keeps dates as "YYYY-MM-DD HH:mm:ss.SSS +00:00" (UTC), PostgreSQL returns a Date.
  return received instanceof Date ? received.getUTCFullYear() : Number(String(received).slice(0, 4));
}

export async function findDuplicate(sequelize: Sequelize, q: DuplicateQuery): Promise<DuplicateMatch | null> {
  if (q.messageId) {
    const rows = await query<{ id: string }>(
      sequelize,
      "SELECT id FROM documents WHERE rfc822_message_id = :messageId AND status = 'accepted' LIMIT 1",
      { messageId: q.messageId },
    );
    if (rows[0]) return { trackingId: rows[0].id, by: 'message-id' };
  }
  if (q.documentNumber) {
    const rows = await query<{ id: string; signed_date: string | null; received_at: unknown }>(
      sequelize,
      "SELECT id, signed_date, received_at FROM documents WHERE sender_agency_id = :agency AND document_number = :number AND status = 'accepted' LIMIT 100",
      { agency: q.senderAgencyId, number: q.documentNumber.normalize('NFC') },
    );
    const sameYear = rows.find((r) => yearOf(r.signed_date, r.received_at) === q.year);
    if (sameYear) return { trackingId: sameYear.id, by: 'document-number' };
  }
  return null;
}
