// One submission, end to end: spool → parse once → policy → blob store + register in one transaction
// → only then the answer. Network edges (SMTP) call receive() and turn its outcome into a reply.

import { unlink } from 'node:fs/promises';
import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Agency } from '../../config/schema.js';
import type { Verdict } from '../../policies/types.js';
import { RECORD_SUBMISSION, type Storage } from '../../storage/index.js';
import { registerYear } from '../../policies/text/dates.js';
import type { RecordedSubmission, SubmissionRecord } from '../../storage/register/types.js';
import type { DocumentStatus } from '../../storage/rows.js';
import type { MailboxEvents } from '../events.js';
import type { Logger } from '../../config/log.js';
import type { DocumentMetadata } from '../../policies/metadata/form.js';
import type { SubmissionFacts } from '../../policies/message.js';
import { spoolData, type SpoolViolation } from './spool.js';
import { ProcessingGate } from './gate.js';
import { readHeaderBlock } from './header-block.js';
import { fileRows, type InspectedContent } from './inspect.js';
import type { Inspector } from './inspect-pool.js';
import { newTrackingId, traceHeaders } from './trace.js';
import { relayJobsFor } from '../relay/jobs.js';
import { followUpJobs } from '../notify/follow-ups.js';

export interface SessionFacts {
  account: string;
  agency: Agency;
  remoteAddress: string;
  helo: string | undefined;
  tlsProtocol: string | undefined;
  tlsCipher: string | undefined;
  mailFrom: string;
  rcptTo: string[];
}

/** Milliseconds spent in each step of a submission (for the transaction's log line). */
interface IntakePhases {
  spool: number;
  parse?: number;
  policy?: number;
  store?: number;
}

export type IntakeOutcome = (
  | { kind: 'accepted'; trackingId: string; verdict: Verdict; recorded: RecordedSubmission }
  | { kind: 'returned'; trackingId: string; verdict: Verdict }
  | { kind: 'quarantined'; trackingId: string; verdict: Verdict }
  | { kind: 'refused'; violation: SpoolViolation }
  | { kind: 'deferred'; verdict: Verdict }
) & { phasesMs?: IntakePhases };

export interface IntakeDeps {
  config: Config;
  agencies: AgencyDirectory;
  storage: Storage;
  /**
   * Where submissions are parsed and checked: `threaded` (the inspection threads, or the main thread when
   * there are none) below inspection.largeMessage, `inline` (the main thread) the large ones.
   */
  inspectors: { threaded: Inspector; inline: Inspector };
  events: MailboxEvents;
  log: Logger;
  now: () => Date;
  /** Called after a commit that queued relay jobs (wakes the relay worker). */
  onRelayQueued?: () => void;
  /** Called after a commit that queued alert or reminder jobs (wakes their workers). */
  onJobsQueued?: () => void;
  /** Called after a commit that queued notice jobs: receipts and 01 notices (wakes the notice worker). */
  onNoticesQueued?: () => void;
}

/** A submission as intake files it: what it knew before reading, and what inspection found. */
type InspectedSubmission = Omit<SubmissionFacts, 'mime'> & { content: InspectedContent };

export class IntakeService {
  private readonly largeMessages: ProcessingGate;

  constructor(private readonly deps: IntakeDeps) {
    this.largeMessages = new ProcessingGate(deps.config.docgate.inspection.largeConcurrency);
  }

  async receive(stream: AsyncIterable<Buffer | string>, session: SessionFacts): Promise<IntakeOutcome> {
    const { config, storage, log } = this.deps;
    const smtp = config.docgate.smtp;
    let mark = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = Math.round((now - mark) * 10) / 10;
      mark = now;
      return ms;
    };
    const spooled = await spoolData(stream, storage.spoolDir, {
      maxSize: smtp.maxMessageSize,
      maxLineLength: smtp.maxLineLength,
      maxHeaderSize: smtp.maxHeaderSize,
    });
    const phasesMs: IntakePhases = { spool: lap() };
    if (spooled.violation) return { kind: 'refused', violation: spooled.violation, phasesMs };

