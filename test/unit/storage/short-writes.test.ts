// Near a full disk FileHandle.write() may write fewer bytes than asked without throwing. The spool
// must loop, read back what is on disk, and fail (451 upstream) rather than return a truncated file;
// the blob store must not adopt a damaged existing blob by name.

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spoolData } from '../../../gateway/intake/spool.js';
import { FileBlobStore } from '../../../storage/blobs.js';
import type { WritableFile } from '../../../config/file-io.js';

const limits = { maxSize: 4 * 1024 * 1024, maxLineLength: 998, maxHeaderSize: 8192 };

function message(size: number): Buffer {
  const line = 'Noi dung van ban thu nghiem 0123456789 abcdefghijklmnopqrstuvwxyz\r\n';
  return Buffer.from(`From: a@b.vn\r\nSubject: s\r\n\r\n${line.repeat(Math.ceil(size / line.length))}`);
}

/** A real file whose writes store at most `max(bytes)` per call; `full` makes writes store nothing past a byte. */
function shortWriter(options: { perCall?: number; fullAt?: number; lie?: boolean }) {
  return async (filePath: string): Promise<WritableFile> => {
    const real = await open(filePath, 'wx+', 0o600);
    return {
      async write(buffer, offset, length, position) {
        let n = Math.min(length, options.perCall ?? length);
        if (options.fullAt !== undefined) n = Math.max(0, Math.min(n, options.fullAt - (position ?? 0)));
        if (n > 0) await real.write(buffer, offset, n, position);
        // A lying file system reports everything written; an honest one reports the short count.
        return { bytesWritten: options.lie ? length : n };
      },
      read: (buffer, offset, length, position) => real.read(buffer, offset, length, position),
      stat: () => real.stat(),
      sync: () => real.sync(),
      close: () => real.close(),
    };
  };
}

describe('short writes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'short-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('spool loops over partial writes and stores the bytes exactly', async () => {
    const data = message(700 * 1024);
    const result = await spoolData([data], dir, limits, shortWriter({ perCall: 1000 }));
    expect(result.violation).to.equal(null);
    expect(readFileSync(result.path).equals(data)).to.equal(true);
    expect(result.sha256).to.equal(createHash('sha256').update(data).digest('hex'));
  });

  it('spool fails (and leaves no file) when the disk stops taking bytes without an error', async () => {
    const data = message(700 * 1024);
    let error: unknown = null;
    await spoolData([data], dir, limits, shortWriter({ fullAt: 300 * 1024 })).catch((err: unknown) => {
      error = err;
    });
    expect(error, 'a truncated spool file must never be returned').to.be.instanceOf(Error);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('spool fails when the file system reports bytes it did not store', async () => {
    const data = message(700 * 1024);
    let error: unknown = null;
    await spoolData([data], dir, limits, shortWriter({ fullAt: 300 * 1024, lie: true })).catch((err: unknown) => {
      error = err;
    });
    expect(error).to.be.instanceOf(Error);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('blob store replaces a short or damaged existing blob instead of adopting it by name', async () => {
    const store = new FileBlobStore(path.join(dir, 'blobs'));
    await store.init();
    const data = message(10 * 1024);
    const sha = createHash('sha256').update(data).digest('hex');
    const target = store.pathOf(sha);
    mkdirSync(path.dirname(target), { recursive: true });
    for (const damaged of [data.subarray(0, 100), Buffer.concat([Buffer.from('X'), data.subarray(1)])]) {
      writeFileSync(target, damaged);
      const temp = path.join(dir, 'incoming.eml');
      writeFileSync(temp, data);
      await store.adopt(temp, sha);
      expect(readFileSync(target).equals(data), 'the damaged blob was replaced').to.equal(true);
      // The store remembers it verified this blob; damage it again through a fresh store.
      (store as unknown as { verified: { entries: Map<string, true> } }).verified.entries.clear();
    }
  });
});
