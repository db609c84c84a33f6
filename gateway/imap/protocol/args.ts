// Argument parsers for command schemas: each takes the token cursor and returns a typed value or throws
// BadCommand. Commands declare their arguments with these; dispatch.ts runs them before any handler.

import { FOLDERS } from '../../../storage/mailbox/folders.js';
import { decodeMailboxName } from './mutf7.js';
import { parseSequenceSet, type SeqRange } from './sequence.js';
import { BadCommand, type Token } from './tokens.js';

export class Cursor {
  private index = 0;

  constructor(readonly tokens: Token[]) {}

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  next(what: string): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new BadCommand(`Missing argument: ${what}`);
    return token;
  }

  /** The remaining tokens (for grammars parsed by the command itself). */
  rest(): Token[] {
    const out = this.tokens.slice(this.index);
    this.index = this.tokens.length;
    return out;
  }

  peekAtom(): string | null {
    const t = this.peek();
    return t?.type === 'atom' && !t.section ? t.value.toUpperCase() : null;
  }
}

export interface ParseContext {
  /** UTF8=ACCEPT enabled: mailbox names travel as UTF-8. */
  utf8: boolean;
}

export type ArgParser<T> = (c: Cursor, ctx: ParseContext) => T;

export function atom(c: Cursor, what = 'atom'): string {
  const t = c.next(what);
  if (t.type !== 'atom' || t.section) throw new BadCommand(`Expected ${what}`);
  return t.value;
}

export function astring(c: Cursor, what = 'string'): string {
  const t = c.next(what);
  if (t.type === 'string') return t.value;
  if (t.type === 'atom' && !t.section) return t.value;
  throw new BadCommand(`Expected ${what}`);
}

export function number(c: Cursor, what = 'number', options: { nonZero?: boolean; max?: number } = {}): number {
  const text = atom(c, what);
  if (!/^\d{1,20}$/.test(text)) throw new BadCommand(`Expected ${what}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || (options.nonZero && n === 0) || n > (options.max ?? Number.MAX_SAFE_INTEGER)) throw new BadCommand(`Invalid ${what}`);
  return n;
}

export function sequenceSet(c: Cursor): SeqRange[] {
  return parseSequenceSet(atom(c, 'sequence set'));
}

/** Decodes a wire mailbox name: INBOX is case-insensitive, names are NFC with '/' as delimiter. */
export function mailboxFromWire(raw: string, ctx: ParseContext): string {
  const decoded = ctx.utf8 ? raw.normalize('NFC') : decodeMailboxName(raw);
  // Well-formed as an astring, just not a name that can exist: NO, as Dovecot answers (imaptest atoms).
  if (decoded === null) throw new BadCommand('Mailbox name is not valid modified UTF-7', 'CANNOT', 'NO');
  if (decoded.toUpperCase() === 'INBOX') return FOLDERS.inbox.name;
  if (/^inbox\//i.test(decoded)) return FOLDERS.inbox.name + decoded.slice(5);
  return decoded;
}

export function mailbox(c: Cursor, ctx: ParseContext): string {
  const raw = astring(c, 'mailbox name');
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new BadCommand('Control character in mailbox name');
  return mailboxFromWire(raw, ctx);
}

const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
const SYSTEM_BY_KEY = new Map(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));
const KEYWORD = /^[!#$&'+,\-.0-9:;<=>?@A-Z^_`a-z|~]{1,128}$/;

/** A flag as stored: system flags in canonical case, keywords as given (atoms only). */
export function flag(text: string): string {
  if (text.startsWith('\\')) {
    const canonical = SYSTEM_BY_KEY.get(text.toLowerCase());
    if (!canonical) throw new BadCommand(`Unknown system flag: ${text.slice(0, 40)}`);
    return canonical;
  }
  if (!KEYWORD.test(text)) throw new BadCommand('Invalid keyword');
  return text;
}

/** A parenthesised flag list, or (for STORE) a single flag. */
export function flagList(c: Cursor, options: { allowSingle?: boolean } = {}): string[] {
  const t = c.next('flag list');
  const items = t.type === 'list' ? t.items : options.allowSingle ? [t] : null;
  if (!items) throw new BadCommand('Expected a flag list');
  if (items.length > 100) throw new BadCommand('Too many flags');
  return items.map((item) => {
    if (item.type !== 'atom' || item.section) throw new BadCommand('Flags are atoms');
    return flag(item.value);
  });
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** SEARCH date: d-Mon-yyyy (atom or quoted); the day as a UTC calendar date. */
export function searchDate(c: Cursor): { year: number; month: number; day: number } {
  const text = astring(c, 'date');
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2].toLowerCase()) : -1;
  if (!m || month === -1) throw new BadCommand('Invalid date (expected d-Mon-yyyy)');
  const day = Number(m[1]);
  const probe = new Date(Date.UTC(Number(m[3]), month, day));
  if (probe.getUTCDate() !== day) throw new BadCommand('Invalid date');
  return { year: Number(m[3]), month, day };
}

/** APPEND date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" (quoted). */
export function dateTime(text: string): Date {
  const m = /^([ \d]\d)-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2].toLowerCase()) : -1;
  if (!m || month === -1) throw new BadCommand('Invalid date-time');
  const [day, year, hh, mm, ss, oh, om] = [m[1], m[3], m[4], m[5], m[6], m[8], m[9]].map((v) => Number(v.trim()));
  if (hh > 23 || mm > 59 || ss > 60 || oh > 23 || om > 59) throw new BadCommand('Invalid date-time');
  const offset = (m[7] === '-' ? -1 : 1) * (oh * 60 + om);
  const utc = Date.UTC(year, month, day, hh, mm, ss) - offset * 60_000;
  const date = new Date(utc);
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) throw new BadCommand('Invalid date-time');
  return date;
}

export function formatDateTime(date: Date): string {
  const d = String(date.getUTCDate()).padStart(2, '0');
  const mon = MONTHS[date.getUTCMonth()];
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return `${d}-${mon[0].toUpperCase()}${mon.slice(1)}-${date.getUTCFullYear()} ${time} +0000`;
}
