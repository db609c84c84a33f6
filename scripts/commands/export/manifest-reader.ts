// manifest.json read as a stream with stream-json: the elements of its two long arrays ("documents",
// "files") one at a time, and the rest of it (the header, small) whole, so `export verify` never holds a
// year's list. Any layout of valid JSON reads the same (a rewritten manifest may be on one line); only
// top-level arrays of objects are streamed, as export writes them.
// The parser and the stages after it run in one stream (withParser: stream-json's stages compose
// synchronously inside it), so only whole elements cross a stream boundary, never single tokens; the
// parser gives keys, strings and numbers whole (one token each, not start/chunks/end: a third of the
// tokens, half the time on a 10 MB manifest).

import { pipeline, type Readable } from 'node:stream';
import Assembler from 'stream-json/assembler.js';
import pick from 'stream-json/filters/pick.js';
import type { Token } from 'stream-json/parser.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import withParser from 'stream-json/utils/with-parser.js';

export type ManifestArray = 'documents' | 'files';

export interface ManifestElement {
  array: ManifestArray;
  value: unknown;
}

const STREAMED: ReadonlySet<string> = new Set<ManifestArray>(['documents', 'files']);

/** The tokens a value can begin with (keys, strings and numbers come packed). */
const VALUE_STARTS: ReadonlySet<string> = new Set(['startObject', 'startArray', 'stringValue', 'numberValue', 'nullValue', 'trueValue', 'falseValue']);

const PARSER = { streamValues: false, packValues: true };

function notAnObject(array: ManifestArray): SyntaxError {
  return new SyntaxError(`manifest.json: ${array}: an element is not an object`);
}

/** A stage: withParser's type wants a flushable, any function of a token does (undefined is no output). */
type Stage = Parameters<typeof withParser.asStream>[0];

/**
 * Runs the manifest's bytes through the parser and `stages` in one stream. Errors of the source
 * (an unreadable or oversized entry) come out as they are; anything the JSON itself causes is a
 * SyntaxError, as JSON.parse would throw.
 */
async function* through(source: Readable, stages: () => unknown): AsyncGenerator<unknown> {
  let sourceError: unknown = undefined;
  source.once('error', (err) => (sourceError = err));
  // The callback's error is the one the stream below is destroyed with, and thrown by the loop.
  const out = pipeline(source, withParser.asStream(stages as Stage, PARSER), () => undefined);
  try {
    for await (const item of out) yield item;
  } catch (err) {
    if (err === sourceError || err instanceof SyntaxError) throw err;
    throw new SyntaxError(`manifest.json: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The header assembled whole (each streamed array as []), bounded; the streamed arrays' elements
 * assembled one by one and handed out.
 */
class ManifestRouter {
  private readonly header = new Assembler();
  private readonly element = new Assembler();
  /** The streamed array the tokens are in, or null (header). */
  private array: ManifestArray | null = null;
  private inElement = false;
  private headerSize = 0;

  constructor(private readonly maxHeader: number) {}

  readonly route = (token: Token): ManifestElement | undefined => {
    if (this.inElement) {
      this.element.consume(token);
      if (!this.element.done) return undefined;
      this.inElement = false;
      return { array: this.array!, value: this.element.current };
    }
    if (this.array) {
      if (token.name === 'endArray') this.array = null;
      else if (token.name === 'startObject') {
        this.inElement = true;
        this.element.consume(token);
      } else if (VALUE_STARTS.has(token.name)) throw notAnObject(this.array);
      return undefined;
    }
    // Roughly the header's JSON text: keys, strings and numbers by their bytes, one per other token.
    this.headerSize += 'value' in token && typeof token.value === 'string' ? Buffer.byteLength(token.value) + 1 : 1;
    if (this.headerSize > this.maxHeader) throw new SyntaxError(`manifest.json: header larger than ${this.maxHeader} bytes`);
    const h = this.header;
    if (token.name === 'startArray' && h.depth === 1 && !Array.isArray(h.current) && h.key !== null && STREAMED.has(h.key)) {
      this.array = h.key as ManifestArray;
      h.startArray();
      h.endArray();
      return undefined;
    }
    h.consume(token);
    return undefined;
  };

  /** The manifest without its arrays' elements, once every byte was read. */
  end(): unknown {
    if (this.headerSize === 0 || !this.header.done) throw new SyntaxError('manifest.json: unexpected end of JSON input');
    return this.header.current;
  }
}

/** Every element of manifest.json, in order, and (returned last) the manifest without its arrays. */
export async function* scanManifest(stream: Readable, maxHeader = 1024 * 1024): AsyncGenerator<ManifestElement, unknown> {
  const router = new ManifestRouter(maxHeader);
  for await (const element of through(stream, () => router.route)) yield element as ManifestElement;
  return router.end();
}

/** Fails at the first token of an element of the picked array that is not an object. */
function objectsOnly(array: ManifestArray): (token: Token) => Token {
  let depth = 0;
  return (token) => {
    if (depth === 1 && token.name !== 'startObject' && VALUE_STARTS.has(token.name)) throw notAnObject(array);
    if (token.name === 'startObject' || token.name === 'startArray') depth++;
    else if (token.name === 'endObject' || token.name === 'endArray') depth--;
    return token;
  };
}

/** The elements of one of the streamed arrays (the rest of the manifest is skipped, not assembled). */
export async function* manifestElements<T>(stream: Readable, array: ManifestArray): AsyncGenerator<T> {
  // gen() inlines a list of stages: pick the array, check its elements, assemble them one by one.
  const stages = () => [pick({ filter: array }), objectsOnly(array), streamArray()];
  for await (const item of through(stream, stages)) yield (item as { value: T }).value;
}
