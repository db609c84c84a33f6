// Message content over SQL and the blob store: the messages row (trace prefix, blob, structure, header)
// cached by row id, and the bytes as served (prefix, then blob), read whole or streamed.

import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { MimeNodeInfo } from '../../policies/mime/types.js';
import type { BlobStore } from '../blobs.js';

/** Where the blob bytes come from: the blob store, or the memory store's buffers. */
export type BlobSource = Pick<BlobStore, 'read' | 'stream'>;
import { toNumber } from '../models.js';
import { ContentCache } from './content-cache.js';
import { chunks, select, type SqlMailboxStoreDeps } from './sql-context.js';
import { MailboxStoreError, type MessageContent } from './store.js';

function toContent(row: Record<string, unknown>): MessageContent {
  // The structure JSON is parsed on first use: SEARCH on header fields and FETCH FLAGS never need it.
  const json = row.structure ? String(row.structure) : null;
  let parsed: MimeNodeInfo | null | undefined;
  return {
    id: toNumber(row.id),
    prefix: Buffer.from(String(row.prefix ?? ''), 'latin1'),
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

/** Bytes [start, end) of the message as served (prefix + blob). */
export async function readContent(blobs: BlobSource, content: MessageContent, start: number, end: number): Promise<Buffer> {
  const stop = Math.min(end, content.size);
  if (stop <= start) return Buffer.alloc(0);
  const p = content.prefix.length;
  const head = start < p ? content.prefix.subarray(start, Math.min(stop, p)) : Buffer.alloc(0);
  if (stop <= p) return Buffer.from(head);
  const tail = await blobs.read(content.blobSha256, Math.max(0, start - p), stop - p);
  // A short blob (damaged store) is an error, never a silently shorter message.
  if (tail.length !== stop - Math.max(p, start)) throw new Error(`blob ${content.blobSha256} is shorter than its row says`);
  return head.length > 0 ? Buffer.concat([head, tail]) : tail;
}

export function streamContent(blobs: BlobSource, content: MessageContent, start: number, end: number): Readable {
  const stop = Math.min(end, content.size);
  const p = content.prefix.length;
  const out = new PassThrough();
  if (stop <= start) {
    out.end();
    return out;
  }
  if (start < p) out.write(content.prefix.subarray(start, Math.min(stop, p)));
  if (stop <= p) {
    out.end();
    return out;
  }
  const blob = blobs.stream(content.blobSha256, Math.max(0, start - p), stop - p);
  // pipeline, not pipe: when the reader destroys `out` (a client gone mid-FETCH) the blob's file
  // descriptor is closed too, and a blob error reaches the reader.
  pipeline(blob, out, () => undefined);
  return out;
}
