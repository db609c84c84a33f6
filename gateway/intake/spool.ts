// Streams DATA to a spool file while computing its SHA-256 and enforcing what SMTP itself forbids:
// the size limit, bare CR or LF (SMTP smuggling: only CRLF.CRLF may end DATA and nothing that a relay
// could read as a line end may pass), NUL bytes, over-long lines, an over-large header block.
// Incoming X-Docgate-* header fields are renamed (policies/mime/trust-headers.ts, the same rule as IMAP
// APPEND) so no sender can forge a verdict. The message is never held whole in memory; the spool file
// is fsynced before this returns.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { verifyWritten, writeFully, type WritableFile } from '../../config/file-io.js';
import { neutraliseHeaders } from '../../policies/mime/trust-headers.js';

export interface SpoolLimits {
  maxSize: number;
  /** Longest line allowed, excluding CRLF (RFC 5321 4.5.3.1.6: 998). */
  maxLineLength: number;
  maxHeaderSize: number;
}

export type SpoolViolationKind = 'size' | 'header-size' | 'bare-lf' | 'bare-cr' | 'nul' | 'line-length';

export interface SpoolViolation {
  kind: SpoolViolationKind;
  /** Byte offset where it was found. */
  offset: number;
}

export interface SpoolResult {
  path: string;
  size: number;
  sha256: string;
  /** Set when the data broke a limit; the spool file has then been removed. */
  violation: SpoolViolation | null;
  /** How many X-Docgate-* fields were renamed. */
  neutralisedHeaders: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const WRITE_CHUNK = 256 * 1024;

class LineScanner {
  private lastByte = -1;
  /** Bytes of the current line so far (a trailing CR not counted). */
  private lineLength = 0;
  violation: SpoolViolation | null = null;

  constructor(private readonly maxLineLength: number) {}

  /** Checks one chunk at absolute `offset`; native indexOf keeps this fast on large messages. */
  scan(chunk: Buffer, offset: number): void {
    if (this.violation || chunk.length === 0) return;
    if (this.lastByte === 0x0d && chunk[0] !== 0x0a) return this.fail('bare-cr', offset - 1);
    const nul = chunk.indexOf(0);
    if (nul !== -1) return this.fail('nul', offset + nul);
    // Every CR must be followed by LF (a CR ending the chunk is checked against the next one).
    for (let cr = chunk.indexOf(0x0d); cr !== -1; cr = chunk.indexOf(0x0d, cr + 1)) {
      if (cr + 1 < chunk.length && chunk[cr + 1] !== 0x0a) return this.fail('bare-cr', offset + cr);
    }
    // Every LF must follow CR; lines between them must fit the limit.
    let lineStart = 0;
    let carried = this.lineLength;
    for (let lf = chunk.indexOf(0x0a); lf !== -1; lf = chunk.indexOf(0x0a, lf + 1)) {
      const previous = lf > 0 ? chunk[lf - 1] : this.lastByte;
      if (previous !== 0x0d) return this.fail('bare-lf', offset + lf);
      const length = carried + Math.max(0, lf - 1 - lineStart);
      if (length > this.maxLineLength) return this.fail('line-length', offset + lineStart);
      carried = 0;
      lineStart = lf + 1;
    }
    const tail = chunk.length - lineStart - (chunk[chunk.length - 1] === 0x0d ? 1 : 0);
    this.lineLength = carried + Math.max(0, tail);
    if (this.lineLength > this.maxLineLength) return this.fail('line-length', offset + lineStart);
    this.lastByte = chunk[chunk.length - 1];
  }

  end(offset: number): void {
    if (!this.violation && this.lastByte === 0x0d) this.fail('bare-cr', offset - 1);
  }

