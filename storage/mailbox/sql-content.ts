// Message content rows over SQL: the messages row (trace prefix, blob, structure, header) of a stored
// message, cached by row id. The bytes themselves are served by served-bytes.ts.

import type { MimeNodeInfo } from '../../policies/mime/types.js';
import { toNumber } from '../models.js';
import { ContentCache } from './content-cache.js';
import { chunks, select, type SqlMailboxStoreDeps } from './sql-context.js';
import { MailboxStoreError, type MessageContent } from './store.js';

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
      const rows = await select(this.deps, 'SELECT id, blob_sha256, prefix, size, structure, header FROM messages WHERE id IN (:part)', { part });
      for (const row of rows) {
        const content = toContent(row);
        this.cache.set(content.id, content);
        out.set(content.id, content);
      }
    }
    return out;
  }
}
