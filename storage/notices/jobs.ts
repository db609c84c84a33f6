// Notice jobs (table jobs, kind "notice"): what the sender is owed after an event, written in the
// event's own transaction (acceptance, release, relay 250, quarantine rejection) so that a process
// killed right after it still sends every receipt and notice. gateway/notify turns each into messages.

import type { NewJob } from '../queue/repository.js';

export const NOTICE_JOB = 'notice';

/** The document was accepted (or released): acceptance receipt, then 01 and a delivery receipt per mailbox recipient. */
interface AcceptedNotice {
  event: 'accepted';
  /** Recipient agencies given a copy in their docgate INBOX, in envelope order. */
  mailboxed: string[];
  at: string;
}

/** A recipient's own server took the document (relay 250): a delivery receipt, and 01 when it was its first arrival. */
interface RelayedNotice {
  event: 'relayed';
  agencyId: string;
  /** The peer, as shown to people (scheme://host:port). */
  remote: string;
  reply: string;
  /** No copy in the agency's docgate INBOX: this relay is the arrival (01). */
  firstArrival: boolean;
  at: string;
}

/** An administrator refused a held document: a return notice (02) with the note. */
interface QuarantineRejectedNotice {
  event: 'quarantine-rejected';
  actor: string;
  note: string | null;
  at: string;
}

export type NoticePayload = AcceptedNotice | RelayedNotice | QuarantineRejectedNotice;

/** The job row for a notice owed to the sender agency of `documentId`. */
export function noticeJob(documentId: string, senderAgencyId: string, payload: NoticePayload, at: Date): NewJob {
  return { kind: NOTICE_JOB, documentId, agencyId: senderAgencyId, payload, at };
}