    const receivedAt = this.deps.now();
    const trackingId = newTrackingId(receivedAt, config.docgate.timezone);
    let adopted = false;
    const large = spooled.size >= config.docgate.inspection.largeMessage;
    const releaseGate = large ? await this.largeMessages.acquire() : () => undefined;
    try {
      const recipientAgencies = this.recipientAgencies(session.rcptTo);
      const facts = {
        trackingId,
        receivedAt,
        envelope: { mailFrom: session.mailFrom, rcptTo: session.rcptTo },
        sender: { account: session.account, agency: session.agency, remoteAddress: session.remoteAddress },
        recipientAgencies,
        raw: { path: spooled.path, size: spooled.size, sha256: spooled.sha256 },
      };
      const inspector = large ? this.deps.inspectors.inline : this.deps.inspectors.threaded;
      const {
        verdict,
        content,
        phasesMs: inspected,
      } = await inspector.inspect({
        facts,
        parse: {
          maxDepth: config.docgate.mime.maxDepth,
          maxParts: config.docgate.mime.maxParts,
          maxHeaderSize: smtp.maxHeaderSize,
          memoryLimit: config.docgate.mime.memoryLimit,
          tempDir: storage.spoolDir,
        },
        maxMessageSize: smtp.maxMessageSize,
      });
      releaseGate();
      phasesMs.parse = inspected.parse;
      phasesMs.policy = inspected.policy;
      lap();
      if (verdict.action === 'defer') return { kind: 'deferred', verdict, phasesMs };

      const status: DocumentStatus = verdict.action === 'accept' ? 'accepted' : verdict.action === 'reject' ? 'returned' : 'quarantined';
      const header = await readHeaderBlock(spooled.path, content.bodyStart);
      const record = this.submissionRecord({ ...facts, content }, verdict, status, session, spooled.neutralisedHeaders, header);
      record.supersedes = await this.superseded(session.agency.id, content.metadata);
      const syncDirs = await storage.blobs.adopt(spooled.path, spooled.sha256);
      adopted = true;
      const recorded = await storage.writes.submit({
        syncDirs,
        run: (t) => storage.register.record(t, record),
        group: { key: RECORD_SUBMISSION, input: record },
      });
      phasesMs.store = lap();
      for (const delivery of recorded.deliveries) this.deps.events.publish({ ...delivery, kind: 'exists' });
      if (record.relay && status === 'accepted') this.deps.onRelayQueued?.();
      if (record.jobs?.length && status === 'accepted') this.deps.onJobsQueued?.();
      if (status === 'accepted') this.deps.onNoticesQueued?.();
      // The transaction's info line is gateway/smtp/session.ts's ('smtp transaction', with timings).
      log.debug('submission recorded', {
        trackingId,
        status,
        reason: verdict.reason,
        from: session.account,
        recipients: recipientAgencies.map((a) => a.id),
        size: spooled.size,
      });
      if (status === 'accepted') return { kind: 'accepted', trackingId, verdict, recorded, phasesMs };
      if (status === 'returned') return { kind: 'returned', trackingId, verdict, phasesMs };
      return { kind: 'quarantined', trackingId, verdict, phasesMs };
    } finally {
      releaseGate();
      if (!adopted) await unlink(spooled.path).catch(() => undefined);
    }
  }

  /** The earlier document a replacement or update names (the document-reference check refuses an unknown one). */
  private async superseded(senderAgencyId: string, m: DocumentMetadata): Promise<SubmissionRecord['supersedes']> {
    const named = m.replaces ?? m.updates;
    if (named === null) return undefined;
    const old = await this.deps.storage.register.latestByNumber(senderAgencyId, named.normalize('NFC').trim());
    return old ? { documentId: old.id, kind: m.replaces !== null ? 'replace' : 'update' } : undefined;
  }

  private recipientAgencies(rcptTo: string[]): Agency[] {
    const seen = new Map<string, Agency>();
    for (const address of rcptTo) {
      const agency = this.deps.agencies.ownerOf(address);
      if (agency && !seen.has(agency.id)) seen.set(agency.id, agency);
    }
    return [...seen.values()];
  }

  private submissionRecord(
    message: InspectedSubmission,
    verdict: Verdict,
    status: DocumentStatus,
    session: SessionFacts,
    neutralised: number,
    header: Buffer | null,
  ): SubmissionRecord {
    const config = this.deps.config.docgate;
    const warnings = verdict.warnings.map((w) => w.code);
    const prefix = traceHeaders({
      trackingId: message.trackingId,
      receivedAt: message.receivedAt,
      timeZone: config.timezone,
      hostname: config.hostname,
      helo: session.helo,
      remoteAddress: session.remoteAddress,
      tlsProtocol: session.tlsProtocol,
      tlsCipher: session.tlsCipher,
      account: session.account,
      recipients: session.rcptTo,
      warnings,
      extraFields: verdict.outcomes.flatMap((o) => (o.headers ?? []).filter((h) => /^X-Docgate-[A-Za-z0-9-]+: [\x20-\x7e]*$/.test(h))),
    });
    const signature = verdict.record.signature ?? null;
    // What checks filed separately (the signature) has its own column, not a second copy in the verdict.
    const { record: _filed, ...stored } = verdict;
    const { content } = message;
    const files = fileRows(content.files, content.mainDocument);
    const m = content.metadata;
    const relay = relayJobsFor(this.deps.agencies, message.recipientAgencies, session.mailFrom, session.rcptTo);
    return {
      trackingId: message.trackingId,
      receivedAt: message.receivedAt,
      year: registerYear(message.receivedAt, config.timezone),
      status,
      reason: verdict.reason,
      senderAgencyId: session.agency.id,
      senderAccount: session.account,
      envelopeFrom: session.mailFrom,
      envelopeRecipients: session.rcptTo,
      recipientAgencyIds: message.recipientAgencies.map((a) => a.id),
      message: { blobSha256: message.raw.sha256, blobSize: message.raw.size, prefix, structure: content.structure, header },
      rfc822MessageId: content.messageId,
      subject: content.subject,
      metadata: {
        documentNumber: m.documentNumber,
        signedDate: m.signedDate,
        signer: m.signer,
        documentType: m.documentType,
        summary: m.summary,
        urgency: m.urgency,
        confidentiality: m.confidentiality,
      },
      metadataJson: JSON.stringify(m),
      verdictJson: JSON.stringify(stored),
      signatureJson: signature ? JSON.stringify(signature) : null,
      paperCopyRequired: warnings.includes('paper-copy-required'),
      files,
      ...relay,
      jobs: followUpJobs(this.deps.config, m.urgency, message.recipientAgencies, relay.relayOnly ?? [], message.receivedAt),
      note: status === 'accepted' ? (neutralised > 0 ? `neutralised ${neutralised} X-Docgate header(s)` : null) : `${verdict.reason}: ${verdict.message.vi}`,
    };
  }
}
