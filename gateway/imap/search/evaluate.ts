// Evaluates a search tree per message, cheapest keys first: flags, UIDs, dates and sizes come from the
// metadata row; header keys read the (cached) header block; BODY/TEXT decode the text parts of the
// stored structure (base64 / quoted-printable, then the declared charset) and compare in NFC,
// case-insensitively, so "Quyết định" finds "QUYẾT ĐỊNH" whatever encoding the sender chose.

import iconv from 'iconv-lite';
import libmime from 'libmime';
import libqp from 'libqp';
import type { MimeNodeInfo } from '../../intake/mime/types.js';
import type { MessageMeta } from '../../../storage/mailbox/store.js';
import { splitHeader } from '../fetch/header-block.js';
import { partsOf, type MessageView } from '../fetch/message-view.js';
import { intervals } from '../protocol/sequence.js';
import type { Day, SearchKey } from './parse.js';

const MAX_TEXT_PART = 4 * 1024 * 1024;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

export interface SearchSubject {
  meta: MessageMeta;
  seq: number;
  recent: boolean;
  /** Loaded on demand. */
  view(): Promise<MessageView | null>;
}

export interface SearchEnv {
  uids: number[];
  timeZone: string;
}

function dayNumber(d: Day): number {
  return Date.UTC(d.year, d.month, d.day) / 86_400_000;
}

function localDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  const [y, m, d] = parts.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
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

function decodeHeaderText(raw: string): string {
  const bytes = Buffer.from(raw, 'latin1');
  const text = bytes.every((b) => b < 0x80) ? raw : bytes.toString('utf8');
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

function decodeBody(bytes: Buffer, node: MimeNodeInfo): string {
  let data = bytes;
  if (node.encoding === 'base64') data = Buffer.from(bytes.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  else if (node.encoding === 'quoted-printable') data = libqp.decode(bytes.toString('latin1'));
  const charset = (node.contentType.params.charset ?? 'utf-8').toLowerCase();
  if (charset === 'utf-8' || charset === 'us-ascii' || !iconv.encodingExists(charset)) return data.toString('utf8');
  return iconv.decode(data, charset);
}

class Lazy {
  private header: Promise<{ key: string; value: string }[]> | null = null;
  private body: Promise<string> | null = null;

  constructor(private readonly subject: SearchSubject) {}

  headers(): Promise<{ key: string; value: string }[]> {
    this.header ??= (async () => {
      const view = await this.subject.view();
      if (!view) return [];
      return splitHeader(await view.topHeader()).map((f) => ({ key: f.key, value: fold(decodeHeaderText(f.value)) }));
    })();
    return this.header;
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
      return intervals(key.ranges, env.uids.length).some(([lo, hi]) => s.seq >= lo && s.seq <= hi);
    case 'uid': {
      const star = env.uids.length > 0 ? env.uids[env.uids.length - 1] : 0;
      return intervals(key.ranges, star).some(([lo, hi]) => m.uid >= lo && m.uid <= hi);
    }
    case 'date': {
      const wanted = dayNumber(key.day);
      if (key.field === 'internal') return compareDay(localDay(m.internalDate, env.timeZone), key.cmp, wanted);
      const date = (await lazy.headers()).find((h) => h.key === 'date');
      return compareDay(sentDay(date?.value ?? null), key.cmp, wanted);
    }
    case 'header': {
      const needle = fold(key.value);
      return (await lazy.headers()).some((h) => h.key === key.field && h.value.includes(needle));
    }
    case 'body':
      return (await lazy.text()).includes(fold(key.value));
    case 'text': {
      const needle = fold(key.value);
      if ((await lazy.headers()).some((h) => h.value.includes(needle))) return true;
      return (await lazy.text()).includes(needle);
    }
  }
}
