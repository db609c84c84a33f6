// The bytes a clerk downloads: the original .eml (the submitted bytes, as stored) and each file of a
// document, decoded from its MIME part and checked against the SHA-256 the register recorded.

import { createHash } from 'node:crypto';
import libqp from 'libqp';
import { parseAddressList } from '../../policies/mime/addresses.js';
import { headerValue, parseHeaderLines } from '../../policies/mime/headers.js';
import type { MimeNodeInfo } from '../../policies/mime/types.js';
import type { Storage } from '../../storage/index.js';
import type { DocumentFileRow, DocumentRow } from '../../storage/rows.js';

export async function originalMessage(storage: Storage, doc: DocumentRow): Promise<Buffer | null> {
  if (doc.messageRowId === null) return null;
  const stored = await storage.register.storedMessage(doc.messageRowId);
  return stored ? storage.blobs.read(stored.blobSha256) : null;
}

/** The From display name of the stored message ("" when it names none). */
export async function senderName(storage: Storage, doc: DocumentRow): Promise<string> {
  if (doc.messageRowId === null) return '';
  const stored = await storage.register.storedMessage(doc.messageRowId);
  if (!stored?.structure) return '';
  const root = JSON.parse(stored.structure) as MimeNodeInfo;
  const header = await storage.blobs.read(stored.blobSha256, 0, Math.min(root.headerEnd, 256 * 1024));
  const lines: Buffer[] = [];
  for (let start = 0; start < header.length;) {
    let end = header.indexOf(0x0a, start);
    if (end === -1) end = header.length;
    lines.push(header.subarray(start, end > start && header[end - 1] === 0x0d ? end - 1 : end));
    start = end + 1;
  }
  return parseAddressList(headerValue(parseHeaderLines(lines).fields, 'from'))[0]?.name ?? '';
}

function findPart(node: MimeNodeInfo, partPath: string): MimeNodeInfo | null {
  if (node.path === partPath && node.children.length === 0 && !node.message) return node;
  for (const child of [...node.children, ...(node.message ? [node.message] : [])]) {
    const hit = findPart(child, partPath);
    if (hit) return hit;
  }
  return null;
}

function decode(raw: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(raw.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return libqp.decode(raw.toString('latin1'));
  return raw;
}

/** The decoded file, or null when it cannot be found (or does not match the register's hash). */
export async function documentFile(storage: Storage, doc: DocumentRow, file: DocumentFileRow): Promise<Buffer | null> {
  if (doc.messageRowId === null) return null;
  const stored = await storage.register.storedMessage(doc.messageRowId);
  if (!stored?.structure) return null;
  const part = findPart(JSON.parse(stored.structure) as MimeNodeInfo, file.partPath);
  if (!part) return null;
  const bytes = decode(await storage.blobs.read(stored.blobSha256, part.bodyStart, part.bodyEnd), part.encoding);
  return createHash('sha256').update(bytes).digest('hex') === file.sha256 ? bytes : null;
}

/**
 * Content-Disposition for a download (RFC 6266): the UTF-8 name in filename*, and an ASCII fallback
 * without quotes, backslashes, path separators or control characters.
 */
export function attachmentDisposition(name: string): string {
  const clean = name.normalize('NFC').replace(/[\u0000-\u001f\u007f/\\]/g, '_') || 'file';
  const ascii =
    clean
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["%;]/g, '_')
      .trim() || 'file';
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
