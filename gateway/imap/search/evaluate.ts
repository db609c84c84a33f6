// Evaluates a search tree per message, cheapest keys first: flags, UIDs, dates and sizes come from the
// metadata row; header keys read the (cached) header block; BODY/TEXT decode the text parts of the
// stored structure (base64 / quoted-printable, then the declared charset) and compare in NFC,
// case-insensitively, so "Quyết định" finds "QUYẾT ĐỊNH" whatever encoding the sender chose.

import addressparser from 'nodemailer/lib/addressparser';
import libqp from 'libqp';
import type { MimeNodeInfo } from '../../../policies/mime/types.js';
import { decodeText } from '../../../policies/text/decode.js';
import { zonedParts } from '../../../policies/text/dates.js';
import type { MessageMeta } from '../../../storage/mailbox/store.js';
import { splitHeader } from '../fetch/header-block.js';
import { partsOf, type MessageView } from '../fetch/message-view.js';
import { inSpans, intervals } from '../protocol/sequence.js';
import type { Day, SearchKey } from './parse.js';
import type { DecodedFieldCache } from './field-cache.js';
import { decodeHeaderText } from '../header-text.js';

const MAX_TEXT_PART = 4 * 1024 * 1024;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

export interface SearchSubject {
  meta: MessageMeta;
  seq: number;
  recent: boolean;
  /** Shared decoded header values (messages are immutable), when the caller keeps one. */
  fieldCache?: DecodedFieldCache;
  /** Loaded on demand. */
  view: () => Promise<MessageView | null>;
}

export interface SearchEnv {
  uids: number[];
  timeZone: string;
  /** Local day by UTC quarter-hour, for this search. */
  days?: Map<number, number>;
  spans?: Map<object, [number, number][]>;
}

function dayNumber(d: Day): number {
  return Date.UTC(d.year, d.month, d.day) / 86_400_000;
}

/**
 * Calendar day of an instant in a time zone. Every zone's offset is a multiple of 15 minutes, so the
 * local day is the same for a whole UTC quarter-hour: formatting (slow) happens once per quarter-hour.
 */
function localDay(at: Date, env: SearchEnv): number {
  env.days ??= new Map();
  const quarter = Math.floor(at.getTime() / 900_000);
  let day = env.days.get(quarter);
  if (day === undefined) {
    const p = zonedParts(at, env.timeZone);
    day = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / 86_400_000;
    env.days.set(quarter, day);
  }
  return day;
}

function spans(key: { ranges: import('../protocol/sequence.js').SeqRange[] }, star: number, env: SearchEnv): [number, number][] {
  env.spans ??= new Map();
  let found = env.spans.get(key);
  if (!found) {
    found = intervals(key.ranges, star);
    env.spans.set(key, found);
  }
  return found;
}

/** The calendar date written in a Date header, in the header's own zone (RFC 3501: ignoring time). */
function sentDay(value: string | null): number | null {
  if (!value) return null;
  const m = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(value);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2].toLowerCase());
  if (month === -1) return null;
  let year = Number(m[3]);
  if (year < 100) year += year < 50 ? 2000 : 1900;
  return Date.UTC(year, month, Number(m[1])) / 86_400_000;
}

function compareDay(actual: number | null, cmp: 'before' | 'on' | 'since', wanted: number): boolean {
  if (actual === null) return false;
  return cmp === 'before' ? actual < wanted : cmp === 'on' ? actual === wanted : actual >= wanted;
}

