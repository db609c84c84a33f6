// Message content rows over SQL: the messages row (trace prefix, blob, structure, header) of a stored
// message, cached by row id. The bytes themselves are served by served-bytes.ts.

import type { Transaction } from 'sequelize';
import type { MimeNodeInfo } from '../../policies/mime/types.js';
import { toNumber } from '../models.js';
import { execute } from '../sql.js';
import { ContentCache } from './content-cache.js';
import { chunks, select, type SqlMailboxStoreDeps } from './sql-context.js';
import { MailboxStoreError, type ImapRendering, type MessageContent, type RenderedItem } from './store.js';

/** The messages columns (migration 016) holding each rendered FETCH item. */
const RENDERING_COLUMNS: Record<RenderedItem, string> = { ENVELOPE: 'imap_envelope', BODY: 'imap_body', BODYSTRUCTURE: 'imap_bodystructure' };

function renderingOf(row: Record<string, unknown>): ImapRendering {
  const out: ImapRendering = {};
  for (const [item, column] of Object.entries(RENDERING_COLUMNS) as [RenderedItem, string][]) {
    const value = row[column];
    if (Buffer.isBuffer(value)) out[item] = value;
  }
  return out;
}

/** Writes the renderings of one message row in transaction `t`; a column already set is left as it is. */
export async function writeRendering(deps: SqlMailboxStoreDeps, t: Transaction, messageRowId: number, rendered: ImapRendering): Promise<void> {
  const sets: string[] = [];
  const params: Record<string, Buffer | number> = { id: messageRowId };
  for (const [item, column] of Object.entries(RENDERING_COLUMNS) as [RenderedItem, string][]) {
    const value = rendered[item];
    if (!value) continue;
    sets.push(`${column} = COALESCE(${column}, :${column})`);
    params[column] = value;
  }
  if (sets.length > 0) await execute(deps.sequelize, `UPDATE messages SET ${sets.join(', ')} WHERE id = :id`, params, t);
}

function toContent(row: Record<string, unknown>): MessageContent {
  // The structure JSON is parsed on first use: SEARCH on header fields and FETCH FLAGS never need it.
  const json = typeof row.structure === 'string' && row.structure ? row.structure : null;
  let parsed: MimeNodeInfo | null | undefined;
  return {
    id: toNumber(row.id),
    prefix: Buffer.from(typeof row.prefix === 'string' ? row.prefix : '', 'latin1'),
    blobSha256: String(row.blob_sha256),
    size: toNumber(row.size),
    get structure(): MimeNodeInfo | null {
      if (parsed === undefined) {
        try {
          parsed = json ? (JSON.parse(json) as MimeNodeInfo) : null;
        } catch {
          parsed = null;
        }
      }
      return parsed;
    },
    header: Buffer.isBuffer(row.header) ? row.header : null,
    rendered: renderingOf(row),
  };
}

export class SqlContent {
  private readonly cache = new ContentCache(4096);

  constructor(private readonly deps: SqlMailboxStoreDeps) {}

  async content(messageRowId: number): Promise<MessageContent> {
    const found = await this.contents([messageRowId]);
    const content = found.get(messageRowId);
    if (!content) throw new MailboxStoreError('no-such-message', `message row ${messageRowId}`);
    return content;
  }

  async contents(messageRowIds: number[]): Promise<Map<number, MessageContent>> {
    const out = new Map<number, MessageContent>();
    const missing: number[] = [];
    for (const id of new Set(messageRowIds)) {
      const hit = this.cache.get(id);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    for (const part of chunks(missing)) {
      const rows = await select(
        this.deps,
        'SELECT id, blob_sha256, prefix, size, structure, header, imap_envelope, imap_body, imap_bodystructure FROM messages WHERE id IN (:part)',
        { part },
      );
      for (const row of rows) {
        const content = toContent(row);
        this.cache.set(content.id, content);
        out.set(content.id, content);
      }
    }
    return out;
  }

  /** One write transaction for the lot; the cached descriptors already carry them (FETCH added them). */
  async saveRenderings(items: { messageRowId: number; rendered: ImapRendering }[]): Promise<void> {
    if (items.length === 0) return;
    await this.deps.writes.run(async (t) => {
      for (const item of items) await writeRendering(this.deps, t, item.messageRowId, item.rendered);
    });
    for (const item of items) {
      const cached = this.cache.get(item.messageRowId);
      if (cached) Object.assign(cached.rendered, item.rendered);
    }
  }
}
