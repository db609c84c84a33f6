// The archive as it is written: archiver's ZIP stream piped to the output file, one entry at a time.
// Each entry's bytes pass through a SHA-256 on their way in, and the next entry is added only once
// archiver has taken the whole of this one, so at most one source is open and the output file's pace
// (pipe backpressure) bounds what waits in memory.

import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';

export interface WrittenEntry {
  path: string;
  size: number;
  sha256: string;
}

class Digest extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  sha256 = '';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.sha256 = this.hash.digest('hex');
    done();
  }
}

export class ZipWriter {
  private readonly archive = new ZipArchive({ zlib: { level: 6 }, forceZip64: false });
  private readonly out: WriteStream;
  private readonly finished: Promise<void>;
  private failure: Error | null = null;

  constructor(file: string) {
    this.out = createWriteStream(file, { flags: 'wx' });
    this.finished = pipeline(this.archive, this.out);
    this.finished.catch((err: Error) => (this.failure ??= err));
    this.archive.on('warning', (err) => (this.failure ??= err));
  }

  /** Adds one entry (a stream or bytes) and resolves with its digest once archiver has consumed it. */
  async add(path: string, source: Readable | Buffer | string, date: Date): Promise<WrittenEntry> {
    if (this.failure) throw this.failure;
    const digest = new Digest();
    const input = typeof source === 'string' || Buffer.isBuffer(source) ? Readable.from([Buffer.from(source)]) : source;
    const entered = new Promise<void>((resolve, reject) => {
      const onEntry = () => {
        this.archive.off('error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        this.archive.off('entry', onEntry);
        reject(err);
      };
      this.archive.once('entry', onEntry);
      this.archive.once('error', onError);
    });
    const body = new PassThrough();
    this.archive.append(body, { name: path, date });
    await Promise.all([pipeline(input, digest, body), entered]);
    return { path, size: digest.size, sha256: digest.sha256 };
  }

  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    await this.archive.finalize();
    await this.finished;
  }

  /** Stops writing (the caller removes the partial file). */
  async abort(): Promise<void> {
    this.archive.abort();
    await this.finished.catch(() => undefined);
    this.out.destroy();
  }
}
