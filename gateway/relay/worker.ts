// The relay worker: claims due relay jobs (a lease, through the single writer), sends each document's
// stored bytes (trace prefix + submitted bytes, exactly what IMAP serves) to the agency's server, and
// records the outcome, a register event and, when owed, a DSN in the sender's "Thông báo" folder — in
// one transaction. A process killed mid-send leaves the job claimed; its lease runs out and it is sent
// again (at-least-once: the peer deduplicates by Message-ID / X-Docgate-Tracking-Id, see README).

import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import { parseMimeBuffer, structureOf } from '../../policies/mime/parser.js';
import type { Storage } from '../../storage/index.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { storeBlob } from '../../storage/mailbox/spool-file.js';
import type { JobRow } from '../../storage/queue/repository.js';
import type { DeliveredRow, DocumentRow, RelayEventStatus } from '../../storage/rows.js';
import type { JobInput } from '../../storage/register/types.js';
import { noticeJob } from '../../storage/notices/jobs.js';
import type { MailboxEvents } from '../events.js';
import { headerBlockOf } from '../intake/header-block.js';
import { JobLoop } from '../jobs/job-loop.js';
import { composeDsn } from './dsn.js';
import { recipientCopyRowId } from '../../storage/register/recipient-copy.js';
import { mailboxStoreOf, type SqlMailboxStore } from '../../storage/mailbox/sql-store.js';
import { decide, type Decision } from './schedule.js';
import { resolveTarget, type ResolvedTarget } from './target.js';
import { send, SmtpPools, type SendOutcome } from './transports.js';

const RELAY_JOB = 'relay';

export interface RelayWorkerDeps {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  events: MailboxEvents;
  log: Logger;
  now: () => Date;
  /** Jobs a delivery owes (urgent alerts of a relay-only agency), queued with the outcome; wake() after the commit. */
  afterDelivery?: { jobs(doc: DocumentRow, agencyId: string): JobInput[]; wake(): void };
  /** Called after a commit that queued notice jobs (wakes the notice worker). */
  onNoticesQueued?: () => void;
}

interface RelayPayload {
  from: string;
  to: string[];
}

export class RelayWorker {
  private readonly loop: JobLoop;
  private readonly pools: SmtpPools;
  /** The bytes as served over IMAP, read through the mailbox store (trace prefix, then blob). */
  private readonly messages: SqlMailboxStore;

  constructor(private readonly deps: RelayWorkerDeps) {
    this.messages = mailboxStoreOf(deps.storage);
    const relay = deps.config.docgate.relay;
    this.pools = new SmtpPools(relay.concurrency);
    this.loop = new JobLoop({
      kind: RELAY_JOB,
      storage: deps.storage,
      log: deps.log,
      now: deps.now,
      concurrency: relay.concurrency,
      leaseMs: relay.lease,
      pollMs: relay.pollInterval,
      handle: (job) => this.process(job),
    });
  }

  /** This worker's name in the queue and in register events (`relay:<id>`). */
  get id(): string {
    return this.loop.id;
  }

  start(): void {
    this.loop.start();
  }

  /** New jobs were committed: look now instead of at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  async close(): Promise<void> {
    await this.loop.close();
    this.pools.close();
  }

  private target(agencyId: string): ResolvedTarget | string {
    const agency = this.deps.agencies.get(agencyId);
    if (!agency?.relay) return `no relay target configured for ${agencyId}`;
    try {
      return resolveTarget(agency.relay, this.deps.config.configDir);
    } catch (err) {
      return `relay target of ${agencyId} unusable: ${(err as Error).message}`;
    }
  }

  /** What this recipient agency is served: its own copy (with its số đến) when it has one, else the document's row. */
  private async storedBytes(doc: DocumentRow, agencyId: string): Promise<Buffer> {
    const rowId = (await recipientCopyRowId(this.deps.storage.db.sequelize, doc.id, agencyId)) ?? doc.messageRowId!;
    const content = await this.messages.content(rowId);
    return this.messages.read(content, 0, content.size);
  }

