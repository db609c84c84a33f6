// Registering a paper document (Quy chế Điều 8.2) the way a mailed one is registered: docgate writes a
// message around the scan (the register fields as form lines, the PDF attached), and that message goes
// through the same parse, the same form-line reading (policies/metadata) and the same policy checks
// as a submission, except the ones that judge an electronic sender: sender-header, the S/MIME and PDF
// signature checks (a scan carries no digital signature; the clerk vouches for the paper) and
// classification (paper-copy and late-sending warnings are about electronic sending). A refusal
// names the same reason code a mailed document would get. Accepted, it is numbered in the agency's
// sổ đến from the shared counter and a copy lands in its INBOX.

import { createHash } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import libmime from 'libmime';
import mimeTypes from 'mime-types';
import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import type { Agency } from '../../config/schema.js';
import { buildInboundMessage } from '../../policies/build-message.js';
import { PolicyEngine } from '../../policies/engine.js';
import { ByteBudget } from '../../policies/files/budget.js';
import { scanStream } from '../../policies/malware/clamd.js';
import { parseMimeFile, structureOf } from '../../policies/mime/parser.js';
import type { PolicyConfig } from '../../policies/policy-file.js';
import { registerYear } from '../../policies/text/dates.js';
import type { Verdict } from '../../policies/types.js';
import type { Storage } from '../../storage/index.js';
import { readHeaderBlock } from '../intake/header-block.js';
import { fileRows, inspectedFiles } from '../intake/inspect.js';
import { newTrackingId, rfc5322Date } from '../intake/trace.js';
import { PAPER_FIELDS, type PaperField } from './fields.js';

/** Checks that judge an electronic sender, not a document: not run on a paper document's scan. */
const SENDER_CHECKS = new Set(['sender-header', 'smime-signature', 'pdf-signature', 'office-signature', 'classification']);

export interface PaperInput {
  agency: Agency;
  /** Cơ quan ban hành: a mã định danh (one of ours or not) or the issuing agency's name. */
  issuer: string;
  fields: Partial<Record<PaperField, string>>;
  file: string;
  actor: string;
}

export type PaperOutcome = { kind: 'registered'; trackingId: string; number: number; year: number; verdict: Verdict } | { kind: 'refused'; verdict: Verdict };

