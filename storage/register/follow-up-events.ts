// Register events of some statuses across documents (urgent alerts, reminders), newest last, with the
// document's số ký hiệu and urgency: what `docgate alert list` shows and a report counts.

import type { Sequelize } from 'sequelize';
import type { RegisterEventRow, RegisterStatus } from '../rows.js';
import { toDate, toNumber } from '../models.js';
import { query } from '../sql.js';

export interface EventWithDocument extends Pick<RegisterEventRow, 'id' | 'entryId' | 'status' | 'actor' | 'note' | 'at'> {
  documentId: string;
  agencyId: string;
  documentNumber: string | null;
  urgency: string | null;
  senderAgencyId: string;
}

export async function eventsWithStatus(
  sequelize: Sequelize,
  q: { statuses: RegisterStatus[]; agencyId?: string; documentId?: string; limit?: number },
): Promise<EventWithDocument[]> {
  const where = ['e.status IN (:statuses)'];
  const params: Record<string, string | number | string[]> = { statuses: q.statuses, limit: q.limit ?? 10_000 };
  if (q.agencyId) {
    where.push('e.agency_id = :agencyId');
    params.agencyId = q.agencyId;
  }
  if (q.documentId) {
    where.push('e.document_id = :documentId');
    params.documentId = q.documentId;
  }
  const rows = await query(
    sequelize,
    `SELECT e.*, d.document_number, d.urgency, d.sender_agency_id FROM register_events e JOIN documents d ON d.id = e.document_id
     WHERE ${where.join(' AND ')} ORDER BY e.id LIMIT :limit`,
    params,
  );
  return rows.map((r) => ({
    id: toNumber(r.id),
    documentId: String(r.document_id),
    entryId: r.entry_id === null || r.entry_id === undefined ? null : toNumber(r.entry_id),
    agencyId: String(r.agency_id),
    status: String(r.status) as RegisterStatus,
    actor: (r.actor as string | null) ?? null,
    note: (r.note as string | null) ?? null,
    at: toDate(r.at),
    documentNumber: (r.document_number as string | null) ?? null,
    urgency: (r.urgency as string | null) ?? null,
    senderAgencyId: String(r.sender_agency_id),
  }));
}
