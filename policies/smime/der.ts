// A bounded BER/DER reader that keeps every element's byte offsets into the original buffer.
//
// Why not node-forge's asn1.fromDer alone: its tree drops offsets, and its toDer re-encodes (it strips a
// leading zero from INTEGERs and turns indefinite lengths into definite ones), so bytes recovered from it
// are not the bytes a CA or signer signed. Signatures must be checked over the exact received bytes
// (certificates' TBS, CRLs' TBS, eContent) and over the DER of signed attributes built from the received
// elements. node-forge still decodes the primitive values (OIDs, times). Parsing is lazy (children are
// read when asked for), depth- and count-limited, and never reads past the buffer: bad input throws
// DerError, which callers turn into a finding.

import forge from 'node-forge';

export class DerError extends Error {}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x10,
  SET: 0x11,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

export const CLASS = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

const MAX_DEPTH = 32;
const MAX_CHILDREN = 100_000;

export class DerNode {
  private parsedChildren: DerNode[] | null = null;

  constructor(
    readonly buf: Buffer,
    /** Offset of the identifier octet. */
    readonly start: number,
    /** Offset of the first content octet. */
    readonly contentStart: number,
    /** End of the content (exclusive); for indefinite lengths, before the end-of-contents octets. */
    readonly contentEnd: number,
    /** End of the whole element (exclusive), including end-of-contents octets. */
    readonly end: number,
    readonly cls: number,
    readonly constructed: boolean,
    readonly tag: number,
    readonly indefinite: boolean,
    readonly depth: number,
  ) {}

  /** The element exactly as received (identifier, length and content). */
  get bytes(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  get content(): Buffer {
    return this.buf.subarray(this.contentStart, this.contentEnd);
  }

  is(cls: number, tag: number): boolean {
    return this.cls === cls && this.tag === tag;
  }

  isUniversal(tag: number): boolean {
    return this.cls === CLASS.UNIVERSAL && this.tag === tag;
  }

  isContext(tag: number): boolean {
    return this.cls === CLASS.CONTEXT && this.tag === tag;
  }

  get children(): DerNode[] {
    if (this.parsedChildren) return this.parsedChildren;
    if (!this.constructed) throw new DerError(`element at ${this.start} is not constructed`);
    const out: DerNode[] = [];
    let pos = this.contentStart;
    while (pos < this.contentEnd) {
      if (out.length >= MAX_CHILDREN) throw new DerError('too many elements');
      const child = readElement(this.buf, pos, this.contentEnd, this.depth + 1);
      out.push(child);
      pos = child.end;
    }
    this.parsedChildren = out;
    return out;
  }

  child(index: number): DerNode {
    const c = this.children[index];
    if (!c) throw new DerError(`missing element ${index} in structure at ${this.start}`);
    return c;
  }

  expect(cls: number, tag: number, what: string): this {
    if (!this.is(cls, tag)) throw new DerError(`${what}: unexpected element (class ${this.cls}, tag ${this.tag})`);
    return this;
  }

  expectUniversal(tag: number, what: string): this {
    return this.expect(CLASS.UNIVERSAL, tag, what);
  }
}

function readElement(buf: Buffer, pos: number, limit: number, depth: number): DerNode {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  const start = pos;
  if (pos >= limit) throw new DerError('truncated element');
  const id = buf[pos++];
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    // High tag numbers: base-128, at most 4 octets (nothing in CMS or X.509 needs more).
    tag = 0;
    for (let i = 0; ; i++) {
      if (pos >= limit || i >= 4) throw new DerError('bad tag');
      const b = buf[pos++];
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= limit) throw new DerError('truncated length');
  const first = buf[pos++];
  if (first === 0x80) {
    if (!constructed) throw new DerError('indefinite length on a primitive element');
    // Indefinite length (BER, as gpgsm and streaming encoders write): children up to end-of-contents.
    const contentStart = pos;
    let count = 0;
    for (;;) {
      if (pos + 2 > limit) throw new DerError('missing end-of-contents');
      if (buf[pos] === 0 && buf[pos + 1] === 0) {
        const node = new DerNode(buf, start, contentStart, pos, pos + 2, cls, constructed, tag, true, depth);
        return node;
      }
      if (++count > MAX_CHILDREN) throw new DerError('too many elements');
      pos = readElement(buf, pos, limit, depth + 1).end;
    }
  }
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    if (n > 4 || n === 0x7f) throw new DerError('length too large');
    length = 0;
    for (let i = 0; i < n; i++) {
      if (pos >= limit) throw new DerError('truncated length');
      length = length * 256 + buf[pos++];
    }
  }
  const contentStart = pos;
  const contentEnd = contentStart + length;
  if (contentEnd > limit) throw new DerError('element longer than its container');
  return new DerNode(buf, start, contentStart, contentEnd, contentEnd, cls, constructed, tag, false, depth);
}

