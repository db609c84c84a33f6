// Calendar days as clerks write them (dd/mm/yyyy, or ISO yyyy-mm-dd) and instants shown in the
// register's time zone: one copy for the command line (scripts/commands/register) and the portal.

import { zonedParts } from './dates.js';

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** A dd/mm/yyyy or yyyy-mm-dd text as a calendar day that exists, or null. */
export function parseCalendarDay(text: string | undefined): CalendarDay | null {
  const value = (text ?? '').trim();
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [year, month, day] = vn ? [Number(vn[3]), Number(vn[2]), Number(vn[1])] : iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : [NaN, NaN, NaN];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (!Number.isFinite(year) || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

export function isoDay(d: CalendarDay): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The instant a calendar day starts in a time zone (offset taken at that day's noon, so DST-safe enough for whole days). */
export function startOfDay(d: CalendarDay, timeZone: string, plusDays = 0): Date {
  const utcMidnight = Date.UTC(d.year, d.month - 1, d.day + plusDays);
  const offset = zonedParts(new Date(utcMidnight + 12 * 3600_000), timeZone).offset;
  const m = /^([+-])(\d{2})(\d{2})$/.exec(offset);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(utcMidnight - minutes * 60_000);
}

/** "dd/mm/yyyy HH:mm" of an instant in the register's time zone. */
export function localDateTime(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** dd/mm/yyyy of a stored yyyy-mm-dd, or "". */
export function vnDay(iso: string | null): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}
