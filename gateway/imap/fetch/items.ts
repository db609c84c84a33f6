// FETCH attributes (RFC 3501 6.4.5, RFC 7162 MODSEQ): macros, plain items, BODY[section]<partial>.

import { BadCommand, type Token } from '../protocol/tokens.js';
import { parseBinaryItem, type BinaryItem } from './binary.js';

type SectionKind = '' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface SectionSpec {
  part: number[];
  kind: SectionKind;
  fields: string[];
  /** The section text as it is echoed in the response. */
  label: string;
}

export type FetchItem =
  | { kind: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE' | 'MODSEQ' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'section'; peek: boolean; section: SectionSpec; partial: { start: number; length: number } | null }
  | BinaryItem;

const SIMPLE = new Set([
  'UID',
  'FLAGS',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'MODSEQ',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);
const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]{1,200}$/;

function parseSection(tokens: Token[]): SectionSpec {
  if (tokens.length === 0) return { part: [], kind: '', fields: [], label: '' };
  const head = tokens[0];
  if (head.type !== 'atom' || head.section) throw new BadCommand('Invalid section');
  const m = /^((?:[1-9]\d{0,8})(?:\.[1-9]\d{0,8})*)?(?:^|\.|$)(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?$/i.exec(head.value);
  if (!m || (!m[1] && !m[2]) || head.value.endsWith('.')) throw new BadCommand('Invalid section');
  const part = m[1] ? m[1].split('.').map(Number) : [];
  const kind = (m[2]?.toUpperCase() ?? '') as SectionKind;
  if (kind === 'MIME' && part.length === 0) throw new BadCommand('MIME needs a part number');
  let fields: string[] = [];
  if (kind === 'HEADER.FIELDS' || kind === 'HEADER.FIELDS.NOT') {
    const list = tokens[1];
    if (tokens.length !== 2 || list.type !== 'list' || list.items.length === 0) throw new BadCommand('HEADER.FIELDS needs a list of field names');
    // Each name is compared with every header line of every message fetched: keep the list bounded.
    if (list.items.length > MAX_HEADER_FIELDS) throw new BadCommand('Too many header field names', 'LIMIT');
    fields = list.items.map((t) => {
      const name = t.type === 'atom' || t.type === 'string' ? t.value : '';
      if (!FIELD_NAME.test(name)) throw new BadCommand('Invalid header field name');
      return name;
    });
  } else if (tokens.length !== 1) throw new BadCommand('Invalid section');
  const prefix = part.join('.');
  const label = `${prefix}${prefix && kind ? '.' : ''}${kind}${fields.length > 0 ? ` (${fields.map((f) => f.toUpperCase()).join(' ')})` : ''}`;
  return { part, kind, fields, label };
}

function item(t: Token): FetchItem {
  if (t.type !== 'atom') throw new BadCommand('Invalid fetch attribute');
  const name = t.value.toUpperCase();
  const binary = parseBinaryItem(name, t);
  if (binary) return binary;
  if (t.section) {
    if (name !== 'BODY' && name !== 'BODY.PEEK') throw new BadCommand(`Unsupported fetch attribute ${name}`);
    if (t.partial && t.partial.length === null) throw new BadCommand('Partial needs <start.length>');
    return {
      kind: 'section',
      peek: name === 'BODY.PEEK',
      section: parseSection(t.section),
      partial: t.partial ? { start: t.partial.start, length: t.partial.length! } : null,
    };
  }
  if (!SIMPLE.has(name)) throw new BadCommand(`Unknown fetch attribute ${t.value.slice(0, 40)}`);
  return { kind: name } as FetchItem;
}

const MAX_HEADER_FIELDS = 200;
const MAX_FETCH_ITEMS = 100;

export function parseFetchItems(t: Token): FetchItem[] {
  if (t.type === 'atom' && !t.section && MACROS[t.value.toUpperCase()]) return MACROS[t.value.toUpperCase()].map((k) => ({ kind: k }) as FetchItem);
  if (t.type === 'list') {
    if (t.items.length === 0) throw new BadCommand('Empty fetch attribute list');
    if (t.items.length > MAX_FETCH_ITEMS) throw new BadCommand('Too many fetch attributes', 'LIMIT');
    return t.items.map(item);
  }
  return [item(t)];
}
