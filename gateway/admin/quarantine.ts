// Deciding on a document held by a `quarantine` action: release numbers and delivers it exactly as an
// accepted submission (with its relay jobs, as intake computes them); reject returns it. Used by
// `docgate quarantine` and the portal alike; both leave the register event naming the actor.

import { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import { registerYear } from '../../policies/text/dates.js';
import type { Storage } from '../../storage/index.js';
import type { RecordedSubmission } from '../../storage/register/types.js';
import type { DocumentRow } from '../../storage/rows.js';
import { relayJobsFor } from '../relay/jobs.js';
import { followUpJobs } from '../notify/follow-ups.js';
import { recordAdminAction } from '../../storage/register/admin.js';

function recipientAgencies(config: Config, doc: DocumentRow): string[] {
  const directory = new AgencyDirectory(config.agencies);
  const ids: string[] = [];
  for (const address of JSON.parse(doc.recipients) as string[]) {
    const agency = directory.ownerOf(address);
    if (agency && !ids.includes(agency.id)) ids.push(agency.id);
  }
  return ids;
}

/** The relay, alert and reminder jobs the released document needs, from its envelope (as intake computes them). */
function releasedJobs(config: Config, doc: DocumentRow, at: Date) {
  const directory = new AgencyDirectory(config.agencies);
  const agencies = recipientAgencies(config, doc).map((id) => directory.get(id)!);
  const relay = relayJobsFor(directory, agencies, doc.envelopeFrom, JSON.parse(doc.recipients) as string[]);
  return { ...relay, jobs: followUpJobs(config, doc.urgency, agencies, relay.relayOnly ?? [], at) };
}

export interface Decision {
  trackingId: string;
  actor: string;
  note: string | null;
  at: Date;
}

/** Throws QuarantineStateError when the document is not held. */
export async function releaseHeld(config: Config, storage: Storage, doc: DocumentRow, d: Decision): Promise<RecordedSubmission> {
  return storage.writes.run(async (t) => {
    const released = await storage.register.releaseQuarantined(t, {
      trackingId: d.trackingId,
      at: d.at,
      actor: d.actor,
      note: d.note,
      recipientAgencyIds: recipientAgencies(config, doc),
      year: registerYear(d.at, config.docgate.timezone),
      ...releasedJobs(config, doc, d.at),
    });
    const action = { actor: d.actor, action: 'quarantine-release' as const, subject: d.trackingId, documentId: d.trackingId, note: d.note, at: d.at };
    await recordAdminAction(storage, { ...action, agencyId: doc.senderAgencyId }, t);
    return released;
  });
}

export async function rejectHeld(storage: Storage, d: Decision): Promise<void> {
  await storage.writes.run(async (t) => {
    await storage.register.rejectQuarantined(t, { trackingId: d.trackingId, at: d.at, actor: d.actor, note: d.note });
    await recordAdminAction(
      storage,
      { actor: d.actor, action: 'quarantine-reject', subject: d.trackingId, documentId: d.trackingId, note: d.note, at: d.at },
      t,
    );
  });
}
