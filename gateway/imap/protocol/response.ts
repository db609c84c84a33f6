// Response formatting (RFC 3501 section 7 and 9): strings go quoted when they are plain ASCII and as
// literals otherwise (8-bit header bytes are passed through untouched); big bodies are streamed.

import type { Readable } from 'node:stream';
import { encodeMailboxName } from './mutf7.js';

/** A piece of a response line: text, raw bytes, or a literal body streamed from storage. */
export type Chunk = string | Buffer | { size: number; open(): Readable };

const QUOTABLE = /^[\x20-\x7e]*$/;

/** A string value: quoted when possible, literal otherwise (bytes kept as they are). */
export function stringValue(value: string | Buffer): Chunk[] {
  const text = Buffer.isBuffer(value) ? value.toString('latin1') : value;
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  if (QUOTABLE.test(text) && text.length <= 1024 && (!Buffer.isBuffer(value) || bytes.every((b) => b < 0x80))) {
    return [`"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`];
  }
  return [`{${bytes.length}}\r\n`, bytes];
}

/** A mailbox name on the wire: modified UTF-7, or UTF-8 once UTF8=ACCEPT is enabled. */
export function mailboxValue(name: string, utf8: boolean): Chunk[] {
  const wire = utf8 ? name : encodeMailboxName(name);
  if (utf8 && /[^\x20-\x7e]/.test(wire)) {
    return [`"${wire.replace(/[\\"]/g, (c) => `\\${c}`)}"`];
  }
  return stringValue(wire);
}

export function literalStream(size: number, open: () => Readable): Chunk[] {
  return [`{${size}}\r\n`, { size, open }];
}
