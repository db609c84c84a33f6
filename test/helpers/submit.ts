// Submitting raw message bytes over SMTP (nodemailer, STARTTLS) and finding what the register kept.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import type { DocumentRow } from '../../storage/rows.js';
import { transport, type TestGateway } from './gateway.js';
import { AGENCIES } from './env.js';

export interface Submission {
  code: number;
  response: string;
  /** The document the register recorded for this submission (accepted, returned or quarantined), if any. */
  document: DocumentRow | null;
  /** What a recipient gets: docgate's trace block followed by the submitted bytes. */
  stored: Buffer | null;
}

async function documentIds(tg: TestGateway): Promise<Set<string>> {
  const rows = await tg.gateway.storage.db.models.Document.findAll({ attributes: ['id'] });
  return new Set(rows.map((r) => String(r.get('id'))));
}

/**
 * The messages row a recipient agency's INBOX holds for a document (its own copy, with its số đến in the
 * trace block); the first recipient's when no agency is named; null when the document was not delivered.
 */
async function recipientCopyId(tg: TestGateway, trackingId: string, agencyId?: string): Promise<number | null> {
  const rows = await tg.gateway.storage.db.sequelize.query<{ message_id: number | string }>(
    "SELECT mm.message_id FROM mailbox_messages mm JOIN mailboxes mb ON mb.id = mm.mailbox_id WHERE mm.document_id = $1 AND mb.name = 'INBOX'" +
      (agencyId ? ' AND mb.agency_id = $2' : '') +
      ' ORDER BY mm.id LIMIT 1',
    { bind: agencyId ? [trackingId, agencyId] : [trackingId], type: QueryTypes.SELECT },
  );
  return rows[0] ? Number(rows[0].message_id) : null;
}

/** What a recipient is served: its copy's trace prefix + the blob (the document's own row if undelivered). */
export async function storedMessage(tg: TestGateway, document: DocumentRow, agencyId?: string): Promise<Buffer> {
  const message = await tg.gateway.storage.db.models.Message.findByPk((await recipientCopyId(tg, document.id, agencyId)) ?? document.messageRowId!);
  const row = message!.get({ plain: true }) as { prefix: string; blobSha256: string };
  return Buffer.concat([Buffer.from(row.prefix, 'latin1'), await tg.gateway.storage.blobs.read(row.blobSha256)]);
}

/** Sends `raw` from the UBND clerk to the Sở Nội vụ and returns the reply and the register's record. */
export async function submitRaw(
  tg: TestGateway,
  raw: Buffer,
  from: string = AGENCIES.ubnd.address,
  to: string[] = [AGENCIES.snv.address],
): Promise<Submission> {
  const before = await documentIds(tg);
  const client = transport(tg.starttlsPort, from);
  let code: number;
  let response: string;
  try {
    const info = await client.sendMail({ envelope: { from, to }, raw });
    response = info.response;
    code = Number(response.slice(0, 3));
  } catch (err) {
    const e = err as { responseCode?: number; response?: string };
    if (e.responseCode === undefined) throw err;
    code = e.responseCode;
    response = e.response ?? '';
  } finally {
    client.close();
  }
  const added = [...(await documentIds(tg))].filter((id) => !before.has(id));
  const document = added.length === 1 ? await tg.gateway.storage.register.findDocument(added[0]) : null;
  return { code, response, document, stored: document?.messageRowId ? await storedMessage(tg, document) : null };
}

/** A scratch directory for files handed to command-line tools. */
export function scratchDir(): { dir: string; file(name: string, data: Buffer | string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-e2e-'));
  return {
    dir,
    file(name, data) {
      const full = path.join(dir, name);
      writeFileSync(full, data);
      return full;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
