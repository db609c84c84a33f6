// The figures of the yearly evaluation of each agency's use of electronic documents (Quy chế Điều 11–12),
// read from the register with SQL aggregates that run the same on SQLite and PostgreSQL: per agency and
// window, what it sent and received, what came back returned and why, what the gateway refused and why,
// signed shares, sending on the signing day (Điều 10), time from arrival to registration (status 03),
// urgent documents and their alerts, paper copies, and documents per month.

import type { Sequelize } from 'sequelize';
import { toDate, toNumber } from '../models.js';
import type { AlertEventStatus } from '../rows.js';
import { query, type NamedParams, type SqlValue } from '../sql.js';
import { dialectOf, instant, pdfVerified, secondsBetween, smimeVerified } from './report-sql.js';
import type { ReportBucket, ReportWindow } from './report-window.js';

/** Hỏa tốc and Thượng khẩn (stored urgency codes, policies/metadata/form.ts). */
const URGENT_LEVELS = ['flash', 'very-urgent'] as const;
/** Alert outcomes written as register events by the urgent-alert sender. */
const ALERT_STATUSES: readonly AlertEventStatus[] = ['alert-sent', 'alert-failed'];
/** At most this many urgent documents are listed one by one. */
const URGENT_LIST_LIMIT = 1000;

export interface AgencyFigures {
  agencyId: string;
  /** Numbered in the agency's sổ đi (status sent). */
  sent: number;
  /** Submitted and held by a quarantine action, not yet released. */
  held: number;
  /** Submitted and refused by the gateway's checks (or rejected from quarantine): never numbered. */
  refused: number;
  /** Of `sent`: with a verified S/MIME signature, a verified PDF signature, either. */
  signedSmime: number;
  signedPdf: number;
  signed: number;
  /** Of `sent`: with a ngày ký, and accepted on that calendar day (register time zone). */
  signedDateKnown: number;
  sentOnSigningDay: number;
  /** Of `sent`: the classification check's paper-copy-required warning (Điều 7.2). */
  paperCopyRequired: number;
  /** Of `sent`: Hỏa tốc, Thượng khẩn. */
  sentFlash: number;
  sentVeryUrgent: number;
  /** Recipients' sổ đến entries of documents in `sent` that the recipient returned (02). */
  returnedByRecipients: number;
  /** Entries of the agency's sổ đến. */
  received: number;
  /** Of `received`: still 01 (not registered), registered (03 or later), returned by this agency (02). */
  receivedPending: number;
  receivedRegistered: number;
  receivedReturned: number;
  receivedFlash: number;
  receivedVeryUrgent: number;
  /** Received entries registered (status 03 event), with the time from arrival to registration. */
  filed: number;
  filingMedianSeconds: number | null;
  filingP90Seconds: number | null;
  /** Alert events (Hỏa tốc) of this agency on documents in its books in the window. */
  alertsSent: number;
  alertsFailed: number;
}

export interface MonthFigures {
  /** yyyy-mm */
  month: string;
  sent: number;
  received: number;
  refused: number;
}

interface ReasonCount {
  agencyId: string;
  /** The gateway's reason code (refusals) or the stored return note (returns). */
  reason: string | null;
  count: number;
}

interface UrgentDocument {
  agencyId: string;
  book: 'outgoing' | 'incoming';
  trackingId: string;
  registeredAt: Date;
  urgency: string;
  documentNumber: string | null;
  summary: string | null;
  senderAgencyId: string;
  status: string;
  alertsSent: number;
  alertsFailed: number;
}

export interface RegisterReportData {
  agencies: AgencyFigures[];
  months: MonthFigures[];
  /** The gateway's refusals of the agencies' submissions, by reason code. */
  refusals: ReasonCount[];
  /** Returns (02) of the agencies' sent documents by their recipients, by the return note. */
  returns: ReasonCount[];
  urgent: UrgentDocument[];
  urgentTruncated: boolean;
}

interface Scope {
  dialect: ReturnType<typeof dialectOf>;
  params: NamedParams;
  /** `AND e.agency_id IN (…)` or ''. */
  agencyFilter: (alias: string) => string;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : toNumber(v));

