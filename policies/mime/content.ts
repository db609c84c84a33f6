// Decoded part content: kept in memory while small, moved to a temp file beyond a threshold, so a
// 25 MB attachment never sits whole in memory and checks still get random access to its bytes.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { readFileRange, writeFully } from '../../config/file-io.js';
import { randomBytes } from 'node:crypto';

export class ContentTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`content of ${size} bytes exceeds the ${limit}-byte limit for in-memory use`);
  }
}

export interface PartContent {
  readonly size: number;
  readonly sha256: string;
  /** Temp file holding the content when it was too large for memory, else null. */
  readonly filePath: string | null;
  /** The whole content; throws ContentTooLargeError above maxBytes (default 32 MiB). */
  buffer(maxBytes?: number): Promise<Buffer>;
  /** Up to `length` bytes from `position` (fewer at the end). */
  read(position: number, length: number): Promise<Buffer>;
  stream(): Readable;
}

const DEFAULT_BUFFER_LIMIT = 32 * 1024 * 1024;

class MemoryContent implements PartContent {
  readonly filePath = null;
  constructor(
    private readonly data: Buffer,
    readonly sha256: string,
  ) {}
  get size(): number {
    return this.data.length;
  }
  async buffer(maxBytes = DEFAULT_BUFFER_LIMIT): Promise<Buffer> {
    if (this.data.length > maxBytes) throw new ContentTooLargeError(this.data.length, maxBytes);
    return this.data;
  }
  async read(position: number, length: number): Promise<Buffer> {
    return this.data.subarray(position, Math.min(this.data.length, position + length));
  }
  stream(): Readable {
    return Readable.from([this.data]);
  }
}

class FileContent implements PartContent {
  constructor(
    readonly filePath: string,
    readonly size: number,
    readonly sha256: string,
  ) {}
  async buffer(maxBytes = DEFAULT_BUFFER_LIMIT): Promise<Buffer> {
    if (this.size > maxBytes) throw new ContentTooLargeError(this.size, maxBytes);
    return this.read(0, this.size);
  }
  read(position: number, length: number): Promise<Buffer> {
    const want = Math.max(0, Math.min(length, this.size - position));
    return readFileRange(this.filePath, position, position + want);
  }
  stream(): Readable {
    return createReadStream(this.filePath);
  }
}

/** Collects decoded bytes for one part; spills to `tempDir` past `memoryLimit`. */
export class ContentSink {
  private readonly hash: Hash = createHash('sha256');
  /** Appended since the last settle(): hashed and stored in one piece, not one call per line. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Hashed, kept in memory (until spilled to the file). */
  private kept: Buffer[] = [];
  private keptLength = 0;
  private total = 0;
  private file: FileHandle | null = null;
  private filePath: string | null = null;

  constructor(
    private readonly tempDir: string,
    private readonly memoryLimit: number,
    private readonly tempFiles: string[],
  ) {}

  get size(): number {
    return this.total;
  }

  /** Takes decoded bytes synchronously; call settle() between input chunks to spill or flush. */
  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
  }

  private fileOffset = 0;

  async settle(): Promise<void> {
    if (this.pendingLength > 0) {
      const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.pendingLength = 0;
      this.hash.update(data);
      this.kept.push(data);
      this.keptLength += data.length;
    }
    if (!this.file && this.total > this.memoryLimit) {
      this.filePath = path.join(this.tempDir, `part-${randomBytes(8).toString('hex')}`);
      this.tempFiles.push(this.filePath);
      this.file = await open(this.filePath, 'wx', 0o600);
    }
    if (this.file && this.keptLength > 0) {
      const data = this.kept.length === 1 ? this.kept[0] : Buffer.concat(this.kept, this.keptLength);
      this.kept = [];
      this.keptLength = 0;
      // A short write near a full disk must fail the parse (451), not leave a truncated part to judge.
      await writeFully(this.file, data, this.fileOffset);
      this.fileOffset += data.length;
    }
  }

  async finish(): Promise<PartContent> {
    await this.settle();
    const sha256 = this.hash.digest('hex');
    if (this.file && this.filePath) {
      await this.file.close();
      this.file = null;
      return new FileContent(this.filePath, this.total, sha256);
    }
    const data = this.kept.length === 1 ? this.kept[0] : Buffer.concat(this.kept, this.keptLength);
    this.kept = [];
    return new MemoryContent(data, sha256);
  }

  /** Closes the temp file on an aborted parse; removal is left to the owner of tempFiles. */
  async abort(): Promise<void> {
    if (this.file) {
      await this.file.close().catch(() => undefined);
      this.file = null;
    }
  }
}

export async function removeTempFiles(files: string[]): Promise<void> {
  await Promise.all(files.map((file) => rm(file, { force: true }).catch(() => undefined)));
}
