// The top-level header block of a stored message, copied into the database with it (messages.header)
// so IMAP reads envelopes and header fields without opening blob files.

import { open } from 'node:fs/promises';

/** Header blocks larger than this are not copied (IMAP then reads them from the blob). */
const MAX_STORED_HEADER = 64 * 1024;

/** Bytes [0, bodyStart) of a message file, or null when the block is empty or too large to keep. */
export async function readHeaderBlock(path: string, bodyStart: number): Promise<Buffer | null> {
  if (bodyStart <= 0 || bodyStart > MAX_STORED_HEADER) return null;
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(bodyStart), 0, bodyStart, 0);
    return bytesRead === bodyStart ? buffer : null;
  } finally {
    await handle.close();
  }
}

/** The same for a message already in memory. */
export function headerBlockOf(bytes: Buffer, bodyStart: number): Buffer | null {
  return bodyStart > 0 && bodyStart <= MAX_STORED_HEADER && bodyStart <= bytes.length ? Buffer.from(bytes.subarray(0, bodyStart)) : null;
}