/** A VALUES list of buckets (label, from, to) with its parameters. */
function bucketValues(scope: Scope, prefix: string, buckets: ReportBucket[]): { sql: string; params: NamedParams } {
  const params: Record<string, SqlValue> = {};
  const rows = buckets.map((b, i) => {
    params[`${prefix}l${i}`] = b.label;
    params[`${prefix}f${i}`] = b.from;
    params[`${prefix}t${i}`] = b.to;
    return `(:${prefix}l${i}, ${instant(scope.dialect, `:${prefix}f${i}`)}, ${instant(scope.dialect, `:${prefix}t${i}`)})`;
  });
  return { sql: `(VALUES ${rows.join(', ')})`, params };
}

const inWindow = (alias: string) => `${alias}.registered_at >= :from AND ${alias}.registered_at < :to`;

async function outgoingFigures(sequelize: Sequelize, s: Scope): Promise<Map<string, Record<string, number>>> {
  const sent = "e.status = 'sent'";
  const count = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  const rows = await query(
    sequelize,
    `SELECT e.agency_id AS agency, ${count(sent)} AS sent, ${count("e.status = 'held'")} AS held, ${count("e.status = 'returned'")} AS refused,
       ${count(`${sent} AND ${smimeVerified(s.dialect, 'd')}`)} AS signed_smime,
       ${count(`${sent} AND ${pdfVerified(s.dialect, 'd')}`)} AS signed_pdf,
       ${count(`${sent} AND (${smimeVerified(s.dialect, 'd')} OR ${pdfVerified(s.dialect, 'd')})`)} AS signed,
       ${count(`${sent} AND d.signed_date IS NOT NULL`)} AS signed_date_known,
       ${count(`${sent} AND d.paper_copy_required = :yes`)} AS paper,
       ${count(`${sent} AND d.urgency = 'flash'`)} AS flash,
       ${count(`${sent} AND d.urgency = 'very-urgent'`)} AS very_urgent
     FROM register_entries e JOIN documents d ON d.id = e.document_id
     WHERE e.book = 'outgoing' AND ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY e.agency_id`,
    { ...s.params, yes: true },
  );
  return new Map(rows.map((r) => [String(r.agency), Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)]))]));
}

/** Sent documents accepted on their ngày ký: the signing day's local span, from a VALUES list of the window's days. */
async function onSigningDay(sequelize: Sequelize, s: Scope, w: ReportWindow): Promise<Map<string, number>> {
  const days = bucketValues(s, 'd', w.days);
  const rows = await query(
    sequelize,
    `SELECT e.agency_id AS agency, COUNT(*) AS n
     FROM register_entries e JOIN documents d ON d.id = e.document_id
     JOIN ${days.sql} AS days ON days.column1 = d.signed_date AND e.registered_at >= days.column2 AND e.registered_at < days.column3
     WHERE e.book = 'outgoing' AND e.status = 'sent' AND ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY e.agency_id`,
    { ...s.params, ...days.params },
  );
  return new Map(rows.map((r) => [String(r.agency), num(r.n)]));
}

async function incomingFigures(sequelize: Sequelize, s: Scope): Promise<Map<string, Record<string, number>>> {
  const count = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  const rows = await query(
    sequelize,
    `SELECT e.agency_id AS agency, COUNT(*) AS received, ${count("e.status = '01'")} AS pending, ${count("e.status = '02'")} AS returned,
       ${count("e.status NOT IN ('01', '02')")} AS registered, ${count("d.urgency = 'flash'")} AS flash, ${count("d.urgency = 'very-urgent'")} AS very_urgent
     FROM register_entries e JOIN documents d ON d.id = e.document_id
     WHERE e.book = 'incoming' AND ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY e.agency_id`,
    s.params,
  );
  return new Map(rows.map((r) => [String(r.agency), Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)]))]));
}

/** Received entries with their registration (03) event: the join both filing queries share. */
const FILING_FROM = `FROM register_entries e JOIN register_events ev ON ev.document_id = e.document_id AND ev.entry_id = e.id AND ev.status = '03'
     WHERE e.book = 'incoming' AND ${inWindow('e')}`;

/** Nearest-rank percentile index (as bench/report.ts percentile). */
const rankIndex = (n: number, p: number) => Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));

