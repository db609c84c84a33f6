// The figures of the yearly evaluation of each agency's use of electronic documents (Quy chế Điều 11–12),
// read from the register with SQL aggregates that run the same on SQLite and PostgreSQL: per agency and
// window, what it sent and received, what came back returned and why, what the gateway refused and why,
// signed shares, sending on the signing day (Điều 10), time from arrival to registration (status 03),
// urgent documents and their alerts, paper copies, and documents per month.

import type { Sequelize } from 'sequelize';
import { toDate, toNumber } from '../models.js';
import type { AlertEventStatus } from '../rows.js';
import { query, type NamedParams } from '../sql.js';
import { dialectOf, localDay, pdfVerified, secondsBetween, smimeVerified } from './report-sql.js';
import type { ReportWindow } from './report-window.js';

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

export interface UrgentDocument {
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
  /** The local calendar day of e.registered_at, with its parameters. */
  day: { sql: string; params: NamedParams };
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : toNumber(v));
const count = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
const inWindow = (alias: string) => `${alias}.registered_at >= :from AND ${alias}.registered_at < :to`;

type Tally = Map<string, Record<string, number>>;

function add(tally: Tally, key: string, row: Record<string, unknown>, fields: string[]): void {
  const t = tally.get(key) ?? {};
  for (const f of fields) t[f] = (t[f] ?? 0) + num(row[f]);
  tally.set(key, t);
}

interface BookPass {
  agencies: Tally;
  /** yyyy-mm → sent / received / refused of the agencies. */
  months: Tally;
}

/** The same reason of the same agency counted once (the pass groups by month too). */
function mergeReasons(list: ReasonCount[]): ReasonCount[] {
  const out = new Map<string, ReasonCount>();
  for (const r of list) {
    const key = `${r.agencyId}\u0000${r.reason}`;
    const current = out.get(key) ?? { ...r, count: 0 };
    current.count += r.count;
    out.set(key, current);
  }
  return [...out.values()];
}

/**
 * One pass over the agencies' sổ đi entries in the window, grouped by agency, local month, status and
 * reason: what was sent, held, refused (and why), signed, sent on its ngày ký, urgent, paper copies.
 */
async function outgoingPass(sequelize: Sequelize, s: Scope): Promise<BookPass & { refusals: ReasonCount[] }> {
  const sent = "e.status = 'sent'";
  const sums = ['signed_smime', 'signed_pdf', 'signed', 'signed_date_known', 'same_day', 'paper', 'flash', 'very_urgent'];
  const rows = await query(
    sequelize,
    // GROUP BY by position: PostgreSQL does not see two copies of the day expression (other parameter numbers) as one.
    `SELECT e.agency_id AS agency, substr(${s.day.sql}, 1, 7) AS month, e.status AS status, d.reason AS reason, COUNT(*) AS n,
       ${count(`${sent} AND ${smimeVerified(s.dialect, 'd')}`)} AS signed_smime,
       ${count(`${sent} AND ${pdfVerified(s.dialect, 'd')}`)} AS signed_pdf,
       ${count(`${sent} AND (${smimeVerified(s.dialect, 'd')} OR ${pdfVerified(s.dialect, 'd')})`)} AS signed,
       ${count(`${sent} AND d.signed_date IS NOT NULL`)} AS signed_date_known,
       ${count(`${sent} AND d.signed_date = ${s.day.sql}`)} AS same_day,
       ${count(`${sent} AND d.paper_copy_required = :yes`)} AS paper,
       ${count(`${sent} AND d.urgency = 'flash'`)} AS flash,
       ${count(`${sent} AND d.urgency = 'very-urgent'`)} AS very_urgent
     FROM register_entries e JOIN documents d ON d.id = e.document_id
     WHERE e.book = 'outgoing' AND ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY 1, 2, 3, 4`,
    { ...s.params, ...s.day.params, yes: true },
  );
  const agencies: Tally = new Map();
  const months: Tally = new Map();
  const refusals: ReasonCount[] = [];
  for (const r of rows) {
    const agency = String(r.agency);
    const column = ({ sent: 'sent', held: 'held', returned: 'refused' } as Record<string, string>)[String(r.status)];
    if (!column) continue;
    add(agencies, agency, { ...r, [column]: r.n }, [column, ...sums]);
    if (column !== 'held') add(months, String(r.month), { [column]: r.n }, [column]);
    if (column === 'refused') refusals.push({ agencyId: agency, reason: String(r.reason), count: num(r.n) });
  }
  return { agencies, months, refusals: mergeReasons(refusals) };
}

/** One pass over the agencies' sổ đến entries in the window, grouped by agency and local month. */
async function incomingPass(sequelize: Sequelize, s: Scope): Promise<BookPass> {
  const fields = ['received', 'pending', 'returned', 'registered', 'flash', 'very_urgent'];
  const rows = await query(
    sequelize,
    `SELECT e.agency_id AS agency, substr(${s.day.sql}, 1, 7) AS month, COUNT(*) AS received, ${count("e.status = '01'")} AS pending,
       ${count("e.status = '02'")} AS returned, ${count("e.status NOT IN ('01', '02')")} AS registered,
       ${count("d.urgency = 'flash'")} AS flash, ${count("d.urgency = 'very-urgent'")} AS very_urgent
     FROM register_entries e JOIN documents d ON d.id = e.document_id
     WHERE e.book = 'incoming' AND ${inWindow('e')} ${s.agencyFilter('e')}
     GROUP BY 1, 2`,
    { ...s.params, ...s.day.params },
  );
  const agencies: Tally = new Map();
  const months: Tally = new Map();
  for (const r of rows) {
    add(agencies, String(r.agency), r, fields);
    add(months, String(r.month), r, ['received']);
  }
  return { agencies, months };
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
  const dialect = dialectOf(sequelize.getDialect());
  const scope: Scope = {
    dialect,
    params: { from: w.from, to: w.to, ...(agencyIds ? { agencies: agencyIds } : {}) },
    agencyFilter: (alias) => (agencyIds ? `AND ${alias}.agency_id IN (:agencies)` : ''),
    day: localDay(dialect, 'e.registered_at', w),
  };
  const outgoing = await outgoingPass(sequelize, scope);
  const incoming = await incomingPass(sequelize, scope);
  const filing = await filingDelays(sequelize, scope);
  const alerts = await alertCounts(sequelize, scope);
  const returns = await returnsByNote(sequelize, scope);
  const urgent = await urgentDocuments(sequelize, scope);
  const months = w.months.map((m): MonthFigures => {
    const o = outgoing.months.get(m.label) ?? {};
    return { month: m.label, sent: o.sent ?? 0, received: incoming.months.get(m.label)?.received ?? 0, refused: o.refused ?? 0 };
  });
  const found = [...new Set([...outgoing.agencies.keys(), ...incoming.agencies.keys()])].sort();
  const ids = agencyIds ?? [...found, ...(scopeOf.include ?? []).filter((id) => !found.includes(id))];
  const returnedTo = new Map<string, number>();
  for (const r of returns) returnedTo.set(r.agencyId, (returnedTo.get(r.agencyId) ?? 0) + r.count);
  const agencies = ids.map((agencyId): AgencyFigures => {
    const o = outgoing.agencies.get(agencyId) ?? {};
    const i = incoming.agencies.get(agencyId) ?? {};
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
      sentOnSigningDay: o.same_day ?? 0,
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
    refusals: outgoing.refusals,

    returns,
    urgent: urgent.slice(0, URGENT_LIST_LIMIT),
    urgentTruncated: urgent.length > URGENT_LIST_LIMIT,
  };
}
