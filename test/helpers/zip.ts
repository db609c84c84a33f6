// A zip writer for tests: stored (uncompressed) members with names exactly as given (no producer
// writes "../" or "C:/"), UTF-8 flag set, correct CRC-32s. Used by the hostile fixtures and the bench.

import { crc32 } from 'node:zlib';

/** A zip of stored members with names exactly as given (no producer writes "../" or "C:/"). */
export function storedZip(members: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt32LE(crc32(m.data), 14);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt32LE(crc32(m.data), 16);
    central.writeUInt32LE(m.data.length, 20);
    central.writeUInt32LE(m.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, m.data);
    centrals.push(central, name);
    offset += 30 + name.length + m.data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}


/** A zip whose members are given already deflated (raw deflate), so a test can carry a bomb cheaply. */
export function deflatedZip(members: { name: string; packed: Buffer; size: number; crc?: number }[]): Buffer {
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
      b.writeUInt16LE(8, 8 + o);
      b.writeUInt32LE(m.crc ?? 0, 14 + o);
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