async function filingDelays(sequelize: Sequelize, s: Scope): Promise<Map<string, { filed: number; median: number | null; p90: number | null }>> {
  const counts = await query(sequelize, `SELECT e.agency_id AS agency, COUNT(*) AS n ${FILING_FROM} ${s.agencyFilter('e')} GROUP BY e.agency_id`, s.params);
  const out = new Map<string, { filed: number; median: number | null; p90: number | null }>();
  const seconds = secondsBetween(s.dialect, 'e.registered_at', 'ev.at');
  for (const c of counts) {
    const agency = String(c.agency);
    const n = num(c.n);
    const at = async (p: number) => {
      const [row] = await query(sequelize, `SELECT ${seconds} AS seconds ${FILING_FROM} AND e.agency_id = :agency ORDER BY seconds LIMIT 1 OFFSET :k`, {
        ...s.params,
        agency,
        k: rankIndex(n, p),
      });
      return row ? Math.max(0, Math.round(num(row.seconds))) : null;
    };
    out.set(agency, { filed: n, median: await at(0.5), p90: await at(0.9) });
  }
  return out;
}

async function alertCounts(sequelize: Sequelize, s: Scope): Promise<Map<string, { sent: number; failed: number }>> {
  const rows = await query(
    sequelize,
    `SELECT ev.agency_id AS agency, ev.status AS status, COUNT(*) AS n
     FROM register_entries e JOIN register_events ev ON ev.document_id = e.document_id AND ev.agency_id = e.agency_id AND ev.status IN (:alerts)
     WHERE ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY ev.agency_id, ev.status`,
    { ...s.params, alerts: [...ALERT_STATUSES] },
  );
  const out = new Map<string, { sent: number; failed: number }>();
  for (const r of rows) {
    const a = out.get(String(r.agency)) ?? { sent: 0, failed: 0 };
    if (r.status === 'alert-sent') a.sent += num(r.n);
    else a.failed += num(r.n);
    out.set(String(r.agency), a);
  }
  return out;
}

async function returnsByNote(sequelize: Sequelize, s: Scope): Promise<ReasonCount[]> {
  const rows = await query(
    sequelize,
    `SELECT e.agency_id AS agency, r.note AS note, COUNT(*) AS n
     FROM register_entries e JOIN register_entries r ON r.document_id = e.document_id AND r.book = 'incoming' AND r.status = '02'
     WHERE e.book = 'outgoing' AND e.status = 'sent' AND ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY e.agency_id, r.note`,
    s.params,
  );
  return rows.map((r) => ({ agencyId: String(r.agency), reason: (r.note as string | null) ?? null, count: num(r.n) }));
}

async function refusalsByReason(sequelize: Sequelize, s: Scope): Promise<ReasonCount[]> {
  const rows = await query(
    sequelize,
    `SELECT e.agency_id AS agency, d.reason AS reason, COUNT(*) AS n
     FROM register_entries e JOIN documents d ON d.id = e.document_id
     WHERE e.book = 'outgoing' AND e.status = 'returned' AND ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY e.agency_id, d.reason`,
    s.params,
  );
  return rows.map((r) => ({ agencyId: String(r.agency), reason: String(r.reason), count: num(r.n) }));
}

async function perMonth(sequelize: Sequelize, s: Scope, w: ReportWindow): Promise<MonthFigures[]> {
  const months = bucketValues(s, 'm', w.months);
  const rows = await query(
    sequelize,
    `SELECT m.column1 AS month, e.book AS book, e.status AS status, COUNT(*) AS n
     FROM register_entries e JOIN ${months.sql} AS m ON e.registered_at >= m.column2 AND e.registered_at < m.column3
     WHERE ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY m.column1, e.book, e.status`,
    { ...s.params, ...months.params },
  );
  const byMonth = new Map(w.months.map((m) => [m.label, { month: m.label, sent: 0, received: 0, refused: 0 }]));
  for (const r of rows) {
    const m = byMonth.get(String(r.month));
    if (!m) continue;
    if (r.book === 'incoming') m.received += num(r.n);
    else if (r.status === 'sent') m.sent += num(r.n);
    else if (r.status === 'returned') m.refused += num(r.n);
  }
  return [...byMonth.values()];
}

