// What `docgate report` must say about a seeded register, computed from the seed's own plan
// (bench/register-seed.ts seedOutcome) in plain JS: no SQL, no report code. Days and months are read
// with Intl in the register's time zone.

import { SEED_TIME_ZONE, type SeedOutcome } from '../../bench/register-seed.js';
import { reasonCode, reasonsFromFlags } from '../../gateway/imap/filing/reasons.js';
import { localDate } from '../../policies/text/dates.js';
import type { AgencyFigures } from '../../storage/register/report.js';
import type { SubmissionRecord } from '../../storage/register/types.js';

export interface Seeded {
  doc: SubmissionRecord;
  outcome: SeedOutcome;
}

/** The register report's figures of one agency (its result type), without the held count the seed does not make. */
export type ExpectedAgency = Omit<AgencyFigures, 'agencyId' | 'held'>;

export interface Expected {
  agencies: Map<string, ExpectedAgency>;
  /** yyyy-mm → counts of the selected agencies. */
  months: Map<string, { sent: number; received: number; refused: number }>;
  refusals: Map<string, number>;
  returns: Map<string, number>;
  urgentListed: number;
}

const zero = (): ExpectedAgency & { delays: number[] } => ({
  sent: 0,
  refused: 0,
  signedSmime: 0,
  signedPdf: 0,
  signed: 0,
  signedDateKnown: 0,
  sentOnSigningDay: 0,
  paperCopyRequired: 0,
  sentFlash: 0,
  sentVeryUrgent: 0,
  returnedByRecipients: 0,
  received: 0,
  receivedPending: 0,
  receivedRegistered: 0,
  receivedReturned: 0,
  receivedFlash: 0,
  receivedVeryUrgent: 0,
  filed: 0,
  filingMedianSeconds: null,
  filingP90Seconds: null,
  alertsSent: 0,
  alertsFailed: 0,
  delays: [],
});

const nearestRank = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

/** Expected figures for documents received on local days firstDay..lastDay (inclusive), for `agencies` (all when null). */
export function expectedReport(seeded: Seeded[], firstDay: string, lastDay: string, agencies: string[] | null): Expected {
  const figures = new Map<string, ReturnType<typeof zero>>();
  const of = (id: string) => figures.get(id) ?? (figures.set(id, zero()), figures.get(id)!);
  const wanted = (id: string) => agencies === null || agencies.includes(id);
  const months = new Map<string, { sent: number; received: number; refused: number }>();
  const month = (m: string) => months.get(m) ?? (months.set(m, { sent: 0, received: 0, refused: 0 }), months.get(m)!);
  const refusals = new Map<string, number>();
  const returns = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let urgentListed = 0;
  for (const { doc, outcome } of seeded) {
    const day = localDate(doc.receivedAt, SEED_TIME_ZONE);
    if (day < firstDay || day > lastDay) continue;
    const m = day.slice(0, 7);
    const urgency = doc.metadata.urgency;
    const urgent = urgency === 'flash' || urgency === 'very-urgent';
    if (wanted(doc.senderAgencyId)) {
      const a = of(doc.senderAgencyId);
      if (outcome.refused) {
        a.refused++;
        month(m).refused++;
        bump(refusals, outcome.refused);
      } else {
        a.sent++;
        month(m).sent++;
        if (outcome.signature === 'smime') a.signedSmime++;
        if (outcome.signature === 'pdf') a.signedPdf++;
        if (outcome.signature === 'smime' || outcome.signature === 'pdf') a.signed++;
        a.signedDateKnown++;
        if (doc.metadata.signedDate === day) a.sentOnSigningDay++;
        if (outcome.paperCopyRequired) a.paperCopyRequired++;
        if (urgency === 'flash') a.sentFlash++;
        if (urgency === 'very-urgent') a.sentVeryUrgent++;
        if (urgent) urgentListed++;
        for (const fate of outcome.recipients) {
          if (fate.kind !== 'returned') continue;
          a.returnedByRecipients++;
          const reasons = reasonsFromFlags(fate.keywords);
          if (reasons.length === 0) bump(returns, 'KhongGhiLyDo');
          for (const r of reasons) bump(returns, reasonCode(r));
        }
      }
    }
    if (outcome.refused) continue;
    doc.recipientAgencyIds.forEach((id, k) => {
      if (!wanted(id)) return;
      const a = of(id);
      const fate = outcome.recipients[k];
      a.received++;
      month(m).received++;
      if (urgency === 'flash') a.receivedFlash++;
      if (urgency === 'very-urgent') a.receivedVeryUrgent++;
      if (urgent) urgentListed++;
      if (fate.kind === 'filed') {
        a.receivedRegistered++;
        a.filed++;
        a.delays.push(fate.delaySeconds);
      } else if (fate.kind === 'returned') a.receivedReturned++;
      else a.receivedPending++;
      const alert = outcome.alerts[k];
      if (alert === 'alert-sent') a.alertsSent++;
      if (alert === 'alert-failed') a.alertsFailed++;
    });
  }
  const out = new Map<string, ExpectedAgency>();
  for (const [id, { delays, ...a }] of figures) {
    const sorted = [...delays].sort((x, y) => x - y);
    out.set(id, {
      ...a,
      filingMedianSeconds: sorted.length ? nearestRank(sorted, 0.5) : null,
      filingP90Seconds: sorted.length ? nearestRank(sorted, 0.9) : null,
    });
  }
  return { agencies: out, months, refusals, returns, urgentListed };
}
