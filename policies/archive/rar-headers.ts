// A bounded walk over RAR 4 and RAR 5 block headers, for what the unrar library does not tell:
// the host OS and attributes (Unix symlinks), RAR 5 file-system redirection records (symlinks,
// junctions, hard links) and encryption records, with the raw names. Data areas are skipped, never read.

const RAR4_SIGNATURE = Buffer.from('526172211a0700', 'hex');
const RAR5_SIGNATURE = Buffer.from('526172211a070100', 'hex');

interface RarHeaderEntry {
  name: string;
  directory: boolean;
  symlink: boolean;
  encrypted: boolean;
  unpackedSize: number;
  packedSize: number;
  /** Decompression window the member asks for (0 when stored). */
  dictionary: number;
}

export interface RarHeaderWalk {
  version: 4 | 5;
  entries: RarHeaderEntry[];
  /** Headers are encrypted (RAR 5 archive encryption header, RAR 4 MHD_PASSWORD). */
  headersEncrypted: boolean;
  /** A header that could not be read (or the archive ends inside one). */
  truncated: boolean;
  /** Largest window asked for by a service header (comments, quick-open data). */
  largestServiceDictionary: number;
}

const MAX_HEADERS = 100_000;

function readVint(buf: Buffer, pos: number): { value: number; next: number } | null {
  let value = 0;
  let shift = 0;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const byte = buf[i];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
  }
  return null;
}

function walkRar5(buf: Buffer): RarHeaderWalk {
  const out: RarHeaderWalk = { version: 5, entries: [], headersEncrypted: false, truncated: false, largestServiceDictionary: 0 };
  let pos = RAR5_SIGNATURE.length;
  for (let count = 0; count < MAX_HEADERS; count++) {
    if (pos + 4 >= buf.length) {
      out.truncated = true;
      return out;
    }
    const size = readVint(buf, pos + 4);
    if (!size || size.value > buf.length) {
      out.truncated = true;
      return out;
    }
    const headerEnd = size.next + size.value;
    if (headerEnd > buf.length) {
      out.truncated = true;
      return out;
    }
    const type = readVint(buf, size.next);
    const flags = type && readVint(buf, type.next);
    if (!type || !flags) {
      out.truncated = true;
      return out;
    }
    let p = flags.next;
    let extraSize = 0;
    let dataSize = 0;
    if (flags.value & 0x1) {
      const v = readVint(buf, p);
      if (!v) break;
      extraSize = v.value;
      p = v.next;
    }
    if (flags.value & 0x2) {
      const v = readVint(buf, p);
      if (!v) break;
      dataSize = v.value;
      p = v.next;
    }
    if (type.value === 4) {
      out.headersEncrypted = true;
      return out;
    }
    if (type.value === 5) return out; // end of archive
    if (type.value === 2 || type.value === 3) {
      // Service headers (3) share the file header layout and may be compressed too: their window counts.
      const entry = parseRar5File(buf, p, headerEnd - extraSize, headerEnd, dataSize);
      if (!entry) {
        out.truncated = true;
        return out;
      }
      if (type.value === 2) out.entries.push(entry);
      else out.largestServiceDictionary = Math.max(out.largestServiceDictionary, entry.dictionary);
    }
    pos = headerEnd + dataSize;
    if (pos > buf.length) {
      out.truncated = true;
      return out;
    }
  }
  return out;
}

