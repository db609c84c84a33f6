// When a recipient should have filed (03) or returned (02) a document: a per-urgency duration (Hỏa tốc:
// 2 hours by default), else a fixed duration, else the end of the next working day (Mon–Fri, at
// reminders.workdayEnd in the register's time zone). Public holidays are not known here.

import type { DocgateConfigFile } from '../../config/schema.js';
import { zonedParts } from '../../policies/text/dates.js';

type Reminders = DocgateConfigFile['reminders'];

/** Minutes east of UTC of a time zone at an instant ("+0700" → 420). */
function offsetMinutes(at: Date, timeZone: string): number {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(zonedParts(at, timeZone).offset);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The instant of a wall-clock time in a time zone (the offset looked up at that time, twice for DST edges). */
function zonedInstant(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): Date {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let at = new Date(wall - offsetMinutes(new Date(wall), timeZone) * 60_000);
  at = new Date(wall - offsetMinutes(at, timeZone) * 60_000);
  return at;
}

/** Saturday and Sunday, as Date#getUTCDay numbers them. */
const WEEKEND = new Set([6, 0]);

export function endOfNextWorkingDay(arrivedAt: Date, workdayEnd: string, timeZone: string): Date {
  const p = zonedParts(arrivedAt, timeZone);
  const [h, mi] = workdayEnd.split(':').map(Number);
  // Walk calendar days from the arrival's local date (noon UTC keeps each step on its own date).
  let day = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), 12);
  for (let i = 0; i < 7; i++) {
    day += 24 * 3600_000;
    // The day's own calendar (noon UTC of a local date): no Intl formatter per call.
    const d = new Date(day);
    if (WEEKEND.has(d.getUTCDay())) continue;
    return zonedInstant(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), h, mi, timeZone);
  }
  throw new Error('unreachable: a week has working days');
}

export function reminderDue(arrivedAt: Date, urgency: string | null, reminders: Reminders, timeZone: string): Date {
  const byUrgency = urgency ? reminders.byUrgency[urgency as keyof Reminders['byUrgency']] : undefined;
  if (byUrgency !== undefined) return new Date(arrivedAt.getTime() + byUrgency);
  if (reminders.deadline !== 'next-working-day') return new Date(arrivedAt.getTime() + reminders.deadline);
  return endOfNextWorkingDay(arrivedAt, reminders.workdayEnd, timeZone);
}
