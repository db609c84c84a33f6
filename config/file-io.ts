// Writes that a 250 depends on. FileHandle.write() may write fewer bytes than asked without throwing
// when the disk is nearly full, so every write loops until done, and what is on disk is read back
// (size and SHA-256) before the file is fsynced and renamed: a truncated file is never accepted.

import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** The subset of node:fs/promises FileHandle that spooling uses; tests inject short-writing ones. */
export interface WritableFile {
  write(buffer: Buffer, offset: number, length: number, position?: number | null): Promise<{ bytesWritten: number }>;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

class ShortWriteError extends Error {
  readonly code = 'ESHORTWRITE';
}

/** Writes the whole buffer at `position`, looping over partial writes; a write making no progress fails. */
export async function writeFully(handle: WritableFile, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    if (bytesWritten <= 0) throw new ShortWriteError(`write made no progress at byte ${position + done} of a ${position + data.length}-byte file`);
    done += bytesWritten;
  }
}

/** Reads the file back and fails unless it holds exactly `size` bytes hashing to `sha256`. */
export async function verifyWritten(handle: WritableFile, size: number, sha256: string): Promise<void> {
  const actual = (await handle.stat()).size;
  if (actual !== size) throw new ShortWriteError(`file on disk has ${actual} bytes, ${size} were written`);
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 1), 1024 * 1024));
  let position = 0;
  while (position < size) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  const digest = hash.digest('hex');
  if (position !== size || digest !== sha256) throw new ShortWriteError(`file on disk does not match what was written (sha256 ${digest}, expected ${sha256})`);
}

/** Up to `length` bytes of an open file from `position`, looping over short reads; fewer only at its end. */
export async function readFully(handle: Pick<WritableFile, 'read'>, position: number, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(Math.max(0, length));
  let done = 0;
  while (done < out.length) {
    const { bytesRead } = await handle.read(out, done, out.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return out.subarray(0, done);
}

/** Bytes [start, end) of a file (fewer when the file is shorter). */
export async function readFileRange(file: string, start: number, end: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    return await readFully(handle, start, end - start);
  } finally {
    await handle.close();
  }
}
