// The notice worker: claims notice jobs (written in the transaction of the event they report, so a
// kill -9 right after a 250 loses none), makes the receipts and status notices each job owes, stores
// them as blobs, and in one transaction delivers them to the sender's "Thông báo" folder, records each
// receipt as a register event and marks the job done. Signing happens here, after the 250, never on
// the SMTP path. A job that fails is tried again a minute later; a process killed mid-job leaves it
// claimed until its lease runs out, then another pass makes it again (its unused blobs are swept).

import { createHash } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import { parseMimeBuffer, structureOf } from '../../policies/mime/parser.js';
import type { Storage } from '../../storage/index.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { mailboxStoreOf, type SqlMailboxStore } from '../../storage/mailbox/sql-store.js';
import { storeBlob } from '../../storage/mailbox/spool-file.js';
import { NOTICE_JOB, type NoticePayload } from '../../storage/notices/jobs.js';
import type { JobRow } from '../../storage/queue/repository.js';
import type { NewRegisterEvent } from '../../storage/register/events.js';
import type { NoticeDelivery } from '../../storage/register/repository.js';
import type { DeliveredRow, DocumentRow, RegisterEntryRow } from '../../storage/rows.js';
import type { MailboxEvents } from '../events.js';
import { headerBlockOf } from '../intake/header-block.js';
import { JobLoop } from '../jobs/job-loop.js';
import type { SigningIdentity } from '../signing/identity.js';
import type { DeliveryFacts, NamedAgency } from './facts.js';
import { composeReceipt, type ReceiptInput } from './receipt.js';
import { composeStatusNotice } from './status-notice.js';

const RETRY_MS = 60_000;
const BATCH = 8;

export interface NoticeWorkerDeps {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  events: MailboxEvents;
  log: Logger;
  now: () => Date;
  /** The gateway's signing identity; receipts are made only with one (and notices.receipts on). */
  identity: SigningIdentity | null;
}

type MessageDigests = ReceiptInput['message'];

/** One message a job owes, and the register event that records it (receipts). */
interface Owed {
  bytes: Buffer;
  event: Omit<NewRegisterEvent, 'note'> | null;
}

/** A job with its messages made and stored as blobs, ready for the batch's transaction. */
interface PreparedJob {
  job: JobRow;
  stored: Awaited<ReturnType<NoticeWorker['store']>>[];
}

export class NoticeWorker {
  private readonly loop: JobLoop;
  private readonly messages: SqlMailboxStore;

  constructor(private readonly deps: NoticeWorkerDeps) {
    this.messages = mailboxStoreOf(deps.storage);
    const notices = deps.config.docgate.notices;
    this.loop = new JobLoop({
      kind: NOTICE_JOB,
      storage: deps.storage,
      log: deps.log,
      now: deps.now,
      batch: BATCH,
      leaseMs: notices.lease,
      pollMs: notices.pollInterval,
      handleBatch: (jobs) => this.batch(jobs),
    });
  }

  /** This worker's name in the queue. */
  get id(): string {
    return this.loop.id;
  }

  start(): void {
    this.loop.start();
  }

  /** A commit in this process queued notice jobs: look now instead of at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  close(): Promise<void> {
    return this.loop.close();
  }

  /**
   * Documents side by side: each one's messages made and stored as blobs in parallel (its jobs in job
   * order, its acceptance receipt before later notices), then one transaction for the whole batch that
   * finishes every job it still owns, delivers their messages and records the receipts. A document whose
   * messages could not be made is tried again later on its own; the others go on.
   */
  private async batch(jobs: JobRow[]): Promise<void> {
    const byDocument = new Map<string, JobRow[]>();
    for (const job of jobs) byDocument.set(job.documentId, [...(byDocument.get(job.documentId) ?? []), job]);
    const prepared = await Promise.all([...byDocument.values()].map((own) => this.prepare(own)));
    const ready = prepared.filter((p): p is PreparedJob[] => p !== null).flat();
    if (ready.length === 0) return;
    const { storage, log } = this.deps;
    try {
      const delivered = await storage.writes.submit({
        syncDirs: ready.flatMap((p) => p.stored.flatMap((s) => s.blob.syncDirs)),
        run: (t) => this.deliver(t, ready),
      });
      for (const row of delivered) this.deps.events.publish({ ...row, kind: 'exists' });
      log.info('notices delivered', {
        jobs: ready.map((p) => p.job.id),
        documents: new Set(ready.map((p) => p.job.documentId)).size,
        messages: delivered.length,
      });
    } catch (err) {
      await this.retryLater(
        ready.map((p) => p.job),
        err,
      );
    }
  }

  /** A document's jobs with the messages each owes, stored; null when they could not be made (retried later). */
  private async prepare(jobs: JobRow[]): Promise<PreparedJob[] | null> {
    const { storage } = this.deps;
    try {
      const doc = await storage.register.findDocument(jobs[0].documentId);
      // The sender's copy is read and hashed once for all of this document's receipts.
      const payloads = jobs.map((job) => JSON.parse(job.payload) as NoticePayload);
      const wantsReceipts = this.receiptsOn() && payloads.some((p) => p.event !== 'quarantine-rejected');
      const digests = doc && wantsReceipts ? await this.digests(doc) : null;
      const owedByJob = doc ? await Promise.all(payloads.map((payload) => this.owed(payload, doc, digests))) : jobs.map(() => []);
      const storedByJob = await Promise.all(owedByJob.map((owed) => Promise.all(owed.map((o) => this.store(o)))));
      return jobs.map((job, i) => ({ job, stored: storedByJob[i] }));
    } catch (err) {
      await this.retryLater(jobs, err);
      return null;
    }
  }

