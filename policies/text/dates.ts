// Calendar dates in the configured time zone: a document signed "today" in Hà Tĩnh is dated by
// Hà Tĩnh's calendar, not UTC's.

/** yyyy-mm-dd of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** dd/mm/yyyy for a yyyy-mm-dd date, as Vietnamese documents write it. */
export function vietnameseDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}