  private fail(kind: SpoolViolationKind, offset: number): void {
    this.violation ??= { kind, offset };
  }
}

/** Read-write so the written bytes can be read back and checked before fsync. */
function openSpoolFile(filePath: string): Promise<WritableFile> {
  return open(filePath, 'wx+', 0o600);
}

/**
 * Consumes the whole stream (so the SMTP session can go on after a refusal) and writes it to a new
 * file in `spoolDir`.
 */
export async function spoolData(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  spoolDir: string,
  limits: SpoolLimits,
  openFile: (filePath: string) => Promise<WritableFile> = openSpoolFile,
): Promise<SpoolResult> {
  const filePath = path.join(spoolDir, `${Date.now()}-${randomBytes(8).toString('hex')}.eml`);
  const handle = await openFile(filePath).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    await mkdir(spoolDir, { recursive: true });
    return openFile(filePath);
  });
  const hash = createHash('sha256');
  const scanner = new LineScanner(limits.maxLineLength);
  let size = 0;
  let written = 0;
  let violation: SpoolViolation | null = null;
  let headerParts: Buffer[] | null = [];
  let headerLength = 0;
  let neutralisedHeaders = 0;
  let pending: Buffer[] = [];
  let pendingLength = 0;

  const write = async (data: Buffer, force = false) => {
    if (data.length > 0) {
      hash.update(data);
      pending.push(data);
      pendingLength += data.length;
      written += data.length;
    }
    if (pendingLength >= WRITE_CHUNK || (force && pendingLength > 0)) {
      const out = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLength);
      // Everything before the pending bytes is on disk already.
      const position = written - pendingLength;
      pending = [];
      pendingLength = 0;
      await writeFully(handle, out, position);
    }
  };

  const flushHeader = async (rest: Buffer | null) => {
    const header = Buffer.concat(headerParts!, headerLength);
    headerParts = null;
    const end = header.indexOf(HEADER_END);
    const headerBlock = end === -1 ? header : header.subarray(0, end + 2);
    const neutralised = neutraliseHeaders(headerBlock);
    neutralisedHeaders = neutralised.count;
    await write(neutralised.bytes);
    if (end !== -1) await write(header.subarray(end + 2));
    if (rest) await write(rest);
  };

  try {
    for await (const piece of stream) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece;
      const offset = size;
      size += chunk.length;
      if (violation) continue;
      if (size > limits.maxSize) {
        violation = { kind: 'size', offset: limits.maxSize };
        continue;
      }
      scanner.scan(chunk, offset);
      if (scanner.violation) {
        violation = scanner.violation;
        continue;
      }
      if (headerParts) {
        // Search the seam too: the blank line may straddle two chunks.
        const seamStart = Math.max(0, headerLength - 3);
        headerParts.push(chunk);
        headerLength += chunk.length;
        const window: Buffer = headerParts.length === 1 ? chunk : Buffer.concat(headerParts, headerLength);
        if (headerParts.length > 1) headerParts = [window];
        const end = window.indexOf(HEADER_END, seamStart);
        if (end !== -1) {
          if (end + 2 > limits.maxHeaderSize) {
            violation = { kind: 'header-size', offset: limits.maxHeaderSize };
            continue;
          }
          await flushHeader(null);
        } else if (headerLength > limits.maxHeaderSize) {
          violation = { kind: 'header-size', offset: limits.maxHeaderSize };
        }
        continue;
      }
      await write(chunk);
    }
    if (!violation) {
      scanner.end(size);
      violation = scanner.violation;
    }
    if (!violation && headerParts) await flushHeader(null);
    if (!violation) {
      await write(Buffer.alloc(0), true);
      // Read back before fsync: a short write must end as 451, never as a truncated message judged.
      const sha256 = hash.copy().digest('hex');
      await verifyWritten(handle, written, sha256);
      await handle.sync();
    }
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(filePath).catch(() => undefined);
    throw err;
  }
  await handle.close();
  if (violation) {
    await unlink(filePath).catch(() => undefined);
    return { path: filePath, size, sha256: '', violation, neutralisedHeaders: 0 };
  }
  return { path: filePath, size: written, sha256: hash.digest('hex'), violation: null, neutralisedHeaders };
}
