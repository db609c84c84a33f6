// The bytes of a stored message as IMAP serves them: docgate's trace prefix, then the blob, read whole
// or streamed, for any MailboxStore (the blob store's files, or the memory store's buffers).

import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { BlobStore } from '../blobs.js';
import type { MessageContent } from './store.js';

/** Where the blob bytes come from. */
export type BlobSource = Pick<BlobStore, 'read' | 'stream'>;

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
