// A small PDF object parser (ISO 32000-1 7.3): the values of indirect objects found by scanning the
// file's bytes, with the byte offsets of strings and dictionaries kept, because a signature's /ByteRange
// must be checked against the exact position of its /Contents string. No renderer, no decompression.

interface PdfName {
  t: 'name';
  v: string;
}
export interface PdfString {
  t: 'string';
  hex: boolean;
  bytes: Buffer;
  /** Offsets of the token in the file: [start, end) including the delimiters. */
  start: number;
  end: number;
}
interface PdfRef {
  t: 'ref';
  num: number;
  gen: number;
}
interface PdfArray {
  t: 'array';
  items: PdfValue[];
}
export interface PdfDict {
  t: 'dict';
  entries: Map<string, PdfValue>;
  start: number;
  end: number;
}
export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfArray | PdfDict;

export class PdfSyntaxError extends Error {}

/** One `N G obj … endobj` found in the file; `stream` is the raw stream data when there is one. */
export interface IndirectObject {
  num: number;
  gen: number;
  /** Offset of the `N G obj` header. */
  offset: number;
  /** Offset just after `endobj` (or where parsing stopped). */
  end: number;
  value: PdfValue;
  stream: Buffer | null;
}

const MAX_DEPTH = 64;

function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}
function isDelimiter(c: number): boolean {
  return c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;
}

export class PdfParser {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  skipWhite(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      const c = b[this.pos];
      if (isWhite(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  private regular(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && !isWhite(this.buf[this.pos]) && !isDelimiter(this.buf[this.pos])) this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  /** The next value at `pos`; throws PdfSyntaxError on bad syntax. */
  value(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('objects nested too deeply');
    this.skipWhite();
    const b = this.buf;
    if (this.pos >= b.length) throw new PdfSyntaxError('unexpected end of file');
    const c = b[this.pos];
    if (c === 0x2f) {
      this.pos++;
      return { t: 'name', v: this.regular().replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) };
    }
    if (c === 0x3c && b[this.pos + 1] === 0x3c) return this.dict(depth);
    if (c === 0x3c) return this.hexString();
    if (c === 0x28) return this.literalString();
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipWhite();
        if (this.pos >= b.length) throw new PdfSyntaxError('unterminated array');
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return { t: 'array', items };
        }
        items.push(this.value(depth + 1));
      }
    }
    const word = this.regular();
    if (word === '') throw new PdfSyntaxError(`unexpected character 0x${c.toString(16)} at ${this.pos}`);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) throw new PdfSyntaxError(`unexpected keyword ${word.slice(0, 20)} at ${this.pos - word.length}`);
    const number = Number(word);
    if (/^\d+$/.test(word)) {
      // `num gen R` is a reference: look ahead without consuming when it is not.
      const save = this.pos;
      this.skipWhite();
      const gen = this.regular();
      if (/^\d+$/.test(gen)) {
        this.skipWhite();
        if (b[this.pos] === 0x52 && (this.pos + 1 >= b.length || isWhite(b[this.pos + 1]) || isDelimiter(b[this.pos + 1]))) {
          this.pos++;
          return { t: 'ref', num: number, gen: Number(gen) };
        }
      }
      this.pos = save;
    }
    return number;
  }

  private dict(depth: number): PdfDict {
    const start = this.pos;
    this.pos += 2;
    const entries = new Map<string, PdfValue>();
    for (;;) {
      this.skipWhite();
      if (this.pos >= this.buf.length) throw new PdfSyntaxError('unterminated dictionary');
      if (this.buf[this.pos] === 0x3e && this.buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return { t: 'dict', entries, start, end: this.pos };
      }
      const key = this.value(depth + 1);
      if (key === null || typeof key !== 'object' || key.t !== 'name') throw new PdfSyntaxError(`dictionary key is not a name at ${this.pos}`);
      // A repeated key makes the dictionary ambiguous between readers (one class of shadow attack).
      if (entries.has(key.v)) throw new PdfSyntaxError(`duplicate key /${key.v} in a dictionary`);
      entries.set(key.v, this.value(depth + 1));
    }
  }

  private hexString(): PdfString {
    const start = this.pos;
    const close = this.buf.indexOf(0x3e, start + 1);
    if (close === -1) throw new PdfSyntaxError('unterminated hex string');
    const digits = this.buf.toString('latin1', start + 1, close).replace(/[\s\0]/g, '');
    if (!/^[0-9a-fA-F]*$/.test(digits)) throw new PdfSyntaxError('bad hex string');
    this.pos = close + 1;
    return { t: 'string', hex: true, bytes: Buffer.from(digits.length % 2 ? `${digits}0` : digits, 'hex'), start, end: this.pos };
  }

  private literalString(): PdfString {
    const start = this.pos;
    const out: number[] = [];
    let depth = 0;
    const b = this.buf;
    this.pos++;
    for (;;) {
      if (this.pos >= b.length) throw new PdfSyntaxError('unterminated string');
      const c = b[this.pos++];
      if (c === 0x5c) {
        const n = b[this.pos++];
        const map: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
        if (n in map) out.push(map[n]);
        else if (n >= 0x30 && n <= 0x37) {
          let octal = n - 0x30;
          for (let k = 0; k < 2 && b[this.pos] >= 0x30 && b[this.pos] <= 0x37; k++) octal = octal * 8 + (b[this.pos++] - 0x30);
          out.push(octal & 0xff);
        } else if (n === 0x0d || n === 0x0a) {
          if (n === 0x0d && b[this.pos] === 0x0a) this.pos++;
        } else out.push(n);
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (depth === 0) return { t: 'string', hex: false, bytes: Buffer.from(out), start, end: this.pos };
        depth--;
        out.push(c);
      } else out.push(c);
    }
  }
}