export interface PaperDeps {
  config: Config;
  agencies: AgencyDirectory;
  storage: Storage;
  policy: PolicyConfig;
  log: Logger;
  now: () => Date;
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/**
 * The message docgate writes around a scan: form lines in a UTF-8 text part, the file attached with
 * the type its name declares, as a mail client would attach it (so a misnamed file meets the same checks).
 */
function paperMessage(input: PaperInput, trackingId: string, at: Date, config: Config, pdf: Buffer): Buffer {
  const boundary = `docgate-paper-${trackingId}`;
  const address = input.agency.addresses[0] ?? `van-thu@${input.agency.domain}`;
  const name = path.basename(input.file).normalize('NFC');
  const form = [
    `Cơ quan ban hành: ${input.issuer}`,
    ...Object.entries(PAPER_FIELDS).flatMap(([key, label]) => {
      const value = input.fields[key as PaperField];
      return value === undefined ? [] : [`${label}: ${value}`];
    }),
    `Văn bản chính: ${name}`,
    '',
    `Văn bản giấy, vào sổ bởi ${input.actor} / Paper document, registered by ${input.actor}`,
  ].join('\r\n');
  const summary = input.fields['trich-yeu'] ?? 'Văn bản giấy';
  const head = [
    `Message-ID: <${trackingId}.paper@${config.docgate.hostname}>`,
    `Date: ${rfc5322Date(at, config.docgate.timezone)}`,
    `From: ${libmime.encodeWord(input.agency.name, 'B')} <${address}>`,
    `To: <${address}>`,
    `Subject: ${libmime.encodeWords(summary, 'B', 52)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(form, 'utf8')),
    `--${boundary}`,
    `Content-Type: ${mimeTypes.lookup(name) || 'application/octet-stream'}; ${libmime
      .buildHeaderParam('name', name, 76)
      .map((p) => `${p.key}="${p.value}"`)
      .join(';\r\n ')}`,
    `Content-Disposition: attachment; ${libmime
      .buildHeaderParam('filename', name, 76)
      .map((p) => `${p.key}="${p.value}"`)
      .join(';\r\n ')}`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(pdf),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from([...head, '', ...parts].join('\r\n'), 'utf8');
}

/** The issuing agency as the checks see a sender: one of ours, or one named only. */
function issuerAgency(deps: PaperDeps, issuer: string): Agency {
  return deps.agencies.get(issuer) ?? { id: issuer, name: issuer, domain: 'paper.invalid', addresses: [], leaders: [], relay: null };
}

async function writeSpool(dir: string, name: string, data: Buffer): Promise<string> {
  const file = path.join(dir, name);
  const handle = await open(file, 'wx', 0o600);
  try {
    let done = 0;
    while (done < data.length) done += (await handle.write(data, done, data.length - done)).bytesWritten;
    await handle.sync();
  } finally {
    await handle.close();
  }
  return file;
}

export async function registerPaperDocument(deps: PaperDeps, input: PaperInput): Promise<PaperOutcome> {
  const { config, storage } = deps;
  const at = deps.now();
  const trackingId = newTrackingId(at, config.docgate.timezone);
  const year = registerYear(at, config.docgate.timezone);
  const raw = paperMessage(input, trackingId, at, config, await readFile(input.file));
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const spooled = await writeSpool(storage.spoolDir, `${trackingId}.paper`, raw);
  let adopted = false;
  const mime = await parseMimeFile(spooled, {
    maxDepth: config.docgate.mime.maxDepth,
    maxParts: config.docgate.mime.maxParts,
    maxHeaderSize: config.docgate.smtp.maxHeaderSize,
    memoryLimit: config.docgate.mime.memoryLimit,
    tempDir: storage.spoolDir,
  });
  try {
    const engine = new PolicyEngine(
      { ...deps.policy, checks: deps.policy.checks.filter((c) => !SENDER_CHECKS.has(c.id)) },
      {
        timeZone: config.docgate.timezone,
        agencies: deps.agencies,
        log: deps.log,
        now: deps.now,
        services: {
          memoryBudget: new ByteBudget(config.docgate.inspection.memoryBudget),
          register: { findDuplicate: (q) => storage.register.findDuplicate(q) },
          clamd: { scan: scanStream },
        },
      },
    );
    const issuer = issuerAgency(deps, input.issuer);
    const message = await buildInboundMessage({
      trackingId,
      receivedAt: at,
      envelope: { mailFrom: '', rcptTo: input.agency.addresses.slice(0, 1) },
      sender: { account: input.actor, agency: issuer, remoteAddress: 'paper' },
      recipientAgencies: [input.agency],
      raw: { path: spooled, size: raw.length, sha256 },
      mime,
      allowedExtensions: engine.documentExtensions(),
    });
    const verdict = await engine.evaluate(message);
    if (verdict.action !== 'accept') return { kind: 'refused', verdict };
    const scan = message.attachments[0];
    // A scan is a PDF (Quy chế Điều 6: "pdf, born-digital or scanned"): an allowed Office file is still not one.
    if (!scan || scan.detected !== 'pdf') {
      const refusal = engine.decide(deps.policy, [
        { check: 'attachments', findings: [{ code: 'attachment-type', subject: scan?.filename ?? '' }], durationMs: 0 },
      ]);
      return { kind: 'refused', verdict: refusal };
    }
    const header = await readHeaderBlock(spooled, mime.root.bodyStart);
    const syncDirs = await storage.blobs.adopt(spooled, sha256);
    adopted = true;
    const m = message.metadata;
    const { record: _filed, ...stored } = verdict;
    const recorded = await storage.writes.submit({
      syncDirs,
      run: (t) =>
        storage.register.recordPaper(t, {
          trackingId,
          agencyId: input.agency.id,
          year,
          at,
          actor: input.actor,
          message: {
            blobSha256: sha256,
            blobSize: raw.length,
            prefix: `X-Docgate-Tracking-Id: ${trackingId}\r\nX-Docgate-Origin: paper\r\n`,
            structure: JSON.stringify(structureOf(mime.root)),
            header,
          },
          document: {
            rfc822MessageId: message.messageId,
            senderAgencyId: input.issuer,
            senderAccount: input.actor,
            envelopeFrom: '',
            recipients: JSON.stringify(input.agency.addresses.slice(0, 1)),
            subject: message.subject,
            documentNumber: m.documentNumber,
            signedDate: m.signedDate,
            signer: m.signer,
            documentType: m.documentType,
            summary: m.summary,
            urgency: m.urgency,
            confidentiality: m.confidentiality,
            metadata: JSON.stringify(m),
            reason: verdict.reason,
            verdict: JSON.stringify(stored),
            signature: null,
            paperCopyRequired: false,
          },
          files: fileRows(inspectedFiles(message), message.mainDocument),
          counterpartAgencyId: deps.agencies.get(input.issuer) ? input.issuer : null,
          note: `văn bản giấy / paper document`,
        }),
    });
    deps.log.info('paper document registered', { trackingId, agency: input.agency.id, number: recorded.number, actor: input.actor });
    return { kind: 'registered', trackingId, number: recorded.number, year, verdict };
  } finally {
    await mime.dispose();
    if (!adopted) await unlink(spooled).catch(() => undefined);
  }
}
