// Each recipient's own copy of a delivered document: a messages row over the same blob whose trace
// prefix ends with that recipient's số đến (X-Docgate-So-Den) and agency, so the clerk sees the number
// to write on the document. The submitted bytes (the blob) are untouched; one INSERT … SELECT per batch.

import type { Sequelize, Transaction } from 'sequelize';
import { toNumber } from '../models.js';
import { FOLDERS } from '../mailbox/folders.js';
import { query, type NamedParams } from '../sql.js';

export interface CopyRequest {
  /** The document's messages row (sender's trace prefix). */
  messageRowId: number;
  agencyId: string;
  number: number;
  year: number;
}

/** The trace lines a recipient's copy adds (ASCII; docgate's own X-Docgate-* fields). */
function recipientTrace(c: Pick<CopyRequest, 'agencyId' | 'number' | 'year'>): string {
  return `X-Docgate-So-Den: ${c.number}/${c.year}\r\nX-Docgate-Recipient-Agency: ${c.agencyId}\r\n`;
}

/** The IMAP keyword carrying a recipient's số đến on its copy. */
export function soDenKeyword(number: number): string {
  return `$SoDen-${number}`;
}

/** Writes one copy per request; returns the new messages row ids in request order. */
export async function insertRecipientCopies(sequelize: Sequelize, t: Transaction, copies: CopyRequest[]): Promise<number[]> {
  if (copies.length === 0) return [];
  const extras = copies.map(recipientTrace);
  const params: NamedParams = {};
  copies.forEach((c, i) => Object.assign(params, { [`src${i}`]: c.messageRowId, [`extra${i}`]: extras[i] }));
  const rows = await query<{ id: unknown; prefix: unknown }>(
    sequelize,
    `WITH v (src, extra) AS (VALUES ${copies.map((_, i) => `(CAST(:src${i} AS INTEGER), CAST(:extra${i} AS TEXT))`).join(', ')}) ` +
      'INSERT INTO messages (blob_sha256, blob_size, prefix, size, structure, header, created_at) ' +
      'SELECT m.blob_sha256, m.blob_size, m.prefix || v.extra, m.size + LENGTH(v.extra), m.structure, m.header, m.created_at FROM v, messages m WHERE m.id = v.src ' +
      'RETURNING id, prefix',
    params,
    t,
  );
  // (agency, year, number) is unique in a register, so each extra names exactly one returned row.
  const ids = extras.map((extra) => rows.find((r) => String(r.prefix).endsWith(extra)));
  return ids.map((r, i) => {
    if (!r) throw new Error(`recipient copy of message ${copies[i].messageRowId} for ${copies[i].agencyId} not written`);
    return toNumber(r.id);
  });
}

/**
 * The messages row a recipient agency is served for a document: its own copy (in its INBOX, with its số
 * đến), or null when it has none (an agency served only by relay), then the document's own row serves.
 */
export async function recipientCopyRowId(sequelize: Sequelize, documentId: string, agencyId: string): Promise<number | null> {
  const rows = await query<{ message_id: unknown }>(
    sequelize,
    'SELECT mm.message_id FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id WHERE mm.document_id = :documentId AND b.agency_id = :agencyId AND b.name = :inbox ORDER BY mm.id LIMIT 1',
    { documentId, agencyId, inbox: FOLDERS.inbox.name },
  );
  return rows[0] ? toNumber(rows[0].message_id) : null;
}
