// Dates on the register command line: dd/mm/yyyy (as Vietnamese documents write them) or ISO
// yyyy-mm-dd, read as calendar days of the register's time zone (policies/text/calendar.ts, shared
// with the portal); a bad one is a usage error (exit 2).

import { parseCalendarDay, type CalendarDay } from '../../../policies/text/calendar.js';
import { CliError } from '../context.js';

export function parseDay(text: string, option: string): CalendarDay {
  const day = parseCalendarDay(text);
  if (!day) {
    throw new CliError(
      `Ngày không hợp lệ cho ${option}: "${text}" (dùng dd/mm/yyyy hoặc yyyy-mm-dd) / Invalid date for ${option}: "${text}" (use dd/mm/yyyy or yyyy-mm-dd)`,
      2,
    );
  }
  return day;
}
