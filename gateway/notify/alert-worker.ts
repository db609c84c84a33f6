// Sends urgent alerts (jobs of kind 'alert'): an SMS through the configured webhook or an e-mail through
// the configured SMTP server, to one leader of the agency the document reached. Every attempt is a
// register event (alert-sent, or alert-failed with the webhook's HTTP status or the server's reply),
// written with the job's outcome in one transaction; a failure is tried again on the alerts schedule
// until maxAttempts, a permanent one (a 4xx from the webhook, a 5xx from the mail server) at once.

import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import type { Storage } from '../../storage/index.js';
import type { JobRow, JobStatus } from '../../storage/queue/repository.js';
import type { DocumentRow } from '../../storage/rows.js';
import { waitAfter } from '../relay/schedule.js';
import { resolveTarget } from '../relay/target.js';
import { send, SmtpPools } from '../relay/transports.js';
import { ALERT_JOB, type AlertPayload } from './alert-jobs.js';
import { composeAlertMail, smsFacts } from './alert-message.js';
import { JobLoop } from '../jobs/job-loop.js';
import { composeSmsText } from './sms-text.js';
import { callWebhook, readSecret } from './webhook.js';

export interface AlertWorkerDeps {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  log: Logger;
  now: () => Date;
}

type Attempt = { kind: 'sent' | 'temporary' | 'permanent'; reply: string };

export class AlertWorker {
  private readonly loop: JobLoop;
  private readonly pools: SmtpPools;

  constructor(private readonly deps: AlertWorkerDeps) {
    const a = deps.config.docgate.alerts;
    this.pools = new SmtpPools(a.concurrency);
    this.loop = new JobLoop({
      kind: ALERT_JOB,
      storage: deps.storage,
      log: deps.log,
      now: deps.now,
      concurrency: a.concurrency,
      leaseMs: a.lease,
      pollMs: a.pollInterval,
      handle: (job, worker) => this.process(job, worker),
    });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async close(): Promise<void> {
    await this.loop.close();
    this.pools.close();
  }

  private async attempt(job: JobRow, payload: AlertPayload, doc: DocumentRow): Promise<Attempt> {
    const { config, agencies } = this.deps;
    const agency = agencies.get(job.agencyId);
    if (!agency) return { kind: 'permanent', reply: `agency ${job.agencyId} no longer configured` };
    const senderName = agencies.get(doc.senderAgencyId)?.name ?? doc.senderAgencyId;
    const alerts = config.docgate.alerts;
    const tz = config.docgate.timezone;
    if (payload.channel === 'sms') {
      if (!alerts.sms) return { kind: 'permanent', reply: 'alerts.sms is no longer configured' };
      const text = composeSmsText(smsFacts(doc, agency, senderName, job.createdAt, tz), alerts.sms.encoding);
      const outcome = await callWebhook(alerts.sms, readSecret(alerts.sms, config.configDir), {
        phone: payload.leader.phone ?? '',
        text,
        agency: agency.name,
        agencyId: agency.id,
        leader: payload.leader.name,
        soKyHieu: doc.documentNumber ?? '',
        documentId: doc.id,
        urgency: doc.urgency ?? '',
      });
      return outcome;
    }
    if (!alerts.email) return { kind: 'permanent', reply: 'alerts.email is no longer configured' };
    const target = resolveTarget({ ...alerts.email, keepMailbox: true }, config.configDir);
    const raw = await composeAlertMail({
      hostname: config.docgate.hostname,
      timeZone: tz,
      from: alerts.email.from,
      to: payload.leader.email ?? '',
      leaderName: payload.leader.name,
      document: doc,
      agency,
      senderName,
      deliveredAt: job.createdAt,
    });
    const from = /<([^>]+)>/.exec(alerts.email.from)?.[1] ?? alerts.email.from;
    const sent = await send(
      { target, from, to: [payload.leader.email ?? ''], raw, hostname: config.docgate.hostname, timeoutMs: alerts.email.timeout },
      this.pools,
    );
    if (sent.kind === 'delivered') {
      return sent.rejected.length > 0 ? { kind: 'permanent', reply: sent.rejected[0].reply } : { kind: 'sent', reply: sent.reply };
    }
    return { kind: sent.kind, reply: sent.reply };
  }

  private async process(job: JobRow, worker: string): Promise<void> {
    const { storage, config, log } = this.deps;
    const alerts = config.docgate.alerts;
    const payload = JSON.parse(job.payload) as AlertPayload;
    const doc = await storage.register.findDocument(job.documentId);
    let outcome: Attempt;
    try {
      outcome = doc ? await this.attempt(job, payload, doc) : { kind: 'permanent', reply: `no document ${job.documentId}` };
    } catch (err) {
      outcome = { kind: 'temporary', reply: `error: ${(err as Error).message}` };
    }
    const now = this.deps.now();
    const last = outcome.kind === 'permanent' || job.attempts >= alerts.maxAttempts;
    const status: JobStatus = outcome.kind === 'sent' ? 'delivered' : last ? 'failed' : 'queued';
    const nextAttemptAt = status === 'queued' ? new Date(now.getTime() + waitAfter(job.attempts, alerts.schedule)) : undefined;
    const to = payload.channel === 'sms' ? payload.leader.phone : payload.leader.email;
    const tail = status === 'delivered' ? 'sent' : status === 'failed' ? 'gave up' : `retry at ${nextAttemptAt!.toISOString()}`;
    const note = `${payload.channel} ${payload.leader.name} <${to ?? ''}>: ${outcome.reply} (attempt ${job.attempts}/${alerts.maxAttempts}, ${tail})`.slice(
      0,
      2000,
    );
    await storage.writes.run(async (t) => {
      const owned = await storage.queue.finish(t, { id: job.id, worker, status, reply: outcome.reply, at: now, nextAttemptAt });
      if (!owned) return;
      const entry = await storage.register.incomingEntry(job.agencyId, job.documentId, t);
      await storage.register.appendEvents(t, [
        {
          documentId: job.documentId,
          entryId: entry?.id ?? null,
          agencyId: job.agencyId,
          status: outcome.kind === 'sent' ? 'alert-sent' : 'alert-failed',
          actor: `alert:${payload.channel}`,
          note,
          at: now,
        },
      ]);
    });
    log.info('alert attempt', { job: job.id, document: job.documentId, agency: job.agencyId, channel: payload.channel, status, reply: outcome.reply });
  }
}
