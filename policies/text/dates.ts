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

/** The wall-clock fields of an instant in a time zone. */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
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
