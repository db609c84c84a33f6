// The archive as it is written: a ZIP (deflate, UTF-8 names, ZIP64 when the archive outgrows 4 GB or
// 65,535 entries) streamed to the output file one entry at a time. Each entry's bytes pass through a
// SHA-256 and a CRC-32 on their way in, and its sizes follow it in a data descriptor, so nothing of an
// entry is kept once written. The central directory, which a ZIP must end with and which grows with
// every entry, is spooled to a temp file and copied to the end of the archive by finish(): archiver
// kept every entry's record (and more) in memory until then, ~20 KB a document at 10,000 documents.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

export interface WrittenEntry {
  path: string;
  size: number;
  sha256: string;
}

const U32 = 0xffffffff;
const U16 = 0xffff;
/** General purpose flags: sizes in a data descriptor (bit 3), UTF-8 names (bit 11). */
const FLAGS = 0x0808;
const DEFLATE = 8;
const VERSION = 20;
const VERSION_ZIP64 = 45;
/** Made by Unix (3), spec 4.5: the external attributes are a Unix mode. */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
const FILE_MODE = 0o100644;

interface EntryBody {
  size: number;
  compressed: number;
  crc: number;
  sha256: string;
}

class Digest extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  crc = 0;
  sha256 = '';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.crc = zlib.crc32(chunk, this.crc);
    this.size += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.sha256 = this.hash.digest('hex');
    done();
  }
}

/** MS-DOS date and time (local time, two-second steps), as ZIP readers show them. */
function dosDateTime(date: Date): { date: number; time: number } {
  const year = date.getFullYear();
  if (year < 1980) return { date: (1 << 5) | 1, time: 0 };
  return {
    date: ((Math.min(year, 2107) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
  };
}

async function write(stream: WriteStream, bytes: Buffer): Promise<void> {
  if (!stream.write(bytes)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export class ZipWriter {
  private offset = 0;
  private entries = 0;
  private centralSize = 0;

  private constructor(
    private readonly out: WriteStream,
    private readonly spoolDir: string,
    private readonly central: WriteStream,
  ) {}

  /** Creates `file` (it must not exist) and the central directory's spool. */
  static async create(file: string): Promise<ZipWriter> {
    const spoolDir = await mkdtemp(path.join(os.tmpdir(), 'docgate-zip-'));
    const out = createWriteStream(file, { flags: 'wx' });
    try {
      await once(out, 'open');
    } catch (err) {
      await rm(spoolDir, { recursive: true, force: true });
      throw err;
    }
    return new ZipWriter(out, spoolDir, createWriteStream(path.join(spoolDir, 'central')));
  }

  private async emit(bytes: Buffer): Promise<void> {
    await write(this.out, bytes);
    this.offset += bytes.length;
  }

  /** Adds one entry (a stream or bytes) and resolves with its digest once it is written. */
  async add(name: string, source: Readable | Buffer | string, date: Date): Promise<WrittenEntry> {
    const nameBytes = Buffer.from(name, 'utf8');
    const when = dosDateTime(date);
    const headerOffset = this.offset;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(FLAGS, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(when.time, 10);
    local.writeUInt16LE(when.date, 12);
    // CRC and sizes (14–25) stay zero: they follow the data in its descriptor.
    local.writeUInt16LE(nameBytes.length, 26);
    await this.emit(Buffer.concat([local, nameBytes]));

    const body = typeof source === 'string' || Buffer.isBuffer(source) ? await this.bytes(Buffer.from(source)) : await this.stream(source);
    // Descriptors with 4-byte sizes: an entry is one stored file, far below 4 GB (the message limit).
    if (body.size > U32 || body.compressed > U32) throw new Error(`${name}: entry larger than 4 GB`);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(body.crc, 4);
    descriptor.writeUInt32LE(body.compressed, 8);
    descriptor.writeUInt32LE(body.size, 12);
    await this.emit(descriptor);

    const far = headerOffset >= U32;
    const extra = Buffer.alloc(far ? 12 : 0);
    if (far) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(8, 2);
      extra.writeBigUInt64LE(BigInt(headerOffset), 4);
    }
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(MADE_BY, 4);
    record.writeUInt16LE(far ? VERSION_ZIP64 : VERSION, 6);
    record.writeUInt16LE(FLAGS, 8);
    record.writeUInt16LE(DEFLATE, 10);
    record.writeUInt16LE(when.time, 12);
    record.writeUInt16LE(when.date, 14);
    record.writeUInt32LE(body.crc, 16);
    record.writeUInt32LE(body.compressed, 20);
    record.writeUInt32LE(body.size, 24);
    record.writeUInt16LE(nameBytes.length, 28);
    record.writeUInt16LE(extra.length, 30);
    record.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
    record.writeUInt32LE(far ? U32 : headerOffset, 42);
    const central = Buffer.concat([record, nameBytes, extra]);
    await write(this.central, central);
    this.centralSize += central.length;
    this.entries++;
    return { path: name, size: body.size, sha256: body.sha256 };
  }

  /** A small entry given whole (document.xml): compressed in one call, without a stream's overhead. */
  private async bytes(data: Buffer): Promise<EntryBody> {
    const compressed = zlib.deflateRawSync(data, { level: 6 });
    await this.emit(compressed);
    return { size: data.length, compressed: compressed.length, crc: zlib.crc32(data), sha256: createHash('sha256').update(data).digest('hex') };
  }

  private async stream(input: Readable): Promise<EntryBody> {
    const digest = new Digest();
    let compressed = 0;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        compressed += chunk.length;
        this.emit(chunk).then(() => done(), done);
      },
    });
    await pipeline(input, digest, zlib.createDeflateRaw({ level: 6 }), sink);
    return { size: digest.size, compressed, crc: digest.crc, sha256: digest.sha256 };
  }

  /** Appends the central directory and its end records, and closes the file. */
  async finish(): Promise<void> {
    await close(this.central);
    const centralOffset = this.offset;
    for await (const chunk of createReadStream(path.join(this.spoolDir, 'central'))) await this.emit(chunk as Buffer);
    const zip64 = this.entries >= U16 || centralOffset >= U32 || this.centralSize >= U32;
    if (zip64) {
      const end64Offset = this.offset;
      const end64 = Buffer.alloc(56 + 20);
      end64.writeUInt32LE(0x06064b50, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE(MADE_BY, 12);
      end64.writeUInt16LE(VERSION_ZIP64, 14);
      end64.writeBigUInt64LE(BigInt(this.entries), 24);
      end64.writeBigUInt64LE(BigInt(this.entries), 32);
      end64.writeBigUInt64LE(BigInt(this.centralSize), 40);
      end64.writeBigUInt64LE(BigInt(centralOffset), 48);
      end64.writeUInt32LE(0x07064b50, 56);
      end64.writeBigUInt64LE(BigInt(end64Offset), 64);
      end64.writeUInt32LE(1, 72);
      await this.emit(end64);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(this.entries, U16), 8);
    end.writeUInt16LE(Math.min(this.entries, U16), 10);
    end.writeUInt32LE(Math.min(this.centralSize, U32), 12);
    end.writeUInt32LE(Math.min(centralOffset, U32), 16);
    await this.emit(end);
    await close(this.out);
    await rm(this.spoolDir, { recursive: true, force: true });
  }

  /** Stops writing (the caller removes the partial file). */
  async abort(): Promise<void> {
    this.central.destroy();
    this.out.destroy();
    await rm(this.spoolDir, { recursive: true, force: true });
  }
}