  /** In the batch's transaction: the jobs this worker still owns finished, their messages delivered, receipts recorded. */
  private async deliver(t: Transaction, ready: PreparedJob[]): Promise<DeliveredRow[]> {
    const { storage } = this.deps;
    const now = this.deps.now();
    const notices: NoticeDelivery[] = [];
    const events: NewRegisterEvent[] = [];
    for (const { job, stored } of ready) {
      const owned = await storage.queue.finish(t, { id: job.id, worker: this.id, status: 'delivered', reply: `${stored.length} message(s)`, at: now });
      if (!owned) continue;
      for (const s of stored) {
        notices.push({
          documentId: job.documentId,
          agencyId: job.agencyId,
          folder: FOLDERS.notices.name,
          blobSha256: s.blob.sha256,
          blobSize: s.blob.size,
          structure: s.structure,
          header: s.header,
          at: now,
        });
        if (s.event) events.push({ ...s.event, note: `receipt sha256 ${s.blob.sha256}` });
      }
    }
    const rows = await storage.register.recordNotices(t, notices);
    await storage.register.appendEvents(t, events);
    return rows;
  }

  private async retryLater(jobs: JobRow[], err: unknown): Promise<void> {
    const { storage, log } = this.deps;
    log.error('notice jobs failed, retrying later', { jobs: jobs.map((j) => j.id), documents: [...new Set(jobs.map((j) => j.documentId))], err });
    const retryAt = new Date(this.deps.now().getTime() + RETRY_MS);
    const reply = String((err as Error).message ?? err).slice(0, 2000);
    await storage.writes
      .run(async (t) => {
        for (const job of jobs)
          await storage.queue.finish(t, { id: job.id, worker: this.id, status: 'queued', reply, at: this.deps.now(), nextAttemptAt: retryAt });
      })
      .catch(() => undefined);
  }

  private async store(o: Owed) {
    const parsed = await parseMimeBuffer(o.bytes, { decode: false });
    const blob = await storeBlob(this.deps.storage.blobs, this.deps.storage.spoolDir, 'notice', o.bytes);
    return { blob, event: o.event, structure: JSON.stringify(structureOf(parsed.root)), header: headerBlockOf(o.bytes, parsed.root.bodyStart) };
  }

  private named(agencyId: string): NamedAgency {
    return { id: agencyId, name: this.deps.agencies.get(agencyId)?.name ?? agencyId };
  }

  /** SHA-256 and size of the stored bytes, and SHA-256 of the sender's copy as IMAP serves it. */
  private async digests(doc: DocumentRow): Promise<MessageDigests> {
    const content = await this.messages.content(doc.messageRowId!);
    const served = createHash('sha256');
    for await (const chunk of this.messages.stream(content, 0, content.size)) served.update(chunk as Buffer);
    return { sha256: content.blobSha256, size: content.size - content.prefix.length, servedSha256: served.digest('hex') };
  }

  private receiptsOn(): boolean {
    return this.deps.identity !== null && this.deps.config.docgate.notices.receipts;
  }

  private async owed(payload: NoticePayload, doc: DocumentRow, digests: MessageDigests | null): Promise<Owed[]> {
    const { config } = this.deps;
    const common = { hostname: config.docgate.hostname, timeZone: config.docgate.timezone, document: doc, sender: this.named(doc.senderAgencyId) };
    const at = new Date(payload.at);
    const entries = await this.deps.storage.register.entriesOf(doc.id);
    const incoming = (agencyId: string): RegisterEntryRow | undefined => entries.find((e) => e.book === 'incoming' && e.agencyId === agencyId);
    if (payload.event === 'quarantine-rejected') {
      const note = payload.note ?? null;
      const reason = note ? { vi: note, en: note } : { vi: 'Không ghi lý do', en: 'No reason given' };
      return [
        { bytes: composeStatusNotice({ ...common, recipient: null, status: '02', incomingNumber: null, actor: payload.actor, at, reason }), event: null },
      ];
    }
    const receipts = digests !== null;
    const owed: Owed[] = [];
    const receipt = (delivery: DeliveryFacts | null, entry: RegisterEntryRow | undefined): Owed => ({
      bytes: composeReceipt(this.deps.identity!, {
        ...common,
        at,
        signedAt: this.deps.now(),
        message: digests!,
        delivery,
        incomingNumber: entry?.number ?? null,
      }).bytes,
      event: {
        documentId: doc.id,
        entryId: entry?.id ?? null,
        agencyId: delivery?.agency.id ?? doc.senderAgencyId,
        status: delivery ? 'receipt-delivered' : 'receipt-accepted',
        actor: 'docgate',
        at,
      },
    });
    const arrived = (delivery: DeliveryFacts, entry: RegisterEntryRow | undefined): Owed => ({
      bytes: composeStatusNotice({
        ...common,
        recipient: delivery.agency,
        status: '01',
        incomingNumber: entry?.number ?? null,
        actor: null,
        at,
        reason: null,
        delivery,
      }),
      event: null,
    });
    if (payload.event === 'accepted') {
      const outgoing = entries.find((e) => e.book === 'outgoing');
      if (receipts) owed.push(receipt(null, outgoing));
      for (const agencyId of payload.mailboxed) {
        const delivery: DeliveryFacts = { agency: this.named(agencyId), via: 'mailbox', where: FOLDERS.inbox.name, reply: null };
        owed.push(arrived(delivery, incoming(agencyId)));
        if (receipts) owed.push(receipt(delivery, incoming(agencyId)));
      }
      return owed;
    }
    const delivery: DeliveryFacts = { agency: this.named(payload.agencyId), via: 'relay', where: payload.remote, reply: payload.reply };
    if (payload.firstArrival) owed.push(arrived(delivery, incoming(payload.agencyId)));
    if (receipts) owed.push(receipt(delivery, incoming(payload.agencyId)));
    return owed;
  }
}