async function urgentDocuments(sequelize: Sequelize, s: Scope): Promise<UrgentDocument[]> {
  const alerts = (status: string) =>
    `(SELECT COUNT(*) FROM register_events ev WHERE ev.document_id = e.document_id AND ev.agency_id = e.agency_id AND ev.status = '${status}')`;
  const rows = await query(
    sequelize,
    `SELECT e.agency_id AS agency, e.book AS book, e.status AS status, e.registered_at AS registered_at, d.id AS tracking_id, d.urgency AS urgency,
       d.document_number AS document_number, COALESCE(d.summary, d.subject) AS summary, d.sender_agency_id AS sender,
       ${alerts('alert-sent')} AS alerts_sent, ${alerts('alert-failed')} AS alerts_failed
     FROM register_entries e JOIN documents d ON d.id = e.document_id
     WHERE d.urgency IN (:urgent) AND ${inWindow('e')} ${s.agencyFilter('e')} AND (e.book = 'incoming' OR e.status = 'sent')
     ORDER BY e.registered_at, e.id LIMIT :limit`,
    { ...s.params, urgent: [...URGENT_LEVELS], limit: URGENT_LIST_LIMIT + 1 },
  );
  return rows.map((r) => ({
    agencyId: String(r.agency),
    book: r.book === 'incoming' ? 'incoming' : 'outgoing',
    trackingId: String(r.tracking_id),
    registeredAt: toDate(r.registered_at),
    urgency: String(r.urgency),
    documentNumber: (r.document_number as string | null) ?? null,
    summary: (r.summary as string | null) ?? null,
    senderAgencyId: String(r.sender),
    status: String(r.status),
    alertsSent: num(r.alerts_sent),
    alertsFailed: num(r.alerts_failed),
  }));
}

export interface ReportScope {
  /** Only these agencies (default: every agency with an entry in the window). */
  only?: string[];
  /** Agencies listed even without any entry (a row of zeros), e.g. every configured agency. */
  include?: string[];
}

/** The report's figures for the window and agencies; agencies in the register come first, ordered by id. */
export async function registerReport(sequelize: Sequelize, w: ReportWindow, scopeOf: ReportScope = {}): Promise<RegisterReportData> {
  const agencyIds = scopeOf.only ?? null;
  const scope: Scope = {
    dialect: dialectOf(sequelize.getDialect()),
    params: { from: w.from, to: w.to, ...(agencyIds ? { agencies: agencyIds } : {}) },
    agencyFilter: (alias) => (agencyIds ? `AND ${alias}.agency_id IN (:agencies)` : ''),
  };
  const [outgoing, sameDay, incoming, filing, alerts, returns, refusals, months, urgent] = [
    await outgoingFigures(sequelize, scope),
    await onSigningDay(sequelize, scope, w),
    await incomingFigures(sequelize, scope),
    await filingDelays(sequelize, scope),
    await alertCounts(sequelize, scope),
    await returnsByNote(sequelize, scope),
    await refusalsByReason(sequelize, scope),
    await perMonth(sequelize, scope, w),
    await urgentDocuments(sequelize, scope),
  ];
  const found = [...new Set([...outgoing.keys(), ...incoming.keys()])].sort();
  const ids = agencyIds ?? [...found, ...(scopeOf.include ?? []).filter((id) => !found.includes(id))];
  const returnedTo = new Map<string, number>();
  for (const r of returns) returnedTo.set(r.agencyId, (returnedTo.get(r.agencyId) ?? 0) + r.count);
  const agencies = ids.map((agencyId): AgencyFigures => {
    const o = outgoing.get(agencyId) ?? {};
    const i = incoming.get(agencyId) ?? {};
    const f = filing.get(agencyId);
    const a = alerts.get(agencyId);
    return {
      agencyId,
      sent: o.sent ?? 0,
      held: o.held ?? 0,
      refused: o.refused ?? 0,
      signedSmime: o.signed_smime ?? 0,
      signedPdf: o.signed_pdf ?? 0,
      signed: o.signed ?? 0,
      signedDateKnown: o.signed_date_known ?? 0,
      sentOnSigningDay: sameDay.get(agencyId) ?? 0,
      paperCopyRequired: o.paper ?? 0,
      sentFlash: o.flash ?? 0,
      sentVeryUrgent: o.very_urgent ?? 0,
      returnedByRecipients: returnedTo.get(agencyId) ?? 0,
      received: i.received ?? 0,
      receivedPending: i.pending ?? 0,
      receivedRegistered: i.registered ?? 0,
      receivedReturned: i.returned ?? 0,
      receivedFlash: i.flash ?? 0,
      receivedVeryUrgent: i.very_urgent ?? 0,
      filed: f?.filed ?? 0,
      filingMedianSeconds: f?.median ?? null,
      filingP90Seconds: f?.p90 ?? null,
      alertsSent: a?.sent ?? 0,
      alertsFailed: a?.failed ?? 0,
    };
  });
  return {
    agencies,
    months,
    refusals,
    returns,
    urgent: urgent.slice(0, URGENT_LIST_LIMIT),
    urgentTruncated: urgent.length > URGENT_LIST_LIMIT,
  };
}
