// `--period` of `docgate report`: a year (2026), a quarter (2026-Q1), a month (2026-03) or a range of
// days (2026-01-15..2026-02-14, or dd/mm/yyyy..dd/mm/yyyy), as calendar days of the register's time
// zone. Anything else is a usage error (exit 2).

import { CliError } from '../context.js';
import { isoDay, parseDay, type CalendarDay } from '../register/dates.js';

export interface ReportPeriod {
  label: string;
  firstDay: string;
  lastDay: string;
}

/** The longest range accepted: five years of days (the report's day list is bounded). */
const MAX_DAYS = 5 * 366;

const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const day = (year: number, month: number, d: number): CalendarDay => ({ year, month, day: d });

function bad(text: string): CliError {
  return new CliError(
    `Kỳ báo cáo không hợp lệ: "${text}" (dùng 2026, 2026-Q1, 2026-03 hoặc 2026-01-01..2026-03-31) / Invalid period: "${text}" (use 2026, 2026-Q1, 2026-03 or 2026-01-01..2026-03-31)`,
    2,
  );
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
    [first, last] = [parseDay(range[1], '--period'), parseDay(range[2], '--period')];
  } else throw bad(text);
  const [firstDay, lastDay] = [isoDay(first), isoDay(last)];
  if (first.year < 1900 || last.year > 9999) throw bad(text);
  const days = (Date.parse(lastDay) - Date.parse(firstDay)) / 86_400_000 + 1;
  if (days < 1) {
    throw new CliError(`Kỳ báo cáo kết thúc trước khi bắt đầu: "${text}" / The period ends before it starts: "${text}"`, 2);
  }
  if (days > MAX_DAYS) throw new CliError(`Kỳ báo cáo dài quá 5 năm: "${text}" / The period is longer than 5 years: "${text}"`, 2);
  return { label: range ? `${firstDay}..${lastDay}` : t.toUpperCase(), firstDay, lastDay };
}
