// Which alert jobs a delivery calls for: for a document whose urgency is configured as alerting (Hỏa tốc,
// Thượng khẩn), one job per leader and channel of the recipient agency (an SMS to each phone when the
// webhook is configured, an e-mail to each address when the mail server is). Written in the transaction
// of the delivery itself: the acceptance (docgate's mailbox) or the relay's 250 (the agency's server).

import type { Config } from '../../config/load.js';
import type { Agency } from '../../config/schema.js';
import type { JobInput } from '../../storage/register/types.js';

export const ALERT_JOB = 'alert';

type AlertChannel = 'sms' | 'email';

export interface AlertPayload {
  channel: AlertChannel;
  leader: { name: string; phone?: string; email?: string };
}

function alertsWanted(config: Config, urgency: string | null): boolean {
  return urgency !== null && (config.docgate.alerts.urgencies as string[]).includes(urgency);
}

export function alertJobsFor(config: Config, urgency: string | null, recipients: readonly Agency[]): JobInput[] {
  if (!alertsWanted(config, urgency)) return [];
  const { sms, email } = config.docgate.alerts;
  return recipients.flatMap((agency) =>
    agency.leaders.flatMap((leader) => {
      const jobs: JobInput[] = [];
      const who = { name: leader.name, ...(leader.phone ? { phone: leader.phone } : {}), ...(leader.email ? { email: leader.email } : {}) };
      if (sms && leader.phone) jobs.push({ kind: ALERT_JOB, agencyId: agency.id, payload: { channel: 'sms', leader: who } satisfies AlertPayload });
      if (email && leader.email) jobs.push({ kind: ALERT_JOB, agencyId: agency.id, payload: { channel: 'email', leader: who } satisfies AlertPayload });
      return jobs;
    }),
  );
}