const OBJ_HEADER = /(?:^|[\s>\]])(\d{1,10})[ \t\r\n\0\f]+(\d{1,5})[ \t\r\n\0\f]+obj(?=[\s<[/(%])/g;

/**
 * Every indirect object in the file, in file order (later definitions of the same number follow earlier
 * ones). Stream data is skipped so that bytes inside a stream are never taken for objects.
 */
export function scanObjects(buf: Buffer, maxObjects = 200_000): { objects: IndirectObject[]; problems: string[] } {
  const text = buf.toString('latin1');
  const objects: IndirectObject[] = [];
  const problems: string[] = [];
  OBJ_HEADER.lastIndex = 0;
  for (let m = OBJ_HEADER.exec(text); m && objects.length < maxObjects; m = OBJ_HEADER.exec(text)) {
    const headerAt = m.index + m[0].indexOf(m[1]);
    const parser = new PdfParser(buf);
    parser.pos = m.index + m[0].length;
    let value: PdfValue;
    try {
      value = parser.value();
    } catch (err) {
      if (!(err instanceof PdfSyntaxError)) throw err;
      problems.push(`object ${m[1]} ${m[2]} at ${headerAt}: ${err.message}`);
      continue;
    }
    let stream: Buffer | null = null;
    parser.skipWhite();
    if (text.startsWith('stream', parser.pos)) {
      let start = parser.pos + 6;
      if (text[start] === '\r') start++;
      if (text[start] === '\n') start++;
      const length = value !== null && typeof value === 'object' && value.t === 'dict' ? value.entries.get('Length') : undefined;
      let end = typeof length === 'number' && text.startsWith('endstream', skipEol(text, start + length)) ? start + length : text.indexOf('endstream', start);
      if (end === -1) end = buf.length;
      stream = buf.subarray(start, end);
      parser.pos = Math.min(buf.length, text.indexOf('endstream', end) === -1 ? buf.length : text.indexOf('endstream', end) + 9);
      parser.skipWhite();
    }
    if (text.startsWith('endobj', parser.pos)) parser.pos += 6;
    objects.push({ num: Number(m[1]), gen: Number(m[2]), offset: headerAt, end: parser.pos, value, stream });
    OBJ_HEADER.lastIndex = parser.pos;
  }
  return { objects, problems };
}

function skipEol(text: string, at: number): number {
  let p = at;
  while (p < text.length && (text[p] === '\r' || text[p] === '\n' || text[p] === ' ')) p++;
  return p;
}

export function isDict(v: PdfValue | undefined): v is PdfDict {
  return v !== null && v !== undefined && typeof v === 'object' && v.t === 'dict';
}

export function nameOf(v: PdfValue | undefined): string | null {
  return v !== null && v !== undefined && typeof v === 'object' && v.t === 'name' ? v.v : null;
}

/** Structural equality, ignoring byte offsets; `ignore` lists top-level dictionary keys left out. */
export function sameValue(a: PdfValue | undefined, b: PdfValue | undefined, ignore: ReadonlySet<string> = new Set()): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'name':
      return a.v === (b as PdfName).v;
    case 'string':
      return a.bytes.equals((b as PdfString).bytes);
    case 'ref':
      return a.num === (b as PdfRef).num && a.gen === (b as PdfRef).gen;
    case 'array': {
      const items = (b as PdfArray).items;
      return a.items.length === items.length && a.items.every((item, i) => sameValue(item, items[i]));
    }
    case 'dict': {
      const other = (b as PdfDict).entries;
      const keys = new Set([...a.entries.keys(), ...other.keys()].filter((k) => !ignore.has(k)));
      for (const key of keys) if (!sameValue(a.entries.get(key), other.get(key))) return false;
      return true;
    }
  }
}
