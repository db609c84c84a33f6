// Content-addressed store of raw messages, in one of two places (docgate.yaml `blobs`):
// - `files` (default): data/blobs/ab/cd/<sha256>. A blob is written to a temp file, fsynced, renamed
//   into place; the directory entries are fsynced before any database row refers to it. Several
//   processes share it only as a shared directory (NFS/CephFS, see README).
// - `postgres`: bytea chunks in the database itself (storage/blobs-postgres.ts), committed before
//   the row that refers to them, so processes need no shared directory at all.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transaction } from 'sequelize';
import { readFully } from '../config/file-io.js';
import { Lru } from './lru.js';

export const SHA256 = /^[0-9a-f]{64}$/;

/** A blob as the store holds it: its actual size, and when it was last written or reused. */
export interface BlobFile {
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** A blob's bytes as a local file (the MIME parser reads files); release() removes a temporary copy. */
export interface LocalBlob {
  path: string;
  release(): Promise<void>;
}

/** What every blob store does; `FileBlobStore` and `PgBlobStore` pass the same conformance suite. */
export interface BlobStore {
  readonly kind: 'files' | 'postgres';
  /** Bytes of new blobs this process has written (monitoring; a reused blob writes nothing). */
  bytesWritten: number;
  init(): Promise<void>;
  /**
   * Takes an already fsynced spool file into the store under its digest (the file is gone afterwards;
   * an intact existing blob is reused, a damaged one replaced). Returns the directories whose entries
   * must be fsynced before a row refers to the blob (none for the database store, whose bytes are
   * committed when this resolves).
   */
  adopt(tempPath: string, sha256: string): Promise<string[]>;
  /** SHA-256 of the blob's bytes as stored. */
  digest(sha256: string): Promise<string>;
  exists(sha256: string): Promise<boolean>;
  size(sha256: string): Promise<number>;
  /** Bytes [start, end) of a blob (end exclusive, clipped to the blob). */
  read(sha256: string, start?: number, end?: number): Promise<Buffer>;
  /** The same bytes streamed (never the whole blob in memory). */
  stream(sha256: string, start?: number, end?: number): Readable;
  /** Every blob held, with its actual size (a damaged one shows a size or digest other than its rows'). */
  list(): Promise<BlobFile[]>;
  /**
   * Removes a blob inside the caller's write transaction, which has just checked that no row refers to
   * it. `touchedBefore` (ms): a blob written or reused since then is kept (an in-flight transaction of
   * another process may be about to refer to it).
   */
  remove(sha256: string, t: Transaction, touchedBefore?: number): Promise<void>;
  /** The blob as a local file. */
  localFile(sha256: string, tempDir: string): Promise<LocalBlob>;
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FileBlobStore implements BlobStore {
  readonly kind = 'files';

  /** Leaf directories created (and their entries fsynced) once per process; concurrent adopters share it. */
  private readonly leafDirs = new Map<string, Promise<void>>();

  /** Blobs whose bytes this process has written or hashed: adopting them again needs only a size check. */
  private readonly verified = new Lru<string, true>(100_000);

  /** Bytes of new blobs this process has written (monitoring; a reused blob writes nothing). */
  bytesWritten = 0;

  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  /**
   * Moves an already fsynced file into the store under its digest (or drops it when the blob exists).
   * Returns the directories whose entries must be fsynced before the blob is referenced.
   */
  async adopt(tempPath: string, sha256: string): Promise<string[]> {
    const target = this.pathOf(sha256);
    const leaf = path.dirname(target);
    const middle = path.dirname(leaf);
    let ready = this.leafDirs.get(leaf);
    if (!ready) {
      ready = (async () => {
        const created = await mkdir(leaf, { recursive: true });
        // A new directory must itself be durable before any blob in it is referenced.
        if (created) await syncDirectories([middle, this.root]);
      })();
      this.leafDirs.set(leaf, ready);
      ready.catch(() => this.leafDirs.delete(leaf));
    }
    await ready;
    const dirs = [leaf];
    // An existing blob is trusted only when it is intact: a crash or a full disk may have left it
    // short or damaged (written by an older process, or by hand). A damaged one is replaced.
    const { size } = await stat(tempPath);
    if (await this.intact(sha256, size)) {
      await unlink(tempPath);
      // A reused blob is young again, so the orphan sweep's grace period covers this transaction too.
      const now = new Date();
      await utimes(target, now, now);
    } else {
      await rename(tempPath, target);
      this.bytesWritten += size;
    }
    this.verified.set(sha256, true);
    return dirs;
  }

  /** Whether the blob exists with this size and (unless verified before in this process) this digest. */
  private async intact(sha256: string, size: number): Promise<boolean> {
    let actual: number;
    try {
      actual = (await stat(this.pathOf(sha256))).size;
    } catch {
      return false;
    }
    if (actual !== size) return false;
    if (this.verified.get(sha256)) return true;
    return (await this.digest(sha256)) === sha256;
  }

  /** SHA-256 of the blob's bytes as they are on disk. */
  async digest(sha256: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(this.pathOf(sha256)), hash);
    return hash.digest('hex');
  }

  async exists(sha256: string): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async size(sha256: string): Promise<number> {
    return (await stat(this.pathOf(sha256))).size;
  }

  /** Bytes [start, end) of a blob (end exclusive, clipped to the blob). */
  async read(sha256: string, start = 0, end?: number): Promise<Buffer> {
    const handle = await open(this.pathOf(sha256), 'r');
    try {
      const total = (await handle.stat()).size;
      const stop = Math.min(end ?? total, total);
      return await readFully(handle, start, stop - start);
    } finally {
      await handle.close();
    }
  }

  stream(sha256: string, start = 0, end?: number): Readable {
    return createReadStream(this.pathOf(sha256), end === undefined ? { start } : { start, end: end - 1 });
  }

  /** Every blob file under data/blobs/ab/cd/ (names that are not digests are not blobs). */
  async list(): Promise<BlobFile[]> {
    const out: BlobFile[] = [];
    const dirs = async (dir: string) =>
      (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => path.join(dir, d.name));
    for (const first of await dirs(this.root)) {
      for (const leaf of await dirs(first)) {
        for (const name of await readdir(leaf)) {
          if (!SHA256.test(name)) continue;
          const info = await stat(path.join(leaf, name)).catch(() => null);
          if (info?.isFile()) out.push({ sha256: name, size: info.size, mtimeMs: info.mtimeMs });
        }
      }
    }
    return out;
  }

  async remove(sha256: string, _t: Transaction, touchedBefore?: number): Promise<void> {
    const target = this.pathOf(sha256);
    if (touchedBefore !== undefined) {
      const info = await stat(target).catch(() => null);
      if (info && info.mtimeMs >= touchedBefore) return;
    }
    await unlink(target).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.verified.delete(sha256);
  }

  localFile(sha256: string): Promise<LocalBlob> {
    return Promise.resolve({ path: this.pathOf(sha256), release: () => Promise.resolve() });
  }
}

/** The file store behind a `BlobStore` (tests and tools that damage or plant files by path). */
export function fileStoreOf(store: BlobStore): FileBlobStore {
  if (!(store instanceof FileBlobStore)) throw new Error('not the file blob store');
  return store;
}

/** fsyncs each distinct directory once. */
export async function syncDirectories(dirs: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(dirs)].map((dir) => fsyncPath(dir)));
}
