// The blob store in PostgreSQL itself (docgate.yaml `blobs: postgres`): each blob is a row of
// blob_store (digest, size, chunk size, last write or reuse) and its bytes are bytea rows of blob_chunks
// (256 KB each, keyed by digest and sequence number; migration 017). adopt() copies the fsynced spool file
// into the database in a transaction of its own that commits before the acceptance transaction begins,
// so a 250 implies durable bytes and rows. Reads fetch one chunk at a time (never the whole blob), so an
// IMAP partial FETCH, a relay or an export stream a 20 MB message in bounded memory. Several processes
// with separate data directories share the store through the database alone.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transaction, type Sequelize } from 'sequelize';
import { SHA256, type BlobFile, type BlobStore, type LocalBlob } from './blobs.js';
import { Lru } from './lru.js';
import { execute, query } from './sql.js';

export const CHUNK_SIZE = 256 * 1024;

interface BlobRow {
  size: number;
  chunkSize: number;
}

function checked(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
  return sha256;
}

function missing(sha256: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`blob ${sha256} is not in the database store`);
  err.code = 'ENOENT';
  return err;
}

export class PgBlobStore implements BlobStore {
  readonly kind = 'postgres';
  bytesWritten = 0;

  /** Blobs whose bytes this process has written or hashed: reusing them needs only a size check. */
  private readonly verified = new Lru<string, true>(100_000);

  constructor(
    private readonly sequelize: Sequelize,
    private readonly chunkSize = CHUNK_SIZE,
  ) {
    if (sequelize.getDialect() !== 'postgres') throw new Error('the database blob store needs PostgreSQL');
  }

  async init(): Promise<void> {
    // The tables come from migration 017; a store that cannot see them fails at start, not at the first 250.
    await query(this.sequelize, 'SELECT 1 AS ok FROM blob_store LIMIT 1', {});
  }

