// The duplicate lookup (policies/checks/duplicate.ts) as bound-parameter SQL. sequelize's finders
// inline values as escaped literals, and its SQLite escaping turns a NUL in a submitted số ký hiệu
// into `SQLITE_ERROR: unrecognized token`: every value here goes to the driver as a bind parameter.

import { QueryTypes, type Sequelize } from 'sequelize';

export interface DuplicateQuery {
  messageId: string | null;
  senderAgencyId: string;
  documentNumber: string | null;
  year: number;
}

export type DuplicateMatch = { trackingId: string; by: 'message-id' | 'document-number' };

function yearOf(signed: unknown, received: unknown): number {
  if (typeof signed === 'string' && signed) return Number(signed.slice(0, 4));
  // SQLite keeps dates as "YYYY-MM-DD HH:mm:ss.SSS +00:00" (UTC), PostgreSQL returns a Date.
  return received instanceof Date ? received.getUTCFullYear() : Number(String(received).slice(0, 4));
}

export async function findDuplicate(sequelize: Sequelize, q: DuplicateQuery): Promise<DuplicateMatch | null> {
  if (q.messageId) {
    const rows = await sequelize.query<{ id: string }>(
      "SELECT id FROM documents WHERE rfc822_message_id = $1 AND status = 'accepted' LIMIT 1",
      { bind: [q.messageId], type: QueryTypes.SELECT },
    );
    if (rows[0]) return { trackingId: rows[0].id, by: 'message-id' };
  }
  if (q.documentNumber) {
    const rows = await sequelize.query<{ id: string; signed_date: string | null; received_at: unknown }>(
      "SELECT id, signed_date, received_at FROM documents WHERE sender_agency_id = $1 AND document_number = $2 AND status = 'accepted' LIMIT 100",
      { bind: [q.senderAgencyId, q.documentNumber.normalize('NFC')], type: QueryTypes.SELECT },
    );
    const sameYear = rows.find((r) => yearOf(r.signed_date, r.received_at) === q.year);
    if (sameYear) return { trackingId: sameYear.id, by: 'document-number' };
  }
  return null;
}
