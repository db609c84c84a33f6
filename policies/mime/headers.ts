// Header block parsing: unfolding, field names, and the MIME fields (Content-Type, Content-Disposition,
// file names in RFC 2231 and RFC 2047 form). libmime does the parameter and encoded-word decoding.

import libmime from 'libmime';
import type { ContentDisposition, ContentType, HeaderField } from './types.js';

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Unfolds raw header lines (without terminators) into fields; lines that are not "name: value" are reported. */
export function parseHeaderLines(lines: Buffer[]): { fields: HeaderField[]; invalid: number } {
  const fields: HeaderField[] = [];
  let invalid = 0;
  let current: { name: string; parts: string[] } | null = null;
  const flush = () => {
    if (!current) return;
    fields.push({ key: current.name.toLowerCase(), name: current.name, value: current.parts.join('').trim() });
    current = null;
  };
  for (const bytes of lines) {
    const text = utf8.decode(bytes);
    if (text.length > 0 && (text[0] === ' ' || text[0] === '\t')) {
      if (current) current.parts.push(text);
      else invalid++;
      continue;
    }
    flush();
    const colon = text.indexOf(':');
    const name = colon > 0 ? text.slice(0, colon).replace(/[ \t]+$/, '') : '';
    if (!FIELD_NAME.test(name)) {
      invalid++;
      continue;
    }
    current = { name, parts: [text.slice(colon + 1)] };
  }
  flush();
  return { fields, invalid };
}

export function headerValue(fields: HeaderField[], key: string): string | null {
  const field = fields.find((f) => f.key === key);
  return field ? field.value : null;
}

export function headerValues(fields: HeaderField[], key: string): string[] {
  return fields.filter((f) => f.key === key).map((f) => f.value);
}

/** RFC 2047 encoded-words decoded; malformed words are left as they are. */
export function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

function lowerParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) out[key.toLowerCase()] = value;
  return out;
}

function safeParse(value: string): { value: string; params: Record<string, string> } {
  try {
    const parsed = libmime.parseHeaderValue(value);
    return { value: String(parsed.value || ''), params: lowerParams(parsed.params || {}) };
  } catch {
    return { value: value.split(';')[0].trim(), params: {} };
  }
}

export function parseContentType(raw: string | null, defaultType = 'text/plain'): ContentType {
  if (raw === null) {
    const [type, subtype] = defaultType.split('/');
    const params: Record<string, string> = defaultType === 'text/plain' ? { charset: 'us-ascii' } : {};
    return { value: defaultType, type, subtype, params, explicit: false };
  }
  const parsed = safeParse(raw);
  const value = parsed.value.toLowerCase().trim();
  const match = /^([a-z0-9!#$&^_.+-]+)\/([a-z0-9!#$&^_.+-]+)$/.exec(value);
  if (!match) {
    // RFC 2045 5.2: an unparseable Content-Type means text/plain; charset=us-ascii.
    return { value: 'text/plain', type: 'text', subtype: 'plain', params: { charset: 'us-ascii' }, explicit: true };
  }
  return { value, type: match[1], subtype: match[2], params: parsed.params, explicit: true };
}

export function parseDisposition(raw: string | null): ContentDisposition | null {
  if (raw === null) return null;
  const parsed = safeParse(raw);
  return { value: parsed.value.toLowerCase().trim(), params: parsed.params };
}

/** The part's file name: Content-Disposition filename, else Content-Type name; decoded and NFC-normalised. */
export function fileNameOf(contentType: ContentType, disposition: ContentDisposition | null): string | null {
  const raw = disposition?.params.filename ?? contentType.params.name ?? null;
  if (raw === null) return null;
  return decodeWords(raw).normalize('NFC');
}
