// The bytes a signature covers: a byte range of the stored message file (the first part of a
// multipart/signed, headers and body, exactly as received) or the eContent of an opaque signature.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { HashName } from './algorithms.js';
import type { SignedContent } from './verify.js';

/** Bytes [start, end) of a file, hashed by streaming; read whole only when a signer has no signed attributes. */
export function fileRangeContent(file: string, start: number, end: number): SignedContent {
  const digests = new Map<HashName, Promise<Buffer>>();
  const hashRange = (hash: HashName) =>
    new Promise<Buffer>((resolve, reject) => {
      const h = createHash(hash);
      if (end <= start) return resolve(h.digest());
      createReadStream(file, { start, end: end - 1, highWaterMark: 256 * 1024 })
        .on('data', (chunk) => h.update(chunk))
        .on('error', reject)
        .on('end', () => resolve(h.digest()));
    });
  return {
    digest(hash) {
      let pending = digests.get(hash);
      if (!pending) {
        pending = hashRange(hash);
        digests.set(hash, pending);
      }
      return pending;
    },
    async bytes() {
      const handle = await open(file, 'r');
      try {
        const out = Buffer.alloc(Math.max(0, end - start));
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return out.subarray(0, done);
      } finally {
        await handle.close();
      }
    },
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
