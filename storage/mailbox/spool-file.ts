// Writing bytes docgate itself produces or receives outside SMTP (IMAP APPEND, status notices) into the
// spool directory the way intake does: temp file, SHA-256 while writing, fsync; the caller adopts it
// into the blob store and fsyncs the directories before a row refers to it.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../blobs.js';
import { verifyWritten, writeFully } from '../../config/file-io.js';

export interface SpooledFile {
  path: string;
  size: number;
  sha256: string;
}

function spoolPath(spoolDir: string, kind: string): string {
  return path.join(spoolDir, `${kind}-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.eml`);
}

/** An incremental spool file: write() chunks, then finish() fsyncs it; abort() removes it. */
export class SpoolWriter {
  private readonly hash = createHash('sha256');
  private handle: Awaited<ReturnType<typeof open>> | null = null;
  size = 0;

  private constructor(readonly path: string) {}

  static async create(spoolDir: string, kind: string): Promise<SpoolWriter> {
    await mkdir(spoolDir, { recursive: true });
    const writer = new SpoolWriter(spoolPath(spoolDir, kind));
    writer.handle = await open(writer.path, 'wx+', 0o600);
    return writer;
  }

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    await writeFully(this.handle!, chunk, this.size);
    this.size += chunk.length;
  }

  async finish(): Promise<SpooledFile> {
    const sha256 = this.hash.digest('hex');
    // What is on disk is checked before fsync and adoption: a short write is an error, never a blob.
    await verifyWritten(this.handle!, this.size, sha256);
    await this.handle!.sync();
    await this.handle!.close();
    this.handle = null;
    return { path: this.path, size: this.size, sha256 };
  }

  async abort(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    await unlink(this.path).catch(() => undefined);
  }
}

export async function spoolBuffer(spoolDir: string, kind: string, data: Buffer): Promise<SpooledFile> {
  const writer = await SpoolWriter.create(spoolDir, kind);
  try {
    await writer.write(data);
    return await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/** Spools and adopts bytes into the blob store; returns the digest and the directories to fsync. */
export async function storeBlob(blobs: BlobStore, spoolDir: string, kind: string, data: Buffer): Promise<{ sha256: string; size: number; syncDirs: string[] }> {
  const file = await spoolBuffer(spoolDir, kind, data);
  try {
    const syncDirs = await blobs.adopt(file.path, file.sha256);
    return { sha256: file.sha256, size: file.size, syncDirs };
  } catch (err) {
    await unlink(file.path).catch(() => undefined);
    throw err;
  }
}
