// Reminders (jobs of kind 'reminder', due at the recipient's filing deadline, queued with the acceptance):
// at the deadline, a recipient whose sổ đến entry is still 01 (neither filed 03 nor returned 02) gets a
// reminder in its INBOX and the sender a notice in "Thông báo", with a register event `reminder`, in
// one transaction. An entry that moved on makes the job end quietly: the reminder is no longer owed.

import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import type { Storage } from '../../storage/index.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import type { JobRow } from '../../storage/queue/repository.js';
import type { DeliveredRow } from '../../storage/rows.js';
import type { MailboxEvents } from '../events.js';
import { REMINDER_JOB, type ReminderPayload } from './follow-ups.js';
import { JobLoop } from '../jobs/job-loop.js';
import { noticeFields, prepareNotice } from './prepared.js';
import { composeReminder } from './reminder-message.js';

export interface ReminderWorkerDeps {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  events: MailboxEvents;
  log: Logger;
  now: () => Date;
}

export class ReminderWorker {
  private readonly loop: JobLoop;

  constructor(private readonly deps: ReminderWorkerDeps) {
    this.loop = new JobLoop({
      kind: REMINDER_JOB,
      storage: deps.storage,
      log: deps.log,
      now: deps.now,
      concurrency: 2,
      leaseMs: 60_000,
      pollMs: deps.config.docgate.reminders.pollInterval,
      handle: (job, worker) => this.process(job, worker),
    });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  close(): Promise<void> {
    return this.loop.close();
  }

  private async process(job: JobRow, worker: string): Promise<void> {
    const { storage, config, agencies, log } = this.deps;
    const now = this.deps.now();
    const entry = await storage.register.incomingEntry(job.agencyId, job.documentId);
    const doc = await storage.register.findDocument(job.documentId);
    const recipient = agencies.get(job.agencyId);
    if (!entry || entry.status !== '01' || !doc || !recipient) {
      await storage.writes.run((t) =>
        storage.queue.finish(t, { id: job.id, worker, status: 'dropped', reply: `not owed: entry ${entry?.status ?? 'missing'}`, at: now }),
      );
      return;
    }
    const payload = JSON.parse(job.payload) as ReminderPayload;
    const base = {
      hostname: config.docgate.hostname,
      timeZone: config.docgate.timezone,
      document: doc,
      recipient,
      senderName: agencies.get(doc.senderAgencyId)?.name ?? doc.senderAgencyId,
      incomingNumber: entry.number,
      deadline: new Date(payload.deadline),
      at: now,
    };
    const toRecipient = await prepareNotice(storage, 'reminder', await composeReminder({ ...base, to: 'recipient' }));
    const toSender = await prepareNotice(storage, 'notice', await composeReminder({ ...base, to: 'sender' }));
    const delivered = await storage.writes.submit({
      syncDirs: [...toRecipient.blob.syncDirs, ...toSender.blob.syncDirs],
      run: async (t): Promise<DeliveredRow[]> => {
        const owned = await storage.queue.finish(t, { id: job.id, worker, status: 'delivered', reply: 'reminded', at: now });
        if (!owned) return [];
        // Filed while the messages were being written: the status check in the transaction decides.
        const current = await storage.register.incomingEntry(job.agencyId, job.documentId, t);
        if (current?.status !== '01') return [];
        const rows = [
          await storage.register.recordNotice(t, {
            documentId: doc.id,
            agencyId: recipient.id,
            folder: FOLDERS.inbox.name,
            ...noticeFields(toRecipient),
            at: now,
          }),
          await storage.register.recordNotice(t, {
            documentId: doc.id,
            agencyId: doc.senderAgencyId,
            folder: FOLDERS.notices.name,
            ...noticeFields(toSender),
            at: now,
          }),
        ];
        await storage.register.appendEvents(t, [
          {
            documentId: doc.id,
            entryId: entry.id,
            agencyId: recipient.id,
            status: 'reminder',
            actor: 'reminder',
            note: `deadline ${payload.deadline} passed without 02/03; reminder to ${recipient.id}, notice to ${doc.senderAgencyId}`,
            at: now,
          },
        ]);
        return rows;
      },
    });
    for (const d of delivered) this.deps.events.publish({ ...d, kind: 'exists' });
    log.info('reminder', { job: job.id, document: doc.id, agency: recipient.id, sent: delivered.length > 0 });
  }
}
