// What a file really is, from its first bytes (magic numbers), independent of its name or declared type.
// The register keeps this "detected type"; the attachment checks refine it (OLE2 streams, OOXML parts).

export type SniffedKind =
  | 'pdf'
  | 'ole2'
  | 'zip'
  | 'rar'
  | '7z'
  | 'gzip'
  | 'rtf'
  | 'html'
  | 'xml'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'tiff'
  | 'bmp'
  | 'webp'
  | 'pe-executable'
  | 'elf-executable'
  | 'macho-executable'
  | 'script'
  | 'text'
  | 'empty'
  | 'unknown';

export const SNIFFED_MIME: Record<SniffedKind, string> = {
  pdf: 'application/pdf',
  ole2: 'application/x-ole-storage',
  zip: 'application/zip',
  rar: 'application/vnd.rar',
  '7z': 'application/x-7z-compressed',
  gzip: 'application/gzip',
  rtf: 'application/rtf',
  html: 'text/html',
  xml: 'application/xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  webp: 'image/webp',
  'pe-executable': 'application/vnd.microsoft.portable-executable',
  'elf-executable': 'application/x-executable',
  'macho-executable': 'application/x-mach-binary',
  script: 'text/x-script',
  text: 'text/plain',
  empty: 'application/x-empty',
  unknown: 'application/octet-stream',
};

function startsWith(head: Buffer, bytes: number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[at + i] !== bytes[i]) return false;
  return true;
}

function looksLikeText(head: Buffer): boolean {
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) control++;
  }
  return control <= head.length / 100;
}

/** Kind of file from its first bytes (give at least 4 KiB when available). */
export function sniff(head: Buffer, totalSize = head.length): SniffedKind {
  if (totalSize === 0) return 'empty';
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole2';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(head, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return 'rar'; // Rar!\x1a\x07 (v4 and v5)
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x4d, 0x5a])) return 'pe-executable'; // MZ
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return 'elf-executable';
  if (
    startsWith(head, [0xfe, 0xed, 0xfa, 0xce]) ||
    startsWith(head, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(head, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xcf, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xca, 0xfe, 0xba, 0xbe])
  )
    return 'macho-executable';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(head, [0x42, 0x4d]) && head.length >= 6 && head.readUInt32LE(2) === totalSize) return 'bmp';
  const text = head
    .subarray(0, 1024)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (text.startsWith('{\\rtf')) return 'rtf';
  if (text.startsWith('#!')) return 'script';
  if (/^(<!doctype\s+html|<html|<head|<body|<script|<iframe|<svg)/i.test(text)) return 'html';
  if (text.startsWith('<?xml')) return /<(html|svg)[\s>]/i.test(text) ? 'html' : 'xml';
  if (looksLikeText(head)) return 'text';
  return 'unknown';
}