  private async process(job: JobRow): Promise<void> {
    const { storage, config, log } = this.deps;
    const payload = JSON.parse(job.payload) as RelayPayload;
    const doc = await storage.register.findDocument(job.documentId);
    const target = this.target(job.agencyId);
    let outcome: SendOutcome;
    let raw: Buffer | null = null;
    if (!doc?.messageRowId) outcome = { kind: 'permanent', reply: `document ${job.documentId} has no stored message` };
    else if (typeof target === 'string') outcome = { kind: 'temporary', reply: target };
    else {
      raw = await this.storedBytes(doc, job.agencyId);
      outcome = await send(
        { target, from: payload.from, to: payload.to, raw, hostname: config.docgate.hostname, timeoutMs: config.docgate.relay.timeout },
        this.pools,
      );
    }
    const now = this.deps.now();
    const decision = decide(job, outcome, now, config.docgate.relay);
    const remote = typeof target === 'string' ? 'unknown' : target.display;
    const dsn = doc ? await this.prepareDsn(job, doc, payload, outcome, decision, now, target, raw) : null;
    let followUps = false;
    const delivered = await storage.writes.submit({
      syncDirs: dsn?.blob.syncDirs ?? [],
      run: async (t) => {
        const owned = await storage.queue.finish(t, {
          id: job.id,
          worker: this.id,
          status: decision.status,
          reply: outcome.reply,
          at: now,
          nextAttemptAt: decision.nextAttemptAt,
          warned: decision.dsn === 'delayed',
        });
        // Another worker took the job after our lease ran out: its outcome stands, ours is dropped.
        if (!owned) return null;
        const entry = await storage.register.incomingEntry(job.agencyId, job.documentId, t);
        const status: RelayEventStatus = decision.status === 'delivered' ? 'relayed' : decision.status === 'failed' ? 'relay-failed' : 'relay-deferred';
        const note = `${remote}: ${outcome.reply}`.slice(0, 2000);
        await storage.register.appendEvents(t, [
          { documentId: job.documentId, entryId: entry?.id ?? null, agencyId: job.agencyId, status, actor: `relay:${this.id}`, note, at: now },
        ]);
        const owed = decision.status === 'delivered' && doc ? (this.deps.afterDelivery?.jobs(doc, job.agencyId) ?? []) : [];
        if (owed.length > 0) {
          await storage.queue.enqueue(
            t,
            owed.map((j) => ({ kind: j.kind, documentId: job.documentId, agencyId: j.agencyId, payload: j.payload, at: j.at ?? now })),
          );
          followUps = true;
        }
        let keywords: DeliveredRow[] = [];
        if (decision.status === 'delivered' && doc) {
          // The sender's delivery receipt (and 01 when this is the arrival), made by the notice worker.
          const firstArrival = this.deps.agencies.get(job.agencyId)?.relay?.keepMailbox === false;
          await storage.queue.enqueue(t, [
            noticeJob(
              doc.id,
              doc.senderAgencyId,
              { event: 'relayed', agencyId: job.agencyId, remote, reply: outcome.reply, firstArrival, at: now.toISOString() },
              now,
            ),
          ]);
          keywords = await storage.register.refreshStatusKeywords(t, doc.id);
        }
        if (!dsn || !doc) return { dsn: null, keywords };
        if (dsn.action === 'delayed') {
          await storage.register.appendEvents(t, [
            {
              documentId: job.documentId,
              entryId: entry?.id ?? null,
              agencyId: job.agencyId,
              status: 'relay-delayed',
              actor: `relay:${this.id}`,
              note: 'warning DSN sent',
              at: now,
            },
          ]);
        }
        const delivered = await storage.register.recordNotice(t, {
          documentId: job.documentId,
          agencyId: doc.senderAgencyId,
          folder: FOLDERS.notices.name,
          blobSha256: dsn.blob.sha256,
          blobSize: dsn.blob.size,
          structure: dsn.structure,
          header: dsn.header,
          at: now,
        });
        return { dsn: delivered, keywords };
      },
    });
    if (delivered?.dsn) this.deps.events.publish({ ...delivered.dsn, kind: 'exists' });
    for (const copy of delivered?.keywords ?? []) this.deps.events.publish({ ...copy, kind: 'flags' });
    if (decision.status === 'delivered') this.deps.onNoticesQueued?.();
    if (followUps) this.deps.afterDelivery?.wake();
    log.info('relay attempt', {
      job: job.id,
      document: job.documentId,
      agency: job.agencyId,
      attempt: job.attempts,
      outcome: outcome.kind,
      status: decision.status,
      reply: outcome.reply,
      dsn: dsn?.action ?? null,
    });
  }

  /** The DSN owed for this attempt, stored as a blob (fsynced) before the transaction refers to it. */
  private async prepareDsn(
    job: JobRow,
    doc: DocumentRow,
    payload: RelayPayload,
    outcome: SendOutcome,
    decision: Decision,
    now: Date,
    target: ResolvedTarget | string,
    raw: Buffer | null,
  ) {
    const rejected = outcome.kind === 'delivered' ? outcome.rejected.filter((r) => /^5/.test(r.reply)) : [];
    const action = decision.dsn ?? (rejected.length > 0 ? 'failed' : null);
    if (action === null) return null;
    const { config } = this.deps;
    const bytes = raw ?? Buffer.alloc(0);
    const end = bytes.indexOf('\r\n\r\n');
    const bytesDsn = composeDsn({
      hostname: config.docgate.hostname,
      timeZone: config.docgate.timezone,
      document: doc,
      sender: { id: doc.senderAgencyId, name: this.deps.agencies.get(doc.senderAgencyId)?.name ?? doc.senderAgencyId },
      agencyId: job.agencyId,
      agencyName: this.deps.agencies.get(job.agencyId)?.name ?? job.agencyId,
      remoteHost: typeof target === 'string' ? 'unknown' : `${target.host}:${target.port}`,
      diagnosticType: typeof target !== 'string' && target.scheme.startsWith('imap') ? 'x-imap' : 'smtp',
      action,
      recipients: rejected.length > 0 ? rejected.map((r) => r.recipient) : payload.to,
      reply: rejected.length > 0 ? rejected[0].reply : outcome.reply,
      expired: action === 'failed' && outcome.kind === 'temporary',
      attempts: job.attempts,
      at: now,
      retryUntil: action === 'delayed' ? new Date(job.createdAt.getTime() + config.docgate.relay.giveUp) : null,
      originalHeader: end >= 0 ? bytes.subarray(0, end + 2) : Buffer.from(`Message-ID: ${doc.rfc822MessageId ?? ''}\r\n`, 'latin1'),
    });
    const parsed = await parseMimeBuffer(bytesDsn, { decode: false });
    const blob = await storeBlob(this.deps.storage.blobs, this.deps.storage.spoolDir, 'dsn', bytesDsn);
    return { action, blob, structure: JSON.stringify(structureOf(parsed.root)), header: headerBlockOf(bytesDsn, parsed.root.bodyStart) };
  }
}
