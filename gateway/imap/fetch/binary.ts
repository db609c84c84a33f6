// BINARY (RFC 3516): FETCH BINARY[part], BINARY.PEEK[part] and BINARY.SIZE[part] serve a part with
// its Content-Transfer-Encoding undone. Only base64 and quoted-printable need work; identity
// encodings are served as stored; anything else is "NO [UNKNOWN-CTE]".

import libqp from 'libqp';
import { BadCommand, type Token } from '../protocol/tokens.js';
import { locatePart, type MessageView } from './message-view.js';

export type BinaryItem =
  { kind: 'binary'; peek: boolean; part: number[]; partial: { start: number; length: number } | null } | { kind: 'binary-size'; part: number[] };

const IDENTITY = new Set(['7bit', '8bit', 'binary', '']);

export class UnknownCte extends Error {
  constructor(readonly encoding: string) {
    super(`Unknown Content-Transfer-Encoding ${encoding.slice(0, 40)}`);
  }
}

/** BINARY sections are part numbers only ("1.2"), or empty for the whole message. */
export function parseBinaryItem(name: string, t: Extract<Token, { type: 'atom' }>): BinaryItem | null {
  if (name !== 'BINARY' && name !== 'BINARY.PEEK' && name !== 'BINARY.SIZE') return null;
  const section = t.section ?? [];
  if (section.length > 1) throw new BadCommand('Invalid BINARY section');
  let part: number[] = [];
  if (section.length === 1) {
    const s = section[0];
    if (s.type !== 'atom' || s.section || !/^[1-9]\d{0,8}(?:\.[1-9]\d{0,8}){0,31}$/.test(s.value)) throw new BadCommand('Invalid BINARY section');
    part = s.value.split('.').map(Number);
  }
  if (name === 'BINARY.SIZE') {
    if (t.partial) throw new BadCommand('BINARY.SIZE takes no partial');
    return { kind: 'binary-size', part };
  }
  if (t.partial && t.partial.length === null) throw new BadCommand('Partial needs <start.length>');
  return { kind: 'binary', peek: name === 'BINARY.PEEK', part, partial: t.partial ? { start: t.partial.start, length: t.partial.length! } : null };
}

/** The decoded bytes of a part, null for a part that does not exist. Throws UnknownCte. */
export async function binaryContent(view: MessageView, part: number[]): Promise<Buffer | null> {
  const root = await view.structure();
  if (part.length === 0) return view.read({ start: 0, end: view.size });
  const node = locatePart(root, part);
  if (!node) return null;
  const raw = await view.read(view.bodyRange(node, node === root));
  // Multiparts and embedded messages carry no encoding of their own (RFC 2045 6.4).
  if (node.contentType.type === 'multipart' || node.message) return raw;
  const encoding = node.encoding.toLowerCase();
  if (IDENTITY.has(encoding)) return raw;
  if (encoding === 'base64') return Buffer.from(raw.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return libqp.decode(raw.toString('latin1'));
  throw new UnknownCte(encoding);
}

/** literal8 ("~{n}") when the bytes are not valid as an ordinary literal: NUL, bare CR or bare LF. */
export function binaryLiteralHead(bytes: Buffer): string {
  let binary = false;
  for (let i = 0; i < bytes.length && !binary; i++) {
    const b = bytes[i];
    if (b === 0) binary = true;
    else if (b === 13 && bytes[i + 1] !== 10) binary = true;
    else if (b === 10 && bytes[i - 1] !== 13) binary = true;
  }
  return `${binary ? '~' : ''}{${bytes.length}}\r\n`;
}
