// Which relay jobs an accepted document needs: one per recipient agency with its own server, carrying
// only that agency's RCPT TO addresses; and which agencies get no copy in docgate's own mailbox
// (relay.keepMailbox: false). Used by intake and by a quarantine release, so both queue the same jobs.

import type { AgencyDirectory } from '../../config/agencies.js';
import type { Agency } from '../../config/schema.js';
import type { SubmissionRecord } from '../../storage/register/types.js';

export function relayJobsFor(
  agencies: AgencyDirectory,
  recipients: Agency[],
  mailFrom: string,
  rcptTo: string[],
): Pick<SubmissionRecord, 'relay' | 'relayOnly'> {
  const relayed = recipients.filter((a) => a.relay !== null);
  if (relayed.length === 0) return {};
  return {
    relay: relayed.map((a) => ({ agencyId: a.id, payload: { from: mailFrom, to: rcptTo.filter((r) => agencies.ownerOf(r)?.id === a.id) } })),
    relayOnly: relayed.filter((a) => a.relay!.keepMailbox === false).map((a) => a.id),
  };
}
