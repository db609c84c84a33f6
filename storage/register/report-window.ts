// The time span of a register report as instants: its first and last calendar day in the register's
// time zone, and the same span cut into local months and local days. Buckets are computed here, in
// JS, so the SQL on SQLite and PostgreSQL compares stored instants only and needs no time-zone support.

import { zonedParts } from '../../policies/text/dates.js';

interface ReportBucket {
  /** yyyy-mm (month) or yyyy-mm-dd (day). */
  label: string;
  from: Date;
  to: Date;
}

export interface ReportWindow {
  /** yyyy-mm-dd, inclusive. */
  firstDay: string;
  lastDay: string;
  timeZone: string;
  from: Date;
  /** Exclusive: the start of the day after lastDay. */
  to: Date;
  months: ReportBucket[];
  days: ReportBucket[];
  /** The zone's UTC offset through the window: from each instant on (the first at `from`), until the next. */
  offsets: { from: Date; minutes: number }[];
}

function offsetMinutes(at: Date, timeZone: string): number {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(zonedParts(at, timeZone).offset);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The instant local midnight of a calendar day begins (the offset is re-read at the result, for zones with DST). */
function localMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const utc = Date.UTC(year, month - 1, day);
  const guess = utc - offsetMinutes(new Date(utc), timeZone) * 60_000;
  return new Date(utc - offsetMinutes(new Date(guess), timeZone) * 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoOf = (d: Date) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

function parseIso(day: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`not a yyyy-mm-dd day: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** The window of [firstDay, lastDay] (yyyy-mm-dd, inclusive) in a time zone. */
export function reportWindow(firstDay: string, lastDay: string, timeZone: string): ReportWindow {
  const first = parseIso(firstDay);
  const last = parseIso(lastDay);
  if (last < first) throw new Error(`report window ends before it starts: ${firstDay}..${lastDay}`);
  const midnight = (d: Date) => localMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), timeZone);
  const dayAfter = (d: Date) => new Date(d.getTime() + 86_400_000);
  const days: ReportBucket[] = [];
  for (let d = first; d <= last; d = dayAfter(d)) days.push({ label: isoOf(d), from: midnight(d), to: midnight(dayAfter(d)) });
  const months: ReportBucket[] = [];
  for (let m = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1)); m <= last;) {
    const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
    const from = m < first ? first : m;
    const end = next > dayAfter(last) ? dayAfter(last) : next;
    months.push({ label: isoOf(m).slice(0, 7), from: midnight(from), to: midnight(end) });
    m = next;
  }
  return { firstDay, lastDay, timeZone, from: days[0].from, to: days[days.length - 1].to, months, days, offsets: offsetsOf(days, timeZone) };
}

/** Where the offset changes (daylight saving), found to the minute between the day starts that differ. */
function offsetsOf(days: ReportBucket[], timeZone: string): { from: Date; minutes: number }[] {
  const out = [{ from: days[0].from, minutes: offsetMinutes(days[0].from, timeZone) }];
  for (const d of days) {
    const end = offsetMinutes(d.to, timeZone);
    if (end === out[out.length - 1].minutes) continue;
    let [lo, hi] = [d.from.getTime(), d.to.getTime()];
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMinutes(new Date(mid), timeZone) === end) hi = mid;
      else lo = mid;
    }
    out.push({ from: new Date(hi), minutes: end });
  }
  return out;
}
