// The duplicate lookup (policies/checks/duplicate.ts) as bound-parameter SQL. sequelize's finders
// inline values as escaped literals, and its SQLite escaping turns a NUL in a submitted số ký hiệu
// into `SQLITE_ERROR: unrecognized token`: every value here goes to the driver as a bind parameter (storage/sql.ts query).

import type { Sequelize } from 'sequelize';
import type { DuplicateMatch, DuplicateQuery } from '../../policies/services.js';
import { documentYear } from '../../policies/text/dates.js';
import { query } from '../sql.js';

/** The register year of a stored document, computed as the check computes the submission's (policies/checks/duplicate.ts). */
function yearOf(signed: unknown, received: unknown, timeZone: string): number {
  // SQLite keeps dates as "YYYY-MM-DD HH:mm:ss.SSS +00:00" (UTC), PostgreSQL returns a Date.
  return documentYear(typeof signed === 'string' ? signed : null, received instanceof Date ? received : new Date(String(received)), timeZone);
}

export async function findDuplicate(sequelize: Sequelize, q: DuplicateQuery): Promise<DuplicateMatch | null> {
  if (q.messageId) {
    const rows = await query<{ id: string }>(sequelize, "SELECT id FROM documents WHERE rfc822_message_id = :messageId AND status = 'accepted' LIMIT 1", {
      messageId: q.messageId,
    });
    if (rows[0]) return { trackingId: rows[0].id, by: 'message-id' };
  }
  if (q.documentNumber) {
    const rows = await query<{ id: string; signed_date: string | null; received_at: unknown }>(
      sequelize,
      "SELECT id, signed_date, received_at FROM documents WHERE sender_agency_id = :agency AND document_number = :number AND status = 'accepted' LIMIT 100",
      { agency: q.senderAgencyId, number: q.documentNumber.normalize('NFC') },
    );
    const sameYear = rows.find((r) => yearOf(r.signed_date, r.received_at, q.timeZone) === q.year);
    if (sameYear) return { trackingId: sameYear.id, by: 'document-number' };
  }
  return null;
}
