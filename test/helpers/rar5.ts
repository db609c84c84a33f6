// A minimal RAR 5 writer for test fixtures: stored (uncompressed) members only, with correct header
// and data CRC32s. No free RAR writer exists in Debian (rar is non-free), and 7-Zip only reads RAR.
// Options let a fixture carry what a hostile archive would: symlink redirection, encryption records,
// lying sizes, traversal names, truncation.

import { crc32 } from 'node:zlib';

export interface Rar5Member {
  name: string;
  data?: Buffer;
  directory?: boolean;
  /** Adds a file-system redirection record (Unix symlink to this target). */
  symlinkTarget?: string;
  /** Adds a file encryption record (the data stays as given: unrar then asks for a password). */
  encrypted?: boolean;
  /** Declared unpacked size instead of the real one. */
  declaredSize?: number;
  /** Compression information field (default 0: stored); the data is then taken as already packed. */
  compressionInfo?: number;
}

const SIGNATURE = Buffer.from('526172211a070100', 'hex');

function vint(value: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}

/** A block: CRC32 + size + the header fields (type onwards); the CRC covers size and fields. */
function block(fields: Buffer): Buffer {
  const withSize = Buffer.concat([vint(fields.length), fields]);
  return Buffer.concat([u32(crc32(withSize)), withSize]);
}

function record(type: number, data: Buffer): Buffer {
  const body = Buffer.concat([vint(type), data]);
  return Buffer.concat([vint(body.length), body]);
}

function fileHeader(m: Rar5Member): Buffer {
  const data = m.directory ? Buffer.alloc(0) : (m.data ?? Buffer.alloc(0));
  const name = Buffer.from(m.name, 'utf8');
  const extras: Buffer[] = [];
  if (m.encrypted) extras.push(record(1, Buffer.concat([vint(0), vint(0), Buffer.from([15]), Buffer.alloc(16, 1), Buffer.alloc(16, 2)])));
  if (m.symlinkTarget !== undefined) {
    const target = Buffer.from(m.symlinkTarget, 'utf8');
    extras.push(record(5, Buffer.concat([vint(1), vint(0), vint(target.length), target])));
  }
  const extra = Buffer.concat(extras);
  const fileFlags = (m.directory ? 0x1 : 0) | 0x4;
  const headerFlags = 0x2 | (extra.length > 0 ? 0x1 : 0);
  const fields = Buffer.concat([
    vint(2),
    vint(headerFlags),
    ...(extra.length > 0 ? [vint(extra.length)] : []),
    vint(data.length),
    vint(fileFlags),
    vint(m.declaredSize ?? data.length),
    vint(m.directory ? 0x10 : 0x20),
    u32(crc32(data)),
    vint(m.compressionInfo ?? 0), // compression: version 0, stored, smallest dictionary unless given
    vint(0), // host OS: Windows
    vint(name.length),
    name,
    extra,
  ]);
  return Buffer.concat([block(fields), data]);
}

export function makeRar5(members: Rar5Member[], options: { truncateAt?: number } = {}): Buffer {
  const main = block(Buffer.concat([vint(1), vint(0), vint(0)]));
  const end = block(Buffer.concat([vint(5), vint(0), vint(0)]));
  const out = Buffer.concat([SIGNATURE, main, ...members.map(fileHeader), end]);
  return options.truncateAt === undefined ? out : out.subarray(0, options.truncateAt);
}