function parseRar5File(buf: Buffer, start: number, extraStart: number, headerEnd: number, packedSize: number): RarHeaderEntry | null {
  const fileFlags = readVint(buf, start);
  if (!fileFlags) return null;
  const unpacked = readVint(buf, fileFlags.next);
  const attributes = unpacked && readVint(buf, unpacked.next);
  if (!unpacked || !attributes) return null;
  let p = attributes.next;
  if (fileFlags.value & 0x2) p += 4; // mtime
  if (fileFlags.value & 0x4) p += 4; // data CRC32
  const compression = readVint(buf, p);
  const host = compression && readVint(buf, compression.next);
  const nameLength = host && readVint(buf, host.next);
  if (!compression || !host || !nameLength || nameLength.next + nameLength.value > headerEnd) return null;
  const name = buf.subarray(nameLength.next, nameLength.next + nameLength.value).toString('utf8');
  let symlink = host.value === 1 && (attributes.value & 0o170000) === 0o120000;
  let encrypted = false;
  for (let e = extraStart; e < headerEnd;) {
    const recordSize = readVint(buf, e);
    if (!recordSize || recordSize.value === 0) break;
    const recordType = readVint(buf, recordSize.next);
    if (!recordType) break;
    if (recordType.value === 1) encrypted = true;
    if (recordType.value === 5) symlink = true; // file system redirection: symlink, junction, hard link, copy
    e = recordSize.next + recordSize.value;
  }
  const method = (compression.value >> 7) & 0x7;
  const dictionary = method === 0 ? 0 : 128 * 1024 * 2 ** ((compression.value >> 10) & 0x1f);
  return { name, directory: (fileFlags.value & 0x1) !== 0, symlink, encrypted, unpackedSize: unpacked.value, packedSize, dictionary };
}

function walkRar4(buf: Buffer): RarHeaderWalk {
  const out: RarHeaderWalk = { version: 4, entries: [], headersEncrypted: false, truncated: false, largestServiceDictionary: 0 };
  let pos = RAR4_SIGNATURE.length;
  for (let count = 0; count < MAX_HEADERS; count++) {
    if (pos + 7 > buf.length) {
      out.truncated = true;
      return out;
    }
    const type = buf[pos + 2];
    const flags = buf.readUInt16LE(pos + 3);
    const headSize = buf.readUInt16LE(pos + 5);
    if (headSize < 7 || pos + headSize > buf.length) {
      out.truncated = true;
      return out;
    }
    let addSize = 0;
    if (type === 0x73 && flags & 0x80) {
      out.headersEncrypted = true;
      return out;
    }
    if (type === 0x7b) return out; // end of archive
    if (type === 0x74 && headSize >= 32) {
      addSize = buf.readUInt32LE(pos + 7);
      const unpacked = buf.readUInt32LE(pos + 11);
      const host = buf[pos + 15];
      const nameSize = buf.readUInt16LE(pos + 26);
      const attr = buf.readUInt32LE(pos + 28);
      let nameStart = pos + 32;
      let high = 0;
      if (flags & 0x100) {
        high = buf.readUInt32LE(pos + 32);
        nameStart += 8;
      }
      const rawName = buf.subarray(nameStart, Math.min(nameStart + nameSize, pos + headSize));
      const zero = rawName.indexOf(0);
      // With LHD_UNICODE the name is "ascii\0encoded-unicode"; the ASCII part is enough for path checks.
      const name = (zero === -1 ? rawName : rawName.subarray(0, zero)).toString(flags & 0x200 && zero === -1 ? 'utf8' : 'latin1');
      out.entries.push({
        name,
        directory: (flags & 0xe0) === 0xe0,
        symlink: (host === 3 || host === 5) && (attr & 0o170000) === 0o120000,
        encrypted: (flags & 0x4) !== 0,
        unpackedSize: unpacked + high * 2 ** 32,
        packedSize: addSize,
        // RAR 4: 64 KiB << bits 5-7 of the flags (at most 4 MiB; 0xE0 marks a directory).
        dictionary: (flags & 0xe0) === 0xe0 ? 0 : 64 * 1024 * 2 ** ((flags >> 5) & 0x7),
      });
    } else if (flags & 0x8000) {
      addSize = buf.readUInt32LE(pos + 7);
    }
    pos += headSize + addSize;
  }
  return out;
}

export function walkRarHeaders(buf: Buffer): RarHeaderWalk | null {
  if (buf.subarray(0, RAR5_SIGNATURE.length).equals(RAR5_SIGNATURE)) return walkRar5(buf);
  if (buf.subarray(0, RAR4_SIGNATURE.length).equals(RAR4_SIGNATURE)) return walkRar4(buf);
  return null;
}
