// The few SQL fragments of the register report that differ between SQLite and PostgreSQL: reading a
// JSON field, the seconds between two stored instants, and the local calendar day of an instant.

import type { NamedParams } from '../sql.js';

type Dialect = 'sqlite' | 'postgres';

export function dialectOf(name: string): Dialect {
  return name === 'postgres' ? 'postgres' : 'sqlite';
}

/** A verified S/MIME signature is filed in documents.signature (policies/smime/report.ts SignatureResult). */
export function smimeVerified(dialect: Dialect, doc: string): string {
  return dialect === 'postgres'
    ? `(${doc}.signature IS NOT NULL AND (${doc}.signature::jsonb ->> 'status') = 'verified')`
    : `(${doc}.signature IS NOT NULL AND json_extract(${doc}.signature, '$.status') = 'verified')`;
}

/** The pdf-signature check's outcome in the stored verdict says `data.status: verified` (policies/checks/pdf-signature.ts). */
export function pdfVerified(dialect: Dialect, doc: string): string {
  // The LIKE is a cheap filter: most verdicts never mention the check, and the JSON is parsed only for those that do.
  const mentions = `${doc}.verdict LIKE '%"pdf-signature"%'`;
  return dialect === 'postgres'
    ? `(${mentions} AND EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${doc}.verdict::jsonb -> 'outcomes') = 'array' THEN ${doc}.verdict::jsonb -> 'outcomes' ELSE '[]'::jsonb END) o WHERE o ->> 'check' = 'pdf-signature' AND (o -> 'data' ->> 'status') = 'verified'))`
    : `(${mentions} AND EXISTS (SELECT 1 FROM json_each(${doc}.verdict, '$.outcomes') o WHERE json_extract(o.value, '$.check') = 'pdf-signature' AND json_extract(o.value, '$.data.status') = 'verified'))`;
}

/** Seconds from one stored instant to a later one. */
export function secondsBetween(dialect: Dialect, from: string, to: string): string {
  return dialect === 'postgres' ? `EXTRACT(EPOCH FROM (${to} - ${from}))` : `((julianday(${to}) - julianday(${from})) * 86400.0)`;
}

/**
 * The register-time-zone calendar day (yyyy-mm-dd) of a stored instant. PostgreSQL knows the zone;
 * SQLite gets the window's UTC offsets (one, or one per daylight-saving segment) as bound modifiers.
 */
export function localDay(
  dialect: Dialect,
  column: string,
  w: { timeZone: string; offsets: { from: Date; minutes: number }[] },
): { sql: string; params: NamedParams } {
  if (dialect === 'postgres') return { sql: `to_char(timezone(:tz, ${column}), 'YYYY-MM-DD')`, params: { tz: w.timeZone } };
  const params: NamedParams = {};
  const modifier = (i: number) => {
    const m = w.offsets[i].minutes;
    params[`off${i}`] = `${m < 0 ? '-' : '+'}${Math.abs(m)} minutes`;
    return `date(${column}, :off${i})`;
  };
  if (w.offsets.length === 1) return { sql: modifier(0), params };
  const whens = w.offsets.slice(1).map((o, i) => {
    params[`until${i}`] = o.from;
    return `WHEN ${column} < :until${i} THEN ${modifier(i)}`;
  });
  return { sql: `(CASE ${whens.join(' ')} ELSE ${modifier(w.offsets.length - 1)} END)`, params };
}
