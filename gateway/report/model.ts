// The report as docgate hands it out: the register's figures (storage/register/report.ts) with agency
// names, shares and the reasons named in both languages (the typed JSON output), and the same figures
// laid out as tables that the CSV, XLSX and HTML writers all render alike.

import type { AgencyDirectory } from '../../config/agencies.js';
import { isReasonCode, reasonText } from '../../policies/reasons.js';
import { NO_REASON, NO_REASON_CODE, reasonCode, reasonsOfNote } from '../../gateway/imap/filing/reasons.js';
import type { AgencyFigures, MonthFigures, RegisterReportData, UrgentDocument } from '../../storage/register/report.js';
import type { ReportWindow } from '../../storage/register/report-window.js';

export interface ReportReason {
  /** A gateway reason code (refusals) or a return reason (`SaiNoiNhan` … `KhongGhiLyDo`, `GhiChuKhac`). */
  code: string;
  vi: string;
  en: string;
  count: number;
}

export interface ReportAgency extends AgencyFigures {
  name: string | null;
  /** signed / sent, sentOnSigningDay / signedDateKnown; null when the denominator is 0. */
  signedShare: number | null;
  sentOnSigningDayShare: number | null;
}

/** The register's row with its time as ISO text (what the JSON, CSV and XLSX outputs print). */
type ReportUrgentDocument = Omit<UrgentDocument, 'registeredAt'> & { registeredAt: string };

export interface Report {
  period: { label: string; firstDay: string; lastDay: string; timeZone: string };
  /** The agencies asked for (null: every agency in the register). */
  agencyFilter: string | null;
  generatedAt: string;
  agencies: ReportAgency[];
  totals: Omit<ReportAgency, 'agencyId' | 'name'>;
  months: MonthFigures[];
  refusals: ReportReason[];
  /** The refusals of each agency by reason (issue 11), agencies in the report's order, most frequent first. */
  refusalsByAgency: (ReportReason & { agencyId: string; name: string | null })[];
  returns: ReportReason[];
  urgent: ReportUrgentDocument[];
  urgentTruncated: boolean;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Counts by the same code added up, most frequent first (then by code). */
function tally(entries: { code: string; vi: string; en: string; count: number }[]): ReportReason[] {
  const byCode = new Map<string, ReportReason>();
  for (const e of entries) {
    const current = byCode.get(e.code) ?? { code: e.code, vi: e.vi, en: e.en, count: 0 };
    current.count += e.count;
    byCode.set(e.code, current);
  }
  return [...byCode.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** A return counts once under each reason its note names. */
function returnReasons(data: RegisterReportData): ReportReason[] {
  return tally(
    data.returns.flatMap((r) => {
      const { reasons, none } = reasonsOfNote(r.reason);
      if (none) return [{ code: NO_REASON_CODE, ...NO_REASON, count: r.count }];
      if (reasons.length === 0) return [{ code: 'GhiChuKhac', vi: 'Ghi chú khác', en: 'Other note', count: r.count }];
      return reasons.map((x) => ({ code: reasonCode(x), vi: x.vi, en: x.en, count: r.count }));
    }),
  );
}

function refusalReasons(refusals: RegisterReportData['refusals']): ReportReason[] {
  return tally(
    refusals.map((r) => {
      const code = r.reason ?? 'unknown';
      const text = isReasonCode(code) ? reasonText(code) : { vi: code, en: code };
      return { code, ...text, count: r.count };
    }),
  );
}

function withShares(a: AgencyFigures, name: string | null): ReportAgency {
  return { ...a, name, signedShare: share(a.signed, a.sent), sentOnSigningDayShare: share(a.sentOnSigningDay, a.signedDateKnown) };
}

/** Totals over the agencies; the filing percentiles of several agencies cannot be added, so they are left out. */
function totalsOf(agencies: AgencyFigures[]): Report['totals'] {
  const sum = (key: keyof AgencyFigures) => agencies.reduce((n, a) => n + ((a[key] as number | null) ?? 0), 0);
  const keys = Object.keys(agencies[0] ?? {}).filter((k) => k !== 'agencyId' && !k.startsWith('filing')) as (keyof AgencyFigures)[];
  const t = Object.fromEntries(keys.map((k) => [k, sum(k)])) as unknown as AgencyFigures;
  const single = agencies.length === 1 ? agencies[0] : null;
  const totals = withShares(
    { ...t, agencyId: '', filingMedianSeconds: single?.filingMedianSeconds ?? null, filingP90Seconds: single?.filingP90Seconds ?? null },
    null,
  );
  const { agencyId: _id, name: _name, ...rest } = totals;
  return rest;
}

export function buildReport(
  data: RegisterReportData,
  w: ReportWindow,
  label: string,
  agencyFilter: string | null,
  directory: AgencyDirectory,
  now: Date,
): Report {
  const agencies = data.agencies.map((a) => withShares(a, directory.get(a.agencyId)?.name ?? null));
  return {
    period: { label, firstDay: w.firstDay, lastDay: w.lastDay, timeZone: w.timeZone },
    agencyFilter,
    generatedAt: now.toISOString(),
    agencies,
    totals: totalsOf(data.agencies),
    months: data.months,
    refusals: refusalReasons(data.refusals),
    refusalsByAgency: agencies.flatMap((a) =>
      refusalReasons(data.refusals.filter((r) => r.agencyId === a.agencyId)).map((x) => ({ agencyId: a.agencyId, name: a.name, ...x })),
    ),
    returns: returnReasons(data),
    urgent: data.urgent.map((u) => ({ ...u, registeredAt: u.registeredAt.toISOString() })),
    urgentTruncated: data.urgentTruncated,
  };
}
