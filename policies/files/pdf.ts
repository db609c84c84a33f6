// PDF inspection without a renderer. What is inspected, and why:
// - structure: `%PDF-` at the start and `startxref` + `%%EOF` in the last 2 KiB (a truncated or
//   renamed file fails here);
// - active content: every PDF name token outside stream data, after decoding `#xx` escapes (so
//   `/J#61vaScript` is `/JavaScript`), is compared with the action names below; names are never
//   encrypted or compressed outside object streams, so this sees every top-level object. Inside
//   stream data (images, fonts: binary that may contain "/JS" by chance) only a complete action
//   type, `/S /JavaScript` or `/S /Launch` …, counts: every executing action must name its type
//   so, and 14 random bytes never do. A fake "stream" hiding a dictionary is caught the same way.
// - compressed object streams (`/Type /ObjStm`, where PDF 1.5+ writers put most dictionaries) are
//   inflated (FlateDecode only; the total is capped) and scanned the same way. An object stream with
//   any other filter cannot be inspected and is reported as such. Page content streams are not
//   inflated: they draw, they cannot hold actions.
// - `/OpenAction` alone is not active: Word and LibreOffice write it with a destination array to set
//   the initial view. It counts when it holds an action dictionary other than GoTo. JavaScript, JS,
//   Launch, AA (additional actions), RichMedia, ImportData and SubmitForm always count.
// - `/Encrypt` in the file means strings and streams (object streams too) cannot be inspected.

import { constants, inflateSync } from 'node:zlib';

const ACTIVE_NAMES = new Set(['JavaScript', 'JS', 'Launch', 'AA', 'RichMedia', 'ImportData', 'SubmitForm']);
const NAME_TOKEN = /\/([^\s/[\]()<>{}%]{1,127})/g;

export interface PdfFacts {
  structureOk: boolean;
  structureProblem?: string;
  active: string[];
  encrypted: boolean;
  uninspectable: string[];
  inflateExceeded: boolean;
}

function decodeName(raw: string): string {
  if (!raw.includes('#')) return raw;
  return raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

interface Scan {
  active: Set<string>;
  objStmAt: number[];
  encrypted: boolean;
}

const ACTION_TYPES = new Set(['JavaScript', 'Launch', 'ImportData', 'SubmitForm', 'RichMediaExecute']);
const ACTION_TYPE = /\/S\s*\/([^\s/[\]()<>{}%]{1,64})/g;
const STREAM_START = />>\s*stream\r?\n/g;

/** [start, end) ranges of stream data: after `>> stream EOL`, up to the next `endstream`. */
function streamRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  STREAM_START.lastIndex = 0;
  for (let m = STREAM_START.exec(text); m; m = STREAM_START.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end === -1) break;
    ranges.push([start, end]);
    STREAM_START.lastIndex = end;
  }
  return ranges;
}

function scanActionTypes(text: string, into: Set<string>): void {
  for (const m of text.matchAll(ACTION_TYPE)) {
    const type = decodeName(m[1]);
    if (ACTION_TYPES.has(type)) into.add(type);
  }
}

/** Names outside stream data, action types inside it. */
function scanDocument(text: string): Scan {
  const scan: Scan = { active: new Set(), objStmAt: [], encrypted: false };
  let at = 0;
  for (const [start, end] of streamRanges(text)) {
    mergeScan(scan, scanNames(text.slice(at, start), true), at);
    scanActionTypes(text.slice(start, end), scan.active);
    at = end;
  }
  mergeScan(scan, scanNames(text.slice(at), true), at);
  return scan;
}

function mergeScan(into: Scan, part: Scan, offset: number): void {
  part.active.forEach((n) => into.active.add(n));
  into.objStmAt.push(...part.objStmAt.map((p) => p + offset));
  into.encrypted ||= part.encrypted;
}

function scanNames(text: string, recordObjStm: boolean): Scan {
  const scan: Scan = { active: new Set(), objStmAt: [], encrypted: false };
  for (const m of text.matchAll(NAME_TOKEN)) {
    const name = decodeName(m[1]);
    if (ACTIVE_NAMES.has(name)) scan.active.add(name);
    else if (name === 'OpenAction' && openActionIsActive(text, m.index + m[0].length)) scan.active.add('OpenAction');
    else if (name === 'Encrypt') scan.encrypted = true;
    else if (recordObjStm && name === 'ObjStm') scan.objStmAt.push(m.index);
  }
  return scan;
}