  private transaction<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, work);
  }

  async adopt(tempPath: string, sha256: string): Promise<string[]> {
    checked(sha256);
    const handle = await open(tempPath, 'r');
    try {
      const { size } = await handle.stat();
      await this.transaction(async (t) => {
        const now = Date.now();
        const created = await query(
          this.sequelize,
          `INSERT INTO blob_store (sha256, size, chunk_size, touched_at) VALUES (:sha256, :size, :chunkSize, :now)
           ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
          { sha256, size, chunkSize: this.chunkSize, now },
          t,
        );
        if (created.length === 0) {
          // Reused: young again for the orphan sweep, and locked until this commits. Trusted only when intact.
          await execute(this.sequelize, 'UPDATE blob_store SET touched_at = :now WHERE sha256 = :sha256', { sha256, now }, t);
          if (await this.intact(sha256, size, t)) return;
          await execute(this.sequelize, 'DELETE FROM blob_chunks WHERE sha256 = :sha256', { sha256 }, t);
          await execute(
            this.sequelize,
            'UPDATE blob_store SET size = :size, chunk_size = :chunkSize WHERE sha256 = :sha256',
            { sha256, size, chunkSize: this.chunkSize },
            t,
          );
        }
        await this.writeChunks(handle, sha256, size, t);
        this.bytesWritten += size;
      });
      this.verified.set(sha256, true);
    } finally {
      await handle.close();
    }
    await unlink(tempPath).catch(() => undefined);
    return [];
  }

  private async writeChunks(handle: Awaited<ReturnType<typeof open>>, sha256: string, size: number, t: Transaction): Promise<void> {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(Math.min(this.chunkSize, Math.max(size, 1)));
    for (let seq = 0, offset = 0; offset < size; seq++, offset += this.chunkSize) {
      const want = Math.min(this.chunkSize, size - offset);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(buffer, got, want - got, offset + got);
        if (bytesRead === 0) throw new Error(`spool file for ${sha256} is shorter than ${size} bytes`);
        got += bytesRead;
      }
      const data = buffer.subarray(0, want);
      hash.update(data);
      await execute(this.sequelize, 'INSERT INTO blob_chunks (sha256, seq, data) VALUES (:sha256, :seq, :data)', { sha256, seq, data }, t);
    }
    // The spool file was verified when written; what goes into the database is checked again on the way.
    if (hash.digest('hex') !== sha256) throw new Error(`spool file does not hash to ${sha256}`);
  }

  /** Whether the stored blob has this size in its chunks and (unless verified before in this process) this digest. */
  private async intact(sha256: string, size: number, t?: Transaction): Promise<boolean> {
    const rows = await query<{ size: unknown }>(
      this.sequelize,
      'SELECT COALESCE(SUM(octet_length(data)), 0) AS size FROM blob_chunks WHERE sha256 = :sha256',
      { sha256 },
      t,
    );
    if (Number(rows[0]?.size ?? -1) !== size) return false;
    if (this.verified.get(sha256)) return true;
    return (await this.digest(sha256, t).catch(() => null)) === sha256;
  }

  private async row(sha256: string, t?: Transaction): Promise<BlobRow | null> {
    const rows = await query<{ size: unknown; chunk_size: unknown }>(
      this.sequelize,
      'SELECT size, chunk_size FROM blob_store WHERE sha256 = :sha256',
      { sha256: checked(sha256) },
      t,
    );
    return rows.length > 0 ? { size: Number(rows[0].size), chunkSize: Number(rows[0].chunk_size) } : null;
  }

  async digest(sha256: string, t?: Transaction): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of this.chunks(sha256, 0, undefined, t)) hash.update(chunk);
    return hash.digest('hex');
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.row(sha256)) !== null;
  }

  async size(sha256: string): Promise<number> {
    const row = await this.row(sha256);
    if (!row) throw missing(sha256);
    return row.size;
  }

  /**
   * The bytes [start, end) chunk by chunk. A chunk that is missing or not of the length its place
   * needs (a damaged store) is an error, never a silently shifted or shorter message.
   */
  private async *chunks(sha256: string, start = 0, end?: number, t?: Transaction): AsyncGenerator<Buffer> {
    const row = await this.row(sha256, t);
    if (!row) throw missing(sha256);
    const stop = Math.min(end ?? row.size, row.size);
    if (stop <= start) return;
    const first = Math.floor(start / row.chunkSize);
    const last = Math.floor((stop - 1) / row.chunkSize);
    for (let seq = first; seq <= last; seq++) {
      const rows = await query<{ data: Buffer }>(this.sequelize, 'SELECT data FROM blob_chunks WHERE sha256 = :sha256 AND seq = :seq', { sha256, seq }, t);
      const offset = seq * row.chunkSize;
      const expected = Math.min(row.chunkSize, row.size - offset);
      if (rows.length === 0) throw new Error(`blob ${sha256}: chunk ${seq} is missing`);
      const data = rows[0].data;
      if (data.length !== expected) throw new Error(`blob ${sha256}: chunk ${seq} has ${data.length} bytes, expected ${expected}`);
      yield data.subarray(Math.max(0, start - offset), Math.min(expected, stop - offset));
    }
  }

  async read(sha256: string, start = 0, end?: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks(sha256, start, end)) parts.push(chunk);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  stream(sha256: string, start = 0, end?: number): Readable {
    // objectMode off: consumers see a byte stream; a destroyed stream stops fetching chunks.
    return Readable.from(this.chunks(sha256, start, end), { objectMode: false });
  }

  async list(): Promise<BlobFile[]> {
    const rows = await query<{ sha256: string; size: unknown; touched_at: unknown }>(
      this.sequelize,
      `SELECT b.sha256, b.touched_at, COALESCE(SUM(octet_length(c.data)), 0) AS size
         FROM blob_store b LEFT JOIN blob_chunks c ON c.sha256 = b.sha256
        GROUP BY b.sha256, b.touched_at`,
      {},
    );
    return rows.map((r) => ({ sha256: String(r.sha256), size: Number(r.size), mtimeMs: Number(r.touched_at) }));
  }

  async remove(sha256: string, t: Transaction, touchedBefore?: number): Promise<void> {
    // The row lock orders this against a concurrent adopt(): one that reused the blob first made it young
    // (kept); one that comes after waits for this commit and writes the blob again.
    const gone = await query(
      this.sequelize,
      `DELETE FROM blob_store WHERE sha256 = :sha256 AND touched_at < :before RETURNING sha256`,
      { sha256: checked(sha256), before: touchedBefore ?? Number.MAX_SAFE_INTEGER },
      t,
    );
    if (gone.length > 0) await execute(this.sequelize, 'DELETE FROM blob_chunks WHERE sha256 = :sha256', { sha256 }, t);
    this.verified.delete(sha256);
  }

  async localFile(sha256: string, tempDir: string): Promise<LocalBlob> {
    const file = path.join(tempDir, `blob-${sha256.slice(0, 16)}-${randomBytes(6).toString('hex')}.eml`);
    try {
      await pipeline(this.stream(sha256), createWriteStream(file, { mode: 0o600 }));
    } catch (err) {
      await unlink(file).catch(() => undefined);
      throw err;
    }
    return { path: file, release: () => unlink(file).catch(() => undefined) };
  }
}
