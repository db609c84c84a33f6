// The jobs an accepted document queues with its acceptance, for the recipients it reached in docgate's
// own mailboxes: urgent alerts to their leaders and a reminder at each one's filing deadline. Recipients
// served only by their relay get their alerts at the relay's 250 instead (alertJobsAfterRelay), and no
// reminder: they file on their own server, which docgate does not see.

import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Agency } from '../../config/schema.js';
import type { DocumentRow } from '../../storage/rows.js';
import type { JobInput } from '../../storage/register/types.js';
import { alertJobsFor } from './alert-jobs.js';
import { reminderDue } from './deadline.js';

export const REMINDER_JOB = 'reminder';

export interface ReminderPayload {
  deadline: string;
}

export function followUpJobs(config: Config, urgency: string | null, recipients: readonly Agency[], relayOnly: readonly string[], at: Date): JobInput[] {
  const mailboxed = recipients.filter((a) => !relayOnly.includes(a.id));
  const jobs = alertJobsFor(config, urgency, mailboxed);
  const reminders = config.docgate.reminders;
  if (reminders.enabled && mailboxed.length > 0) {
    const due = reminderDue(at, urgency, reminders, config.docgate.timezone);
    for (const a of mailboxed) jobs.push({ kind: REMINDER_JOB, agencyId: a.id, payload: { deadline: due.toISOString() } satisfies ReminderPayload, at: due });
  }
  return jobs;
}

/** Alerts owed when a relay delivered a document to an agency that has no mailbox copy here. */
export function alertJobsAfterRelay(config: Config, agencies: AgencyDirectory, doc: DocumentRow, agencyId: string): JobInput[] {
  const agency = agencies.get(agencyId);
  if (!agency || agency.relay?.keepMailbox !== false) return [];
  return alertJobsFor(config, doc.urgency, [agency]);
}
