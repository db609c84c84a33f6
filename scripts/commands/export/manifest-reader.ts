// manifest.json read as a stream: the elements of its two long arrays ("documents", "files") one at a
// time, and the rest of it (the header, small) whole, so `export verify` never holds a year's list.
// Any layout of valid JSON reads the same (a rewritten manifest may be on one line); only top-level
// arrays of objects are streamed, as export writes them.

import type { Readable } from 'node:stream';

export type ManifestArray = 'documents' | 'files';

const STREAMED: readonly string[] = ['documents', 'files'];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Splits manifest.json bytes into the streamed arrays' elements and a skeleton where they are empty. */
class ManifestScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private keyBytes: number[] = [];
  private lastKey = '';
  /** The streamed array the scan is in (depth 2), or null. */
  private array: ManifestArray | null = null;
  private element: Buffer[] = [];
  private elementStart = -1;
  private readonly skeleton: Buffer[] = [];
  private skeletonSize = 0;

  constructor(private readonly maxSkeleton: number) {}

  /** The elements completed in this chunk, parsed. */
  feed(chunk: Buffer): { array: ManifestArray; value: unknown }[] {
    const out: { array: ManifestArray; value: unknown }[] = [];
    let keepFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 1) this.lastKey = Buffer.from(this.keyBytes).toString('utf8');
        } else if (this.depth === 1 && this.keyBytes.length < 64) this.keyBytes.push(c);
        continue;
      }
      if (c === QUOTE) {
        if (this.array && this.depth === 2) throw new SyntaxError(`manifest.json: ${this.array}: an element is not an object`);
        this.inString = true;
        this.keyBytes = [];
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.array && this.depth === 2) {
          if (c !== OPEN_OBJECT) throw new SyntaxError(`manifest.json: ${this.array}: an element is not an object`);
          this.elementStart = i;
        }
        this.depth++;
        if (this.depth === 2 && c === OPEN_ARRAY && STREAMED.includes(this.lastKey)) {
          this.array = this.lastKey as ManifestArray;
          this.keep(chunk.subarray(keepFrom, i + 1));
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.array && this.depth === 2 && this.elementStart >= 0) {
          this.element.push(chunk.subarray(this.elementStart, i + 1));
          out.push({ array: this.array, value: JSON.parse(Buffer.concat(this.element).toString('utf8')) });
          this.element = [];
          this.elementStart = -1;
        } else if (this.array && this.depth === 1) {
          this.array = null;
          keepFrom = i;
        }
      } else if (this.array && this.depth === 2 && c !== COMMA && !isSpace(c)) {
        throw new SyntaxError(`manifest.json: ${this.array}: an element is not an object`);
      }
    }
    if (this.elementStart >= 0) {
      this.element.push(chunk.subarray(this.elementStart));
      this.elementStart = 0;
    }
    if (!this.array) this.keep(chunk.subarray(keepFrom));
    return out;
  }

  private keep(bytes: Buffer): void {
    this.skeletonSize += bytes.length;
    if (this.skeletonSize > this.maxSkeleton) throw new SyntaxError(`manifest.json: header larger than ${this.maxSkeleton} bytes`);
    this.skeleton.push(Buffer.from(bytes));
  }

  /** The manifest with both streamed arrays empty. */
  end(): unknown {
    return JSON.parse(Buffer.concat(this.skeleton).toString('utf8'));
  }
}

/** Every element of manifest.json, in order, and (returned last) the manifest without its arrays. */
export async function* scanManifest(stream: Readable, maxSkeleton = 1024 * 1024): AsyncGenerator<{ array: ManifestArray; value: unknown }, unknown> {
  const scanner = new ManifestScanner(maxSkeleton);
  for await (const chunk of stream) yield* scanner.feed(chunk as Buffer);
  return scanner.end();
}

/** The elements of one of the streamed arrays. */
export async function* manifestElements<T>(stream: Readable, array: ManifestArray): AsyncGenerator<T> {
  for await (const element of scanManifest(stream)) if (element.array === array) yield element.value as T;
}