/** An inline action dictionary that is not a GoTo; destination arrays and references are views. */
function openActionIsActive(text: string, from: number): boolean {
  const after = text.slice(from, from + 512).trimStart();
  if (!after.startsWith('<<')) return false;
  const dict = after.slice(0, after.indexOf('>>') === -1 ? 512 : after.indexOf('>>'));
  const type = /\/S\s*\/([^\s/[\]()<>]+)/.exec(dict);
  return !type || decodeName(type[1]) !== 'GoTo';
}

/** Every `endstream` position, found once: searching from each /ObjStm name would cost names x file length. */
function endstreamPositions(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('endstream'); i !== -1; i = text.indexOf('endstream', i + 9)) out.push(i);
  return out;
}

function firstAtOrAfter(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo] : -1;
}

function streamData(bytes: Buffer, text: string, at: number, endstreams: number[]): { dict: string; data: Buffer; end: number } | null {
  const windowStart = Math.max(at - 4096, 0);
  const obj = text.slice(windowStart, at).lastIndexOf('obj');
  const dictStart = obj === -1 ? windowStart : windowStart + obj;
  const keyword = text.slice(at, at + 4096 + 6).indexOf('stream');
  if (keyword === -1) return null;
  let start = at + keyword + 'stream'.length;
  if (text[start] === '\r') start++;
  if (text[start] === '\n') start++;
  const end = firstAtOrAfter(endstreams, start);
  if (end === -1) return null;
  return { dict: text.slice(dictStart, at + keyword), data: bytes.subarray(start, end), end };
}

export function inspectPdf(bytes: Buffer, maxInflate: number): PdfFacts {
  const facts: PdfFacts = { structureOk: true, active: [], encrypted: false, uninspectable: [], inflateExceeded: false };
  const head = bytes.subarray(0, 1024).toString('latin1');
  const tail = bytes.subarray(Math.max(0, bytes.length - 2048)).toString('latin1');
  if (!head.startsWith('%PDF-')) {
    facts.structureOk = false;
    facts.structureProblem = 'no %PDF- header';
  } else if (!/startxref\s+\d+\s+%%EOF/.test(tail)) {
    facts.structureOk = false;
    facts.structureProblem = 'no startxref/%%EOF trailer (truncated?)';
  }
  const text = bytes.toString('latin1');
  const top = scanDocument(text);
  const active = new Set(top.active);
  facts.encrypted = top.encrypted;
  let budget = maxInflate;
  if (!facts.encrypted) {
    // Many /ObjStm names can point at the same stream data (each finds the next `stream` keyword):
    // look at each stream once, or a crafted file costs names x stream length, synchronously.
    const seen = new Set<number>();
    const endstreams = endstreamPositions(text);
    for (const at of top.objStmAt) {
      const stream = streamData(bytes, text, at, endstreams);
      if (!stream || seen.has(stream.end)) continue;
      seen.add(stream.end);
      const filters = [...stream.dict.matchAll(NAME_TOKEN)].map((m) => decodeName(m[1])).filter((n) => /Decode$|^(Fl|AHx|A85|LZW|RL|CCF|DCT)$/.test(n));
      if (filters.length !== 1 || (filters[0] !== 'FlateDecode' && filters[0] !== 'Fl')) {
        facts.uninspectable.push(filters.join('+') || 'unfiltered');
        if (filters.length === 0) scanNames(stream.data.toString('latin1'), false).active.forEach((n) => active.add(n));
        continue;
      }
      if (budget <= 0) {
        facts.inflateExceeded = true;
        break;
      }
      let inflated: Buffer;
      try {
        inflated = inflateSync(stream.data, { maxOutputLength: budget, finishFlush: constants.Z_SYNC_FLUSH });
      } catch (err) {
        if (err instanceof RangeError || /maxOutputLength|buffer/i.test((err as Error).message)) {
          facts.inflateExceeded = true;
          break;
        }
        facts.uninspectable.push('corrupt FlateDecode object stream');
        continue;
      }
      budget -= inflated.length;
      scanNames(inflated.toString('latin1'), false).active.forEach((n) => active.add(n));
    }
  }
  facts.active = [...active];
  return facts;
}
