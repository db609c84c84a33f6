// Command-line options of `docgate register list|search` → a RegisterQuery, every value checked first
// (unknown agency, bad date, bad book or status are usage errors, exit 2).

import { AgencyDirectory } from '../../../config/agencies.js';
import type { Config } from '../../../config/load.js';
import type { RegisterQuery } from '../../../storage/register/search.js';
import type { RegisterBook } from '../../../storage/rows.js';
import { CliError } from '../context.js';
import { isoDay, startOfDay } from '../../../policies/text/calendar.js';
import { parseDay } from './dates.js';
import { urgencyCode } from './labels.js';

export interface QueryOptions {
  agency?: string;
  book?: string;
  year?: string;
  number?: string;
  ref?: string;
  type?: string;
  urgency?: string;
  status?: string;
  from?: string;
  to?: string;
  signedFrom?: string;
  signedTo?: string;
  sender?: string;
  recipient?: string;
  limit?: string;
}

const STATUSES = ['01', '02', '03', '04', '05', '06', '13', '15', '16', 'sent', 'returned', 'held'];
const AGENCY_ID = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

export function bookOf(text: string | undefined): RegisterBook | undefined {
  if (text === undefined) return undefined;
  if (text === 'in' || text === 'incoming') return 'incoming';
  if (text === 'out' || text === 'outgoing') return 'outgoing';
  throw new CliError(`Sổ không hợp lệ: "${text}" (in = sổ đến, out = sổ đi) / Invalid book: "${text}" (in = incoming, out = outgoing)`, 2);
}

function positive(text: string | undefined, option: string, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max)
    throw new CliError(`Giá trị không hợp lệ cho ${option}: "${text}" / Invalid value for ${option}: "${text}"`, 2);
  return n;
}

export function knownAgency(config: Config, id: string, option = '--agency'): string {
  if (!new AgencyDirectory(config.agencies).get(id)) {
    throw new CliError(`Không có cơ quan ${id} trong agencies.yaml (${option}) / Unknown agency ${id} (${option})`, 2);
  }
  return id;
}

/** An agency id must be a configured agency; anything else is taken as an address. */
function party(config: Config, value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  return AGENCY_ID.test(value) ? knownAgency(config, value, option) : value.trim();
}

export function yearOf(text: string | undefined): number | undefined {
  return positive(text, '--year', 1900, 9999);
}

export function queryOf(config: Config, o: QueryOptions, text?: string): RegisterQuery {
  const tz = config.docgate.timezone;
  if (o.status !== undefined && !STATUSES.includes(o.status)) {
    throw new CliError(`Trạng thái không hợp lệ: "${o.status}" (${STATUSES.join(', ')}) / Invalid status: "${o.status}"`, 2);
  }
  const from = o.from === undefined ? undefined : parseDay(o.from, '--from');
  const to = o.to === undefined ? undefined : parseDay(o.to, '--to');
  const signedFrom = o.signedFrom === undefined ? undefined : parseDay(o.signedFrom, '--signed-from');
  const signedTo = o.signedTo === undefined ? undefined : parseDay(o.signedTo, '--signed-to');
  return {
    agencyId: o.agency === undefined ? undefined : knownAgency(config, o.agency),
    book: bookOf(o.book),
    year: yearOf(o.year),
    number: positive(o.number, '--number'),
    documentNumber: o.ref,
    documentType: o.type,
    urgency: o.urgency === undefined ? undefined : urgencyCode(o.urgency),
    status: o.status,
    receivedFrom: from && startOfDay(from, tz),
    // --to is inclusive: up to the start of the next day.
    receivedTo: to && startOfDay(to, tz, 1),
    signedFrom: signedFrom && isoDay(signedFrom),
    signedTo: signedTo && isoDay(signedTo),
    sender: party(config, o.sender, '--sender'),
    recipient: party(config, o.recipient, '--recipient'),
    text,
    limit: positive(o.limit, '--limit', 1, 100_000) ?? 100,
  };
}
