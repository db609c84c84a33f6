// The registered MIME type of an Office file from its structure, finer than its magic number: a zip
// whose [Content_Types].xml names a Word main part is a .docx, not application/zip (the register
// records this type). Only the zip's central directory and that one small member are read, through
// positioned reads, so a large .docx costs a few KiB here. Unreadable or foreign files give null:
// the magic-number type stands, and the attachment checks judge the file.

import { inflateRawSync } from 'node:zlib';
import { inspectOle2 } from './ole2.js';
import type { SniffedKind } from './sniff.js';

const OOXML_MAIN: Record<string, string> = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-word.document.macroenabled.main+xml': 'application/vnd.ms-word.document.macroEnabled.12',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml': 'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel.sheet.macroenabled.main+xml': 'application/vnd.ms-excel.sheet.macroEnabled.12',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml':
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};
const OLE2_MIME: Record<string, string> = { word: 'application/msword', excel: 'application/vnd.ms-excel' };

/** cfb needs the whole compound file; larger .doc/.xls keep the magic-number type. */
const OLE2_LIMIT = 4 * 1024 * 1024;
const MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024;
const MAX_TYPES_XML = 1024 * 1024;

export type ReadAt = (position: number, length: number) => Promise<Buffer>;

export async function officeType(kind: SniffedKind, size: number, read: ReadAt): Promise<string | null> {
  try {
    if (kind === 'zip') return await ooxmlType(size, read);
    if (kind === 'ole2' && size <= OLE2_LIMIT) {
      const facts = inspectOle2(await read(0, size));
      return facts.ok ? (OLE2_MIME[facts.application] ?? null) : null;
    }
  } catch {
    // A damaged file is the attachment checks' finding, not a failure to build the message.
  }
  return null;
}

async function ooxmlType(size: number, read: ReadAt): Promise<string | null> {
  const xml = await readMember(size, read, '[Content_Types].xml');
  if (xml === null) return null;
  for (const m of xml.matchAll(/<(?:\w+:)?Override\b[^>]*\bContentType\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    const type = OOXML_MAIN[(m[2] ?? m[3] ?? '').toLowerCase()];
    if (type) return type;
  }
  return null;
}

/** One member of a zip (stored or deflated), found through the end-of-central-directory record. */
async function readMember(size: number, read: ReadAt, name: string): Promise<string | null> {
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await read(size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  // ZIP64 packages (over 4 GiB or 65535 members) are not Office documents a clerk sends.
  if (cdSize > MAX_CENTRAL_DIRECTORY || cdOffset === 0xffffffff || cdOffset + cdSize > size) return null;
  const cd = await read(cdOffset, cdSize);
  for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50;) {
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const compressed = cd.readUInt32LE(p + 20);
    const nameLength = cd.readUInt16LE(p + 28);
    const next = p + 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    if (cd.toString('utf8', p + 46, p + 46 + nameLength) === name) {
      if (flags & 1 || compressed > MAX_TYPES_XML || (method !== 0 && method !== 8)) return null;
      const local = cd.readUInt32LE(p + 42);
      const header = await read(local, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) return null;
      const data = await read(local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), compressed);
      const bytes = method === 0 ? data : inflateRawSync(data, { maxOutputLength: MAX_TYPES_XML });
      return bytes.toString('utf8');
    }
    p = next;
  }
  return null;
}
