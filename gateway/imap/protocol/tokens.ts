// Turns one framed command into tokens (RFC 3501 section 9): atoms, quoted strings, literals, and
// parenthesised lists; fetch attributes keep their [section] and <partial>. Anything outside the
// grammar is a BadCommand: the caller answers BAD and the connection carries on.

import type { Literal } from './framer.js';

export type Token =
  | { type: 'atom'; value: string; section?: Token[]; partial?: { start: number; length: number | null } }
  | { type: 'string'; value: string; bytes: Buffer; literal: Literal | null }
  | { type: 'list'; items: Token[] };

export class BadCommand extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
    /** NO for arguments that are well-formed but refer to nothing valid (e.g. a bad mailbox name). */
    readonly status: 'BAD' | 'NO' = 'BAD',
  ) {
    super(message);
    this.name = 'BadCommand';
  }
}

const SECTION_ATOMS = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);
const MAX_DEPTH = 16;
const MAX_TOKENS = 100_000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BadCommand('Invalid UTF-8 in string');
  }
}

class Scanner {
  private part = 0;
  private pos = 0;
  private count = 0;

  constructor(private readonly parts: (Buffer | Literal)[]) {}

  private get seg(): Buffer | null {
    const p = this.parts[this.part];
    return Buffer.isBuffer(p) ? p : null;
  }

  private peekByte(): number {
    const seg = this.seg;
    return seg && this.pos < seg.length ? seg[this.pos] : -1;
  }

  private atSegmentEnd(): boolean {
    const seg = this.seg;
    return !seg || this.pos >= seg.length;
  }

  tokens(): Token[] {
    const out = this.sequence(0, null);
    if (this.part < this.parts.length - 1 || !this.atSegmentEnd()) throw new BadCommand('Unexpected data after command');
    return out;
  }

  private sequence(depth: number, close: number | null): Token[] {
    if (depth > MAX_DEPTH) throw new BadCommand('Lists nested too deeply');
    const out: Token[] = [];
    let first = true;
    for (;;) {
      const b = this.peekByte();
      if (b === -1) {
        if (close !== null) throw new BadCommand(`Missing "${String.fromCharCode(close)}"`);
        return out;
      }
      if (b === close) {
        this.pos++;
        return out;
      }
      if (!first) {
        if (b !== 0x20) throw new BadCommand('Expected a space between arguments');
        this.pos++;
        if (this.peekByte() === close && close !== null) throw new BadCommand('Trailing space in list');
        if (this.peekByte() === -1) throw new BadCommand('Trailing space');
      }
      first = false;
      if (++this.count > MAX_TOKENS) throw new BadCommand('Too many arguments');
      out.push(this.token(depth, close === 0x5d));
    }
  }

  private token(depth: number, inSection: boolean): Token {
    const b = this.peekByte();
    if (b === 0x28) {
      this.pos++;
      return { type: 'list', items: this.sequence(depth + 1, 0x29) };
    }
    if (b === 0x22) return this.quoted();
    // `~` starts a literal8 only when `{` follows; otherwise it is an ordinary atom character (`~foo`).
    if (b === 0x7b || (b === 0x7e && this.seg![this.pos + 1] === 0x7b)) return this.literal();
    return this.atom(depth, inSection);
  }

  private quoted(): Token {
    const seg = this.seg!;
    this.pos++;
    const bytes: number[] = [];
    for (;;) {
      if (this.pos >= seg.length) throw new BadCommand('Unterminated quoted string');
      const c = seg[this.pos++];
      if (c === 0x22) break;
      if (c === 0x5c) {
        const next = seg[this.pos++];
        if (next !== 0x22 && next !== 0x5c) throw new BadCommand('Invalid escape in quoted string');
        bytes.push(next);
        continue;
      }
      if (c === 0x00) throw new BadCommand('NUL in quoted string');
      bytes.push(c);
    }
    const buf = Buffer.from(bytes);
    return { type: 'string', value: decodeText(buf), bytes: buf, literal: null };
  }

  private literal(): Token {
    const seg = this.seg!;
    const rest = seg.subarray(this.pos).toString('latin1');
    if (!/^~?\{\d+\+?\}$/.test(rest)) throw new BadCommand('Literal marker must end the line');
    const next = this.parts[this.part + 1];
    if (next === undefined || Buffer.isBuffer(next)) throw new BadCommand('Missing literal data');
    this.part += 2;
    this.pos = 0;
    if (this.part >= this.parts.length) throw new BadCommand('Missing end of command after literal');
    // NUL is allowed only in an APPEND's literal8 (RFC 3516 4.4); the framer marks both while reading.
    const nul = next.nul ?? (next.kind === 'memory' && next.data.indexOf(0) !== -1);
    if (nul && !(next.binary && rest.startsWith('~'))) throw new BadCommand('NUL in literal');
    if (next.kind === 'file') return { type: 'string', value: '', bytes: Buffer.alloc(0), literal: next };
    let value: string;
    try {
      value = utf8.decode(next.data);
    } catch {
      value = next.data.toString('latin1');
    }
    return { type: 'string', value, bytes: next.data, literal: next };
  }

  private atom(depth: number, inSection: boolean): Token {
    const seg = this.seg!;
    const start = this.pos;
    while (this.pos < seg.length) {
      const c = seg[this.pos];
      if (c === 0x20 || c === 0x28 || c === 0x29 || (inSection && c === 0x5d)) break;
      if (c === 0x5b && SECTION_ATOMS.has(seg.subarray(start, this.pos).toString('latin1').toUpperCase())) {
        const name = seg.subarray(start, this.pos).toString('latin1');
        this.pos++;
        const section = this.sequence(depth + 1, 0x5d);
        const partial = this.partial();
        const next = this.peekByte();
        if (next !== -1 && next !== 0x20 && next !== 0x29) throw new BadCommand('Unexpected character after section');
        return { type: 'atom', value: name, section, ...(partial ? { partial } : {}) };
      }
      if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x7b) throw new BadCommand('Invalid character in atom');
      if (c === 0x5c && this.pos !== start) throw new BadCommand('Backslash inside atom');
      this.pos++;
    }
    if (this.pos === start) throw new BadCommand('Empty argument');
    return { type: 'atom', value: seg.subarray(start, this.pos).toString('latin1') };
  }

  private partial(): { start: number; length: number | null } | null {
    if (this.peekByte() !== 0x3c) return null;
    const seg = this.seg!;
    const end = seg.indexOf(0x3e, this.pos);
    if (end === -1) throw new BadCommand('Unterminated partial');
    const text = seg.subarray(this.pos + 1, end).toString('latin1');
    this.pos = end + 1;
    const m = /^(\d{1,10})(?:\.(\d{1,10}))?$/.exec(text);
    if (!m) throw new BadCommand('Invalid partial');
    const length = m[2] === undefined ? null : Number(m[2]);
    if (length === 0) throw new BadCommand('Partial length must not be zero');
    return { start: Number(m[1]), length };
  }
}

export function tokenize(parts: (Buffer | Literal)[]): Token[] {
  return new Scanner(parts).tokens();
}