/** Parses one element that must fill `buf` exactly. */
export function parseDer(buf: Buffer): DerNode {
  const node = readElement(buf, 0, buf.length, 0);
  if (node.end !== buf.length) throw new DerError('trailing bytes after the element');
  return node;
}

/** Parses one element at the start of `buf`, ignoring what follows (a sniffing helper). */
export function parseDerPrefix(buf: Buffer): DerNode {
  return readElement(buf, 0, buf.length, 0);
}

export function oidOf(node: DerNode): string {
  node.expectUniversal(TAG.OID, 'object identifier');
  if (node.content.length === 0 || node.content.length > 64) throw new DerError('bad object identifier');
  try {
    return forge.asn1.derToOid(node.content.toString('latin1'));
  } catch {
    throw new DerError('bad object identifier');
  }
}

/** INTEGER content as lower-case hex, without redundant leading zero octets (serial numbers). */
export function integerHex(node: DerNode): string {
  node.expectUniversal(TAG.INTEGER, 'integer');
  if (node.content.length === 0 || node.content.length > 64) throw new DerError('bad integer');
  let i = 0;
  while (i < node.content.length - 1 && node.content[i] === 0) i++;
  return node.content.subarray(i).toString('hex');
}

export function smallInteger(node: DerNode): number {
  node.expectUniversal(TAG.INTEGER, 'integer');
  if (node.content.length === 0 || node.content.length > 4) throw new DerError('integer out of range');
  if (node.content[0] & 0x80) throw new DerError('negative integer');
  return node.content.readUIntBE(0, node.content.length);
}

export function timeOf(node: DerNode): Date {
  const text = node.content.toString('latin1');
  let date: Date;
  try {
    if (node.isUniversal(TAG.UTC_TIME)) date = forge.asn1.utcTimeToDate(text);
    else if (node.isUniversal(TAG.GENERALIZED_TIME)) date = forge.asn1.generalizedTimeToDate(text);
    else throw new DerError('expected a time');
  } catch (err) {
    if (err instanceof DerError) throw err;
    throw new DerError('bad time');
  }
  if (Number.isNaN(date.getTime())) throw new DerError('bad time');
  return date;
}

export function booleanOf(node: DerNode): boolean {
  node.expectUniversal(TAG.BOOLEAN, 'boolean');
  if (node.content.length !== 1) throw new DerError('bad boolean');
  return node.content[0] !== 0;
}

/** BIT STRING content without its unused-bits octet, and that count. */
export function bitStringOf(node: DerNode): { bytes: Buffer; unused: number } {
  node.expectUniversal(TAG.BIT_STRING, 'bit string');
  if (node.constructed || node.content.length === 0) throw new DerError('bad bit string');
  return { bytes: node.content.subarray(1), unused: node.content[0] };
}

/** OCTET STRING value; a constructed (BER, chunked) one is concatenated, bounded by its own size. */
export function octetStringOf(node: DerNode): Buffer {
  if (!node.isUniversal(TAG.OCTET_STRING)) throw new DerError('expected an octet string');
  if (!node.constructed) return node.content;
  const parts: Buffer[] = [];
  const collect = (n: DerNode) => {
    for (const c of n.children) {
      if (!c.isUniversal(TAG.OCTET_STRING)) throw new DerError('bad constructed octet string');
      if (c.constructed) collect(c);
      else parts.push(c.content);
    }
  };
  collect(node);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** A definite-length DER header for `tag` (universal class unless the tag octet says otherwise). */
function derHeader(tagOctet: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tagOctet, length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([tagOctet, 0x80 | bytes.length, ...bytes]);
}

/**
 * DER of a SET OF whose elements are given as received: the elements sorted as DER requires (X.690
 * 11.6). Each element must itself be DER; the signer signed this encoding (RFC 5652 5.4).
 */
export function derSetOf(elements: Buffer[]): Buffer {
  const sorted = [...elements].sort((a, b) => Buffer.compare(a, b));
  const total = sorted.reduce((n, e) => n + e.length, 0);
  return Buffer.concat([derHeader(0x31, total), ...sorted]);
}

/** True when the element and everything inside it use definite lengths (a precondition of DER). */
export function isDefiniteDeep(node: DerNode): boolean {
  if (node.indefinite) return false;
  if (!node.constructed) return true;
  return node.children.every(isDefiniteDeep);
}
