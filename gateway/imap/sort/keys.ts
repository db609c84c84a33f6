// SORT keys (RFC 5256 3, DISPLAYFROM/DISPLAYTO of RFC 5957) from a message's metadata and top header.

import addressparser from 'nodemailer/lib/addressparser';
import { fieldValue, type RawField } from '../fetch/header-block.js';
import { decodeHeaderText } from '../header-text.js';
import { baseSubject } from './base-subject.js';

export type SortCriterion = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';
export const CRITERIA: ReadonlySet<string> = new Set(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);

/** Criteria that need only the metadata row, not the header. */
export const META_ONLY: ReadonlySet<string> = new Set(['ARRIVAL', 'SIZE']);

type Parsed = { name?: string; address?: string; group?: Parsed[] };

function firstAddress(value: string | null): Parsed | null {
  if (!value) return null;
  try {
    return (addressparser(value) as Parsed[])[0] ?? null;
  } catch {
    return null;
  }
}

/** addr-mailbox of the first address (a group's name for a group), case folded (upper, as i;unicode-casemap). */
function mailboxKey(value: string | null): string {
  const a = firstAddress(value);
  if (!a) return '';
  if (a.group) return (a.name ?? '').toUpperCase();
  const address = a.address ?? '';
  const at = address.lastIndexOf('@');
  return (at === -1 ? address : address.slice(0, at)).toUpperCase();
}

/** RFC 5957: the display name when there is one, else the address. */
function displayKey(value: string | null): string {
  const a = firstAddress(value);
  if (!a) return '';
  const name = a.name ? decodeHeaderText(a.name) : '';
  return (name.trim() || (a.address ?? '')).normalize('NFC').toUpperCase();
}

export function sortKey(criterion: SortCriterion, meta: { internalDate: Date; size: number }, header: RawField[] | null): string | number {
  switch (criterion) {
    case 'ARRIVAL':
      return meta.internalDate.getTime();
    case 'SIZE':
      return meta.size;
    case 'DATE': {
      // RFC 5256: the sent date, or the internal date when there is no parsable Date header.
      const raw = header ? fieldValue(header, 'date') : null;
      const t = raw ? Date.parse(raw.replace(/\s*\([^)]*\)\s*$/, '')) : NaN;
      return Number.isNaN(t) ? meta.internalDate.getTime() : t;
    }
    case 'SUBJECT': {
      const raw = header ? fieldValue(header, 'subject') : null;
      return raw ? baseSubject(decodeHeaderText(raw)) : '';
    }
    case 'FROM':
    case 'TO':
    case 'CC':
      return mailboxKey(header ? fieldValue(header, criterion.toLowerCase()) : null);
    case 'DISPLAYFROM':
      return displayKey(header ? fieldValue(header, 'from') : null);
    case 'DISPLAYTO':
      return displayKey(header ? fieldValue(header, 'to') : null);
  }
}