function decodeBody(bytes: Buffer, node: MimeNodeInfo): string {
  let data = bytes;
  if (node.encoding === 'base64') data = Buffer.from(bytes.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  else if (node.encoding === 'quoted-printable') data = libqp.decode(bytes.toString('latin1'));
  return decodeText(data, node.contentType.params.charset);
}

class Lazy {
  private raw: Promise<{ key: string; value: string }[]> | null = null;
  private readonly decoded = new Map<string, string[]>();
  private body: Promise<string> | null = null;

  constructor(private readonly subject: SearchSubject) {}

  private fields(): Promise<{ key: string; value: string }[]> {
    this.raw ??= (async () => {
      const view = await this.subject.view();
      return view ? splitHeader(await view.topHeader()) : [];
    })();
    return this.raw;
  }

  /** Decoded, folded values of one header field (only that field is decoded). */
  async field(key: string): Promise<string[]> {
    const hit = this.decoded.get(key);
    if (hit) return hit;
    const decode = async () => {
      const raw = (await this.fields()).filter((f) => f.key === key).map((f) => f.value);
      const values = raw.map((v) => fold(decodeHeaderText(v)));
      // FROM/TO/CC/BCC also match the parsed addresses (RFC 3501 6.4.4): "<user (c)@ (c) host>" is user@host.
      if (ADDRESS_FIELDS.has(key)) for (const v of raw) values.push(...parsedAddresses(v).map((a) => fold(decodeHeaderText(a))));
      return values;
    };
    const cache = this.subject.fieldCache;
    const values = cache ? await cache.load(this.subject.meta.messageRowId, key, decode) : await decode();
    this.decoded.set(key, values);
    return values;
  }

  async allFields(): Promise<string[]> {
    const keys = new Set((await this.fields()).map((f) => f.key));
    const out: string[] = [];
    for (const key of keys) out.push(...(await this.field(key)));
    return out;
  }

  text(): Promise<string> {
    this.body ??= (async () => {
      const view = await this.subject.view();
      if (!view) return '';
      const root = await view.structure();
      const out: string[] = [];
      const visit = async (node: MimeNodeInfo, depth: number, asMessage: boolean) => {
        if (depth > 32) return;
        if (node.contentType.type === 'multipart' || (node.message && !asMessage)) {
          for (const part of partsOf(node, asMessage)) if (part !== node) await visit(part, depth + 1, false);
          if (node.message && !asMessage) {
            out.push(fold(decodeHeaderText((await view.read(view.headerRange(node.message, false))).toString('latin1'))));
          }
          return;
        }
        if (node.contentType.type !== 'text') return;
        const range = view.bodyRange(node, node === root);
        if (range.end - range.start > MAX_TEXT_PART) range.end = range.start + MAX_TEXT_PART;
        out.push(fold(decodeBody(await view.read(range), node)));
      };
      await visit(root, 0, true);
      return out.join('\n');
    })();
    return this.body;
  }
}

const ADDRESS_FIELDS = new Set(['from', 'to', 'cc', 'bcc']);

/** "name address" for each address of a header value (group members flattened), at most 1000. */
function parsedAddresses(value: string): string[] {
  type Parsed = { name?: string; address?: string; group?: Parsed[] };
  let parsed: Parsed[];
  try {
    parsed = addressparser(value);
  } catch {
    return [];
  }
  const flat = parsed.slice(0, 1000).flatMap((a) => (a.group ? a.group.slice(0, 1000) : [a]));
  return flat.filter((a) => a.address).map((a) => `${a.name ?? ''} ${a.address}`.trim());
}

function cost(k: SearchKey): number {
  switch (k.op) {
    case 'header':
      return 2;
    case 'body':
    case 'text':
      return 3;
    case 'date':
      return k.field === 'sent' ? 2 : 0;
    case 'and':
      return Math.max(...k.keys.map(cost));
    case 'or':
      return Math.max(cost(k.a), cost(k.b));
    case 'not':
      return cost(k.key);
    default:
      return 0;
  }
}

export async function matches(key: SearchKey, s: SearchSubject, env: SearchEnv, lazy = new Lazy(s)): Promise<boolean> {
  const m = s.meta;
  switch (key.op) {
    case 'all':
      return true;
    case 'and': {
      for (const k of [...key.keys].sort((a, b) => cost(a) - cost(b))) if (!(await matches(k, s, env, lazy))) return false;
      return true;
    }
    case 'or':
      return (await matches(key.a, s, env, lazy)) || (await matches(key.b, s, env, lazy));
    case 'not':
      return !(await matches(key.key, s, env, lazy));
    case 'new':
    case 'old':
    case 'recent':
    case 'flag':
    case 'size':
    case 'modseq':
    case 'seq':
    case 'uid':
      return syncMeta(key, s, env);
    case 'date': {
      const wanted = dayNumber(key.day);
      if (key.field === 'internal') return compareDay(localDay(m.internalDate, env), key.cmp, wanted);
      const [date] = await lazy.field('date');
      return compareDay(sentDay(date ?? null), key.cmp, wanted);
    }
    case 'header': {
      const needle = fold(key.value);
      return (await lazy.field(key.field)).some((value) => value.includes(needle));
    }
    case 'body':
      return (await lazy.text()).includes(fold(key.value));
    case 'text': {
      const needle = fold(key.value);
      if ((await lazy.allFields()).some((value) => value.includes(needle))) return true;
      return (await lazy.text()).includes(needle);
    }
  }
}

/**
 * The same evaluation without waiting: keys on flags, UIDs, sizes and dates decide at once, header keys
 * when the shared cache already holds the decoded field; undefined when some key needs I/O (the caller
 * then uses matches()). Over a mailbox many sessions search, most messages decide here.
 */
export function matchesCached(key: SearchKey, s: SearchSubject, env: SearchEnv): boolean | undefined {
  switch (key.op) {
    case 'and': {
      let unknown = false;
      for (const k of key.keys) {
        const r = matchesCached(k, s, env);
        if (r === false) return false;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      const a = matchesCached(key.a, s, env);
      if (a === true) return true;
      const b = matchesCached(key.b, s, env);
      if (b === true) return true;
      return a === false && b === false ? false : undefined;
    }
    case 'not': {
      const r = matchesCached(key.key, s, env);
      return r === undefined ? undefined : !r;
    }
    case 'header': {
      const values = s.fieldCache?.get(s.meta.messageRowId, key.field);
      if (!values) return undefined;
      const needle = fold(key.value);
      return values.some((value) => value.includes(needle));
    }
    case 'date': {
      if (key.field === 'internal') return compareDay(localDay(s.meta.internalDate, env), key.cmp, dayNumber(key.day));
      const values = s.fieldCache?.get(s.meta.messageRowId, 'date');
      if (!values) return undefined;
      return compareDay(sentDay(values[0] ?? null), key.cmp, dayNumber(key.day));
    }
    case 'body':
    case 'text':
      return undefined;
    default:
      // Keys decided by the metadata row alone: matches() resolves them without waiting.
      return syncMeta(key, s, env);
  }
}

function syncMeta(key: SearchKey, s: SearchSubject, env: SearchEnv): boolean {
  const m = s.meta;
  switch (key.op) {
    case 'all':
      return true;
    case 'new':
      return s.recent && !m.flags.includes('\\Seen');
    case 'old':
      return !s.recent;
    case 'recent':
      return s.recent;
    case 'flag':
      return m.flags.some((f) => f.toLowerCase() === key.flag.toLowerCase()) === key.present;
    case 'size':
      return key.cmp === 'larger' ? m.size > key.size : m.size < key.size;
    case 'modseq':
      return m.modseq >= key.modseq;
    case 'seq':
      return inSpans(spans(key, env.uids.length, env), s.seq);
    case 'uid': {
      const star = env.uids.length > 0 ? env.uids[env.uids.length - 1] : 0;
      return inSpans(spans(key, star, env), m.uid);
    }
    default:
      throw new Error(`not a metadata key: ${key.op}`);
  }
}
