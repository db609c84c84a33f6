// SEARCH keys (RFC 3501 6.4.4, RFC 7162 MODSEQ) into a tree; CHARSET is US-ASCII or UTF-8 (strings
// are decoded as UTF-8 either way, so Vietnamese text works with both and with literals).

import { flag, searchDate } from '../protocol/args.js';
import { Cursor } from '../protocol/args.js';
import { parseSequenceSet, type SeqRange } from '../protocol/sequence.js';
import { BadCommand, type Token } from '../protocol/tokens.js';

export interface Day {
  year: number;
  month: number;
  day: number;
}

export type SearchKey =
  | { op: 'and'; keys: SearchKey[] }
  | { op: 'or'; a: SearchKey; b: SearchKey }
  | { op: 'not'; key: SearchKey }
  | { op: 'all' | 'new' | 'old' | 'recent' }
  | { op: 'flag'; flag: string; present: boolean }
  | { op: 'date'; field: 'internal' | 'sent'; cmp: 'before' | 'on' | 'since'; day: Day }
  | { op: 'size'; cmp: 'larger' | 'smaller'; size: number }
  | { op: 'header'; field: string; value: string }
  | { op: 'body' | 'text'; value: string }
  | { op: 'seq' | 'uid'; ranges: SeqRange[] }
  | { op: 'modseq'; modseq: number };

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const DATE_KEYS: Record<string, ['internal' | 'sent', 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};
const HEADER_KEYS = new Set(['BCC', 'CC', 'FROM', 'SUBJECT', 'TO']);
const MAX_DEPTH = 32;
/** Keys per SEARCH: each one is evaluated per message, so "OR a OR b ..." x thousands is CPU per message. */
const MAX_SEARCH_KEYS = 256;
let keyCount = 0;

function text(c: Cursor, what: string): string {
  const t = c.next(what);
  if (t.type === 'string') return t.value;
  if (t.type === 'atom' && !t.section) return t.value;
  throw new BadCommand(`Expected ${what}`);
}

function key(c: Cursor, depth: number): SearchKey {
  if (depth > MAX_DEPTH) throw new BadCommand('Search keys nested too deeply');
  if (++keyCount > MAX_SEARCH_KEYS) throw new BadCommand('Too many search keys', 'LIMIT');
  const t = c.next('search key');
  if (t.type === 'list') {
    const inner = new Cursor(t.items);
    const keys: SearchKey[] = [];
    while (!inner.atEnd()) keys.push(key(inner, depth + 1));
    if (keys.length === 0) throw new BadCommand('Empty search key list');
    return keys.length === 1 ? keys[0] : { op: 'and', keys };
  }
  if (t.type !== 'atom' || t.section) throw new BadCommand('Expected a search key');
  const name = t.value.toUpperCase();
  if (/^[\d*]/.test(name) || name.includes(':') || name.includes(',')) return { op: 'seq', ranges: parseSequenceSet(t.value) };
  if (name === 'ALL' || name === 'NEW' || name === 'OLD' || name === 'RECENT') return { op: name.toLowerCase() as 'all' };
  if (FLAG_KEYS[name]) return { op: 'flag', flag: FLAG_KEYS[name][0], present: FLAG_KEYS[name][1] };
  if (name === 'KEYWORD' || name === 'UNKEYWORD') {
    const t2 = c.next('keyword');
    if (t2.type !== 'atom') throw new BadCommand('Expected a keyword');
    return { op: 'flag', flag: flag(t2.value), present: name === 'KEYWORD' };
  }
  if (DATE_KEYS[name]) return { op: 'date', field: DATE_KEYS[name][0], cmp: DATE_KEYS[name][1], day: searchDate(c) };
  if (name === 'LARGER' || name === 'SMALLER') {
    const n = text(c, 'size');
    if (!/^\d{1,15}$/.test(n)) throw new BadCommand('Expected a number');
    return { op: 'size', cmp: name === 'LARGER' ? 'larger' : 'smaller', size: Number(n) };
  }
  if (HEADER_KEYS.has(name)) return { op: 'header', field: name.toLowerCase(), value: text(c, 'search string') };
  if (name === 'HEADER') {
    const field = text(c, 'header field name');
    if (!/^[\x21-\x39\x3b-\x7e]{1,200}$/.test(field)) throw new BadCommand('Invalid header field name');
    return { op: 'header', field: field.toLowerCase(), value: text(c, 'search string') };
  }
  if (name === 'BODY' || name === 'TEXT') return { op: name.toLowerCase() as 'body', value: text(c, 'search string') };
  if (name === 'NOT') return { op: 'not', key: key(c, depth + 1) };
  if (name === 'OR') return { op: 'or', a: key(c, depth + 1), b: key(c, depth + 1) };
  if (name === 'UID') {
    const t2 = c.next('UID set');
    if (t2.type !== 'atom') throw new BadCommand('Expected a UID set');
    return { op: 'uid', ranges: parseSequenceSet(t2.value) };
  }
  if (name === 'MODSEQ') {
    // Optional entry name and type (RFC 7162 3.4): "/flags/\\Seen" all
    if (c.peek()?.type === 'string') {
      c.next('entry name');
      const type = text(c, 'entry type').toLowerCase();
      if (!['priv', 'shared', 'all'].includes(type)) throw new BadCommand('Invalid MODSEQ entry type');
    }
    const n = text(c, 'mod-sequence');
    if (!/^\d{1,19}$/.test(n)) throw new BadCommand('Expected a mod-sequence');
    return { op: 'modseq', modseq: Number(n) };
  }
  throw new BadCommand(`Unknown search key ${t.value.slice(0, 40)}`);
}

export interface SearchProgram {
  charset: string;
  key: SearchKey;
}

export const SUPPORTED_CHARSETS = ['US-ASCII', 'UTF-8'];

export function parseSearch(tokens: Token[]): SearchProgram {
  const c = new Cursor(tokens);
  keyCount = 0; // parsing is synchronous: one counter serves every session
  let charset = 'US-ASCII';
  if (c.peekAtom() === 'CHARSET') {
    c.next('CHARSET');
    charset = text(c, 'charset').toUpperCase();
  }
  const keys: SearchKey[] = [];
  while (!c.atEnd()) keys.push(key(c, 0));
  if (keys.length === 0) throw new BadCommand('SEARCH needs at least one key');
  return { charset, key: keys.length === 1 ? keys[0] : { op: 'and', keys } };
}

export function usesModseq(k: SearchKey): boolean {
  if (k.op === 'modseq') return true;
  if (k.op === 'and') return k.keys.some(usesModseq);
  if (k.op === 'or') return usesModseq(k.a) || usesModseq(k.b);
  if (k.op === 'not') return usesModseq(k.key);
  return false;
}
