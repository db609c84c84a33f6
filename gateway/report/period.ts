// `--period` of `docgate report`: a year (2026), a quarter (2026-Q1), a month (2026-03) or a range of
// days (2026-01-15..2026-02-14, or dd/mm/yyyy..dd/mm/yyyy), as calendar days of the register's time
// zone, for the command line and the portal's period picker. Anything else is a PeriodError (exit 2).

import { isoDay, parseCalendarDay, type CalendarDay } from '../../policies/text/calendar.js';

/** A period that cannot be read; the command line exits 2 with it, the portal shows it. */
export class PeriodError extends Error {
  constructor(
    readonly vi: string,
    readonly en: string,
  ) {
    super(`${vi} / ${en}`);
  }
}

export interface ReportPeriod {
  label: string;
  firstDay: string;
  lastDay: string;
}

/** The longest range accepted: five years of days (the report's day list is bounded). */
const MAX_DAYS = 5 * 366;

const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const day = (year: number, month: number, d: number): CalendarDay => ({ year, month, day: d });

function bad(text: string): PeriodError {
  return new PeriodError(
    `Kỳ báo cáo không hợp lệ: "${text}" (dùng 2026, 2026-Q1, 2026-03 hoặc 2026-01-01..2026-03-31)`,
    `Invalid period: "${text}" (use 2026, 2026-Q1, 2026-03 or 2026-01-01..2026-03-31)`,
  );
}

function dayOf(text: string): CalendarDay {
  const d = parseCalendarDay(text);
  if (!d) {
    throw new PeriodError(
      `Ngày không hợp lệ cho --period: "${text}" (dùng dd/mm/yyyy hoặc yyyy-mm-dd)`,
      `Invalid date for --period: "${text}" (use dd/mm/yyyy or yyyy-mm-dd)`,
    );
  }
  return d;
}

export function parsePeriod(text: string): ReportPeriod {
  const t = text.trim();
  const year = /^(\d{4})$/.exec(t);
  const quarter = /^(\d{4})-[Qq]([1-4])$/.exec(t);
  const month = /^(\d{4})-(\d{2})$/.exec(t);
  const range = /^(.+?)\.\.(.+)$/.exec(t);
  let first: CalendarDay;
  let last: CalendarDay;
  if (year) {
    const y = Number(year[1]);
    [first, last] = [day(y, 1, 1), day(y, 12, 31)];
  } else if (quarter) {
    const [y, q] = [Number(quarter[1]), Number(quarter[2])];
    [first, last] = [day(y, q * 3 - 2, 1), day(y, q * 3, lastDayOf(y, q * 3))];
  } else if (month) {
    const [y, m] = [Number(month[1]), Number(month[2])];
    if (m < 1 || m > 12) throw bad(text);
    [first, last] = [day(y, m, 1), day(y, m, lastDayOf(y, m))];
  } else if (range) {
    [first, last] = [dayOf(range[1]), dayOf(range[2])];
  } else throw bad(text);
  const [firstDay, lastDay] = [isoDay(first), isoDay(last)];
  if (first.year < 1900 || last.year > 9999) throw bad(text);
  const days = (Date.parse(lastDay) - Date.parse(firstDay)) / 86_400_000 + 1;
  if (days < 1) {
    throw new PeriodError(`Kỳ báo cáo kết thúc trước khi bắt đầu: "${text}"`, `The period ends before it starts: "${text}"`);
  }
  if (days > MAX_DAYS) throw new PeriodError(`Kỳ báo cáo dài quá 5 năm: "${text}"`, `The period is longer than 5 years: "${text}"`);
  return { label: range ? `${firstDay}..${lastDay}` : t.toUpperCase(), firstDay, lastDay };
}
