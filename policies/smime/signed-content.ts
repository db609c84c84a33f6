// The bytes a signature covers: a byte range of the stored message file (the first part of a
// multipart/signed, headers and body, exactly as received), the eContent of an opaque signature, or the
// /ByteRange of a PDF signature.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFileRange } from '../../config/file-io.js';
import type { HashName } from './algorithms.js';
import type { SignedContent } from './signer-signature.js';

/** Ranges up to this size are read in one call (faster than a stream); larger ones are streamed. */
const READ_WHOLE_LIMIT = 4 * 1024 * 1024;

function streamDigest(file: string, start: number, end: number, hash: HashName): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const h = createHash(hash);
    createReadStream(file, { start, end: end - 1, highWaterMark: 256 * 1024 })
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest()));
  });
}

/** Bytes [start, end) of a file; large ranges are hashed by streaming and never held whole. */
export function fileRangeContent(file: string, start: number, end: number): SignedContent {
  const digests = new Map<HashName, Promise<Buffer>>();
  let small: Promise<Buffer> | null = null;
  const smallBytes = () => (small ??= readFileRange(file, start, end));
  return {
    digest(hash) {
      let pending = digests.get(hash);
      if (!pending) {
        pending =
          end <= start
            ? Promise.resolve(createHash(hash).digest())
            : end - start <= READ_WHOLE_LIMIT
              ? smallBytes().then((data) => createHash(hash).update(data).digest())
              : streamDigest(file, start, end, hash);
        digests.set(hash, pending);
      }
      return pending;
    },
    bytes: () => (end - start <= READ_WHOLE_LIMIT ? smallBytes() : readFileRange(file, start, end)),
  };
}

export function bufferContent(data: Buffer): SignedContent {
  const digests = new Map<HashName, Buffer>();
  return {
    async digest(hash) {
      let value = digests.get(hash);
      if (!value) {
        value = createHash(hash).update(data).digest();
        digests.set(hash, value);
      }
      return value;
    },
    async bytes() {
      return data;
    },
  };
}

/** The concatenation of byte ranges of one buffer (a PDF signature's /ByteRange), digested without copying. */
export function bufferRangesContent(data: Buffer, ranges: readonly (readonly [number, number])[]): SignedContent {
  const digests = new Map<HashName, Buffer>();
  const parts = ranges.map(([start, end]) => data.subarray(start, end));
  return {
    async digest(hash) {
      let value = digests.get(hash);
      if (!value) {
        const h = createHash(hash);
        for (const part of parts) h.update(part);
        value = h.digest();
        digests.set(hash, value);
      }
      return value;
    },
    async bytes() {
      return Buffer.concat(parts);
    },
  };
}
