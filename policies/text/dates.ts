// Calendar dates in the configured time zone: a document signed "today" in Hà Tĩnh is dated by
// Hà Tĩnh's calendar, not UTC's. Intl formatters are costly to create and cheap to use: one per zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface ZonedParts {
  year: string;
  /** 01..12 */
  month: string;
  /** 01..31 */
  day: string;
  hour: string;
  minute: string;
  second: string;
  /** Mon..Sun */
  weekday: string;
  /** "+0700" */
  offset: string;
}

function offsetOf(instant: Date, timeZone: string): string {
  const name = formatter(timeZone)
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')!.value;
  return name === 'GMT' ? '+0000' : name.replace(/^GMT([+-])(\d{2}):(\d{2})$/, '$1$2$3');
}

const OFFSET_SPAN_MS = 15 * 60_000;
const OFFSET_SPANS_KEPT = 1024;
/** Per zone and quarter hour, its offset (the quarter hours asked about last; every call of one message falls in one). */
const offsets = new Map<string, Map<number, { offset: string; minutes: number }>>();

/**
 * The zone's UTC offset at an instant, from the Intl formatter once per quarter hour: formatToParts is
 * the slow half of Intl and a submission asks for dates a dozen times (checks, register, notices,
 * deadlines). A quarter hour is used only when its start and end have the same offset, so a change of
 * offset (summer time, a historical change at an odd minute) is always read exactly.
 */
function zoneOffset(instant: Date, timeZone: string): { offset: string; minutes: number } | null {
  const span = Math.floor(instant.getTime() / OFFSET_SPAN_MS);
  let spans = offsets.get(timeZone);
  if (!spans) offsets.set(timeZone, (spans = new Map<number, { offset: string; minutes: number }>()));
  const known = spans.get(span);
  if (known) return known;
  const first = offsetOf(new Date(span * OFFSET_SPAN_MS), timeZone);
  const last = offsetOf(new Date((span + 1) * OFFSET_SPAN_MS - 1), timeZone);
  const m = /^([+-])(\d{2})(\d{2})$/.exec(first);
  if (first !== last || !m) return null;
  const entry = { offset: first, minutes: (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) };
  if (spans.size >= OFFSET_SPANS_KEPT) spans.clear();
  spans.set(span, entry);
  return entry;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** The wall-clock fields of an instant in a time zone. */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const zone = zoneOffset(instant, timeZone);
  if (zone) {
    // The wall clock is UTC moved by the offset: the fields of that shifted instant read in UTC.
    const wall = new Date(instant.getTime() + zone.minutes * 60_000);
    return {
      year: String(wall.getUTCFullYear()),
      month: pad2(wall.getUTCMonth() + 1),
      day: pad2(wall.getUTCDate()),
      hour: pad2(wall.getUTCHours()),
      minute: pad2(wall.getUTCMinutes()),
      second: pad2(wall.getUTCSeconds()),
      weekday: WEEKDAYS[wall.getUTCDay()],
      offset: zone.offset,
    };
  }
  return intlZonedParts(instant, timeZone);
}

/** The same fields read from Intl alone (every field by formatToParts): the slow path, and the reference. */
export function intlZonedParts(instant: Date, timeZone: string): ZonedParts {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) p[part.type] = part.value;
  const offset = p.timeZoneName === 'GMT' ? '+0000' : p.timeZoneName.replace(/^GMT([+-])(\d{2}):(\d{2})$/, '$1$2$3');
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, weekday: p.weekday, offset };
}

/** yyyy-mm-dd of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/**
 * The register year of an instant: its calendar year in the register's time zone (Vietnam: UTC+7), so
 * a document received on 31/12 at 17:30 UTC is in next year's books. Counters, the duplicate rule and
 * the stored entries all use this one.
 */
export function registerYear(at: Date, timeZone: string): number {
  return Number(zonedParts(at, timeZone).year);
}

/** The year the duplicate rule compares: the signing date's (yyyy-mm-dd) when known, else the register year of receipt. */
export function documentYear(signedDate: string | null, receivedAt: Date, timeZone: string): number {
  return signedDate ? Number(signedDate.slice(0, 4)) : registerYear(receivedAt, timeZone);
}

/** dd/mm/yyyy for a yyyy-mm-dd date, as Vietnamese documents write it. */
export function vietnameseDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}
