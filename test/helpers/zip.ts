// A zip writer for tests: members with names exactly as given (no producer writes "../" or "C:/"),
// UTF-8 flag set; stored with correct CRC-32s, or given already deflated (so a test can carry a
// bomb cheaply). Used by the hostile fixtures and the bench.

import { crc32 } from 'node:zlib';

interface RawMember {
  name: string;
  /** The member's bytes as stored in the archive (raw deflate when method is 8). */
  packed: Buffer;
  /** Uncompressed size as declared. */
  size: number;
  crc: number;
  method: 0 | 8;
}

function writeZip(members: RawMember[]): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const header = (central: boolean) => {
      const b = Buffer.alloc(central ? 46 : 30);
      b.writeUInt32LE(central ? 0x02014b50 : 0x04034b50, 0);
      const o = central ? 2 : 0;
      if (central) b.writeUInt16LE(20, 4);
      b.writeUInt16LE(20, 4 + o);
      b.writeUInt16LE(0x800, 6 + o);
      b.writeUInt16LE(m.method, 8 + o);
      b.writeUInt32LE(m.crc >>> 0, 14 + o);
      b.writeUInt32LE(m.packed.length, 18 + o);
      b.writeUInt32LE(m.size >>> 0, 22 + o);
      b.writeUInt16LE(name.length, 26 + o);
      if (central) b.writeUInt32LE(offset, 42);
      return b;
    };
    centrals.push(header(true), name);
    parts.push(header(false), name, m.packed);
    offset += 30 + name.length + m.packed.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, eocd]);
}

export function storedZip(members: { name: string; data: Buffer }[]): Buffer {
  return writeZip(members.map((m) => ({ name: m.name, packed: m.data, size: m.data.length, crc: crc32(m.data), method: 0 })));
}

/** Members given as raw deflate with their declared size (CRC 0 unless given: readers stop earlier). */
export function deflatedZip(members: { name: string; packed: Buffer; size: number; crc?: number }[]): Buffer {
  return writeZip(members.map((m) => ({ ...m, crc: m.crc ?? 0, method: 8 })));
}
