// Header values as the index stores them (a latin1 string of the raw bytes), turned into text for SEARCH
// and SORT: 8-bit bytes read as UTF-8 (RFC 6532), RFC 2047 encoded-words decoded.

import libmime from 'libmime';

/** A header value as stored (latin1 string of raw bytes): 8-bit bytes as UTF-8, RFC 2047 words decoded. */
export function decodeHeaderText(raw: string): string {
  const bytes = Buffer.from(raw, 'latin1');
  const text = bytes.every((b) => b < 0x80) ? raw : bytes.toString('utf8');
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}
