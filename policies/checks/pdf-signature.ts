// PDF signatures (Quy chế Điều 9: the leader's and the seal's signatures inside the document): every
// signature of every PDF attachment, and of PDFs inside zip/rar, must cover its revision exactly
// (/ByteRange), verify with the same CMS, chain, key-usage, CRL, algorithm and signing-time rules as
// S/MIME (policies/smime/verify.ts), and no later incremental update may change what was signed beyond
// what the policy allows. Unsigned PDFs pass (Điều 3.2) unless policy requires a signature.

import { z } from 'zod';
import { durationSchema, sizeSchema } from '../../config/units.js';
import type { Attachment, InboundMessage } from '../message.js';
import { withAttachmentBytes } from '../files/content.js';
import { forEachMember, type InspectState } from '../files/inspect.js';
import { extensionOf } from '../files/names.js';
import { embeddedRevocation } from '../pdf/dss.js';
import { changesAfterSigning, docMdpRules, type AfterSigningRules } from '../pdf/revisions.js';
import type { PdfSignatureRecord } from '../pdf/record.js';
import { findSignatures, type PdfSignatureField } from '../pdf/signatures.js';
import { CmsError, parseSignedData } from '../smime/cms.js';
import { DerError } from '../smime/der.js';
import { findingsOf, signerVerified, type SignatureResult } from '../smime/report.js';
import { CrlRevocationSource, EmbeddedOcspRevocationSource, type RevocationSource } from '../smime/revocation.js';
import { bufferRangesContent } from '../smime/signed-content.js';
import { verifySignedData, type SignerIssue, type SignerResult } from '../smime/verify.js';
import { foldKey } from '../text/vietnamese.js';
import { bindingIssue, DOCUMENT_SIGNING_USAGES, headerToken, signerRecordOf } from '../smime/signer-identity.js';
import type { CheckDefinition, CheckReport, PolicyContext } from '../types.js';
import { INTERNAL_ARCHIVE_LIMITS } from '../archive/types.js';

const revocationHandling = z.enum(['accept', 'reject', 'defer']);

const options = z.strictObject({
  /** The signed signingTime is used only this close to the arrival (a PDF is often signed days before it is sent). */
  signingTimeSkew: durationSchema.default(30 * 24 * 3_600_000),
  revocation: z.strictObject({ missing: revocationHandling.default('reject'), stale: revocationHandling.default('defer') }).prefault({}),
  timeStamp: z.strictObject({ acceptExpired: z.boolean().default(true), untrusted: z.enum(['ignore', 'reject']).default('ignore') }).prefault({}),
  /** none: unsigned PDFs pass (Điều 3.2); all: the main document must be a signed PDF; or only for these document types. */
  require: z.union([z.enum(['none', 'all']), z.strictObject({ documentTypes: z.array(z.string()).min(1) })]).default('none'),
  /** The main PDF must also carry a verified organisation certificate's signature (the seal, dấu): signature-required. */
  requireSeal: z.boolean().default(false),
  /** The organisation in every signer's certificate (O, OU or the agency's mã định danh) must be the sending agency. */
  binding: z.boolean().default(false),
  /**
   * What incremental updates after a signature may do, unless a certification signature's DocMDP
   * permission (/P) decides: further signatures, annotations, form field values.
   */
  afterSigning: z
    .strictObject({ annotations: z.boolean().default(true), formFields: z.boolean().default(false), signatures: z.boolean().default(true) })
    .prefault({}),
  /** Also verify PDFs inside zip/rar attachments. */
  archiveMembers: z.boolean().default(true),
  /** PDFs larger than this are not held in memory for verification (signature-invalid). */
  maxPdfSize: sizeSchema.default(64 * 1024 * 1024),
});

export type PdfSignatureOptions = z.output<typeof options>;

const REVOCATION_SOURCES = [new CrlRevocationSource()];
const ARCHIVE_LIMITS = { ...INTERNAL_ARCHIVE_LIMITS, maxTotalSize: 128 * 1024 * 1024 };

interface PdfFile {
  label: string;
  data: Buffer;
}

function required(message: InboundMessage, o: PdfSignatureOptions): boolean {
  if (o.require === 'none') return false;
  if (o.require === 'all') return true;
  const type = message.metadata.documentType;
  return type !== null && o.require.documentTypes.some((t) => foldKey(t) === foldKey(type));
}

async function collectPdfs(
  message: InboundMessage,
  ctx: PolicyContext<PdfSignatureOptions, 'trust' | 'memoryBudget'>,
  visit: (file: PdfFile, attachment: Attachment) => Promise<void>,
): Promise<void> {
  for (const attachment of message.attachments) {
    const extension = extensionOf(attachment.filename ?? '');
    const label = attachment.filename ?? `part ${attachment.path}`;
    if (attachment.size > ctx.options.maxPdfSize && extension === 'pdf') throw new TooLarge(label, attachment.size);
    if (extension === 'pdf' && attachment.detected === 'pdf') {
      await withAttachmentBytes(attachment, ctx, (data) => visit({ label, data }, attachment));
    } else if (ctx.options.archiveMembers && (extension === 'zip' || extension === 'rar') && attachment.detected === extension) {
      await withAttachmentBytes(attachment, ctx, async (data) => {
        const state: InspectState = { counter: { inflated: 0 }, findings: [], signal: ctx.signal, maxFindings: 1 };
        // Archive safety is the attachments check's finding; here only well-formed members are read.
        await forEachMember(label, extension, data, ARCHIVE_LIMITS, state, async (entry, member) => {
          if (extensionOf(entry.name) === 'pdf' && member.subarray(0, 5).toString('latin1') === '%PDF-')
            await visit({ label: `${label}/${entry.name}`, data: member }, attachment);
        });
      });
    }
  }
}

class TooLarge extends Error {
  constructor(
    readonly label: string,
    readonly size: number,
  ) {
    super(`${label} is ${size} bytes`);
  }
}

async function verifyOne(
  file: PdfFile,
  sig: PdfSignatureField,
  objects: ReturnType<typeof findSignatures>['objects'],
  sources: readonly RevocationSource[],
  rules: AfterSigningRules,
  message: InboundMessage,
  ctx: PolicyContext<PdfSignatureOptions, 'trust' | 'memoryBudget'>,
  result: SignatureResult,
): Promise<PdfSignatureRecord> {
  const o = ctx.options;
  const where = `${file.label}${sig.field ? ` (${sig.field})` : ` (object ${sig.object})`}`;
  const problems: SignerIssue[] = sig.problems.map((p) => ({ code: p.code, detail: `${where}: ${p.detail}` }));
  const record: PdfSignatureRecord = {
    file: file.label,
    field: sig.field,
    kind: sig.kind,
    subFilter: sig.subFilter,
    byteRange: sig.byteRange,
    wholeFile: sig.signedEnd !== null && file.data.subarray(sig.signedEnd).toString('latin1').trim() === '',
    docMdp: sig.docMdp,
    changesAfterSigning: [],
    status: 'failed',
    signer: null,
  };
  if (sig.signedEnd !== null) {
    const changes = changesAfterSigning(file.data, objects, sig.signedEnd, rules);
    record.changesAfterSigning = changes.map((c) => ({ detail: c.detail, allowed: c.allowed }));
    // A later signature's own dictionary is an allowed change; any later signature that fails is reported on its own.
    const refused = changes.filter((c) => !c.allowed);
    if (refused.length > 0)
      problems.push({
        code: 'signature-partial',
        detail: `${where}: ${refused
          .slice(0, 5)
          .map((c) => c.detail)
          .join('; ')}`,
      });
  }
  let signer: SignerResult | null = null;
  if (sig.cms && sig.byteRange && sig.kind === 'signature' && !problems.some((p) => p.code === 'signature-invalid')) {
    const [a, b, c, l] = sig.byteRange;
    try {
      const sd = parseSignedData(sig.cms);
      if (sd.eContent !== null) problems.push({ code: 'signature-invalid', detail: `${where}: a detached PDF signature must not carry its own content` });
      else {
        const verified = await verifySignedData(
          sd,
          bufferRangesContent(file.data, [
            [a, a + b],
            [c, c + l],
          ]),
          ctx.services.trust,
          {
            arrival: ctx.now(),
            signingTimeSkewMs: o.signingTimeSkew,
            revocationSources: sources,
            missingRevocation: o.revocation.missing,
            staleRevocation: o.revocation.stale,
            timeStamps: { untrusted: o.timeStamp.untrusted, acceptExpired: o.timeStamp.acceptExpired },
            usages: DOCUMENT_SIGNING_USAGES,
          },
        );
        result.trustVersion = verified.trust.version;
        problems.push(...verified.problems.map((p) => ({ ...p, detail: `${where}: ${p.detail}` })));
        if (verified.signers.length > 1)
          problems.push({ code: 'signature-invalid', detail: `${where}: a PDF signature has one signer, this one has ${verified.signers.length}` });
        signer = verified.signers[0] ?? null;
      }
    } catch (err) {
      if (!(err instanceof CmsError) && !(err instanceof DerError)) throw err;
      problems.push({ code: 'signature-invalid', detail: `${where}: ${err.message}` });
    }
  }
  if (sig.cms && sig.byteRange && sig.kind === 'document-time-stamp' && !problems.some((p) => p.code === 'signature-invalid')) {
    // A document time-stamp (/DocTimeStamp, ETSI.RFC3161): an RFC 3161 token whose imprint is the hash of
    // the byte ranges, checked by the same code as S/MIME signature time-stamps.
    const [a, b, c, l] = sig.byteRange;
    const trust = await ctx.services.trust.current();
    const { verifyTimeStamps } = await import('../smime/timestamp.js');
    const [stamp] = await verifyTimeStamps(
      [sig.cms],
      Buffer.concat([file.data.subarray(a, a + b), file.data.subarray(c, c + l)]),
      trust,
      ctx.services.trust.certificates,
      sources,
      ctx.now(),
    );
    record.timeStamp = { status: stamp.status, genTime: stamp.genTime, tsa: stamp.tsa, detail: stamp.detail };
    if (stamp.status === 'invalid') problems.push({ code: 'signature-invalid', detail: `${where}: ${stamp.detail}` });
    else if (stamp.status === 'untrusted' && o.timeStamp.untrusted === 'reject')
      problems.push({ code: 'signature-untrusted', detail: `${where}: ${stamp.detail}` });
  }
  if (signer) {
    // The same certificate may sign several PDFs: each issue names the file and field it is about.
    for (const issue of signer.issues) issue.detail = `${where}: ${issue.detail}`;
    if (o.binding) {
      const issue = bindingIssue(signer, message);
      if (issue) signer.issues.push(issue);
    }
    signer.position = result.signers.length + 1;
    result.signers.push(signer);
    record.signer = signerRecordOf(signer);
  }
  result.problems.push(...problems);
  record.status = problems.length === 0 && signer !== null && signerVerified(signer) ? 'verified' : 'failed';
  if (sig.kind === 'document-time-stamp') record.status = problems.length === 0 && record.timeStamp?.status === 'trusted' ? 'verified' : 'failed';
  return record;
}

/** One X-Docgate-Pdf-Signature per signature (at most 10) for the recipient: what was verified, by whom. */
function traceHeaders(records: readonly PdfSignatureRecord[]): string[] {
  return records.slice(0, 10).map((r) => {
    const parts = [headerToken(r.file), `field=${headerToken(r.field ?? 'unnamed')}`, r.status];
    if (r.signer)
      parts.push(
        `signer=${headerToken(r.signer.name ?? r.signer.subject ?? 'unknown')}`,
        `role=${r.signer.role}`,
        `serial=${headerToken(r.signer.serial ?? 'unknown')}`,
        `signed=${r.signer.signedAt}`,
      );
    if (r.docMdp !== null) parts.push(`certified=P${r.docMdp}`);
    if (!r.wholeFile) parts.push('updated-after-signing');
    return `X-Docgate-Pdf-Signature: ${parts.join('; ')}`;
  });
}

export const pdfSignatureCheck: CheckDefinition<PdfSignatureOptions, 'trust' | 'memoryBudget'> = {
  id: 'pdf-signature',
  stage: 'content',
  description: 'Chu ky so trong PDF hop le, tin cay, khong bi sua sau khi ky / PDF signatures valid, trusted, unchanged since signing',
  options,
  needs: ['trust', 'memoryBudget'],
  timeoutMs: 30_000,
  async run(message, ctx) {
    const arrival = ctx.now();
    const result: SignatureResult = {
      signed: false,
      status: 'unsigned',
      format: null,
      reason: 'ok',
      checkedAt: arrival.toISOString(),
      trustVersion: null,
      micalg: null,
      signers: [],
      problems: [],
    };
    const records: PdfSignatureRecord[] = [];
    const mainIndex = message.mainDocument;
    let mainSigned = false;
    let firstFile: string | undefined;
    try {
      await collectPdfs(message, ctx, async (file, attachment) => {
        const found = findSignatures(file.data);
        result.problems.push(...found.problems.map((p) => ({ code: p.code, detail: `${file.label}: ${p.detail}` })));
        if (found.problems.length > 0) firstFile ??= file.label;
        // Configured CRLs first; the document's own /DSS CRLs and OCSP responses when those say nothing about a certificate.
        const dss = found.signatures.length > 0 ? embeddedRevocation(found.objects) : null;
        const sources = [
          ...REVOCATION_SOURCES,
          ...(dss && dss.crls.length > 0 ? [new CrlRevocationSource(dss.crls)] : []),
          ...(dss && dss.ocsps.length > 0 ? [new EmbeddedOcspRevocationSource(dss.ocsps)] : []),
        ];
        const certification = found.signatures.find((s) => s.docMdp !== null);
        const firstSignature = found.signatures.find((s) => s.kind === 'signature');
        if (certification && certification !== firstSignature)
          result.problems.push({
            code: 'signature-invalid',
            detail: `${file.label}: a certification (DocMDP) signature must be the document's first signature (ISO 32000-1 12.8.2.2)`,
          });
        for (const sig of found.signatures) {
          firstFile ??= file.label;
          // Everything after the certification signature answers to its permission, later signatures' updates included.
          const rules =
            certification &&
            certification.docMdp !== null &&
            certification.signedEnd !== null &&
            sig.signedEnd !== null &&
            sig.signedEnd >= certification.signedEnd
              ? docMdpRules(certification.docMdp)
              : ctx.options.afterSigning;
          records.push(await verifyOne(file, sig, found.objects, sources, rules, message, ctx, result));
          if (mainIndex !== null && message.attachments[mainIndex] === attachment && file.label === attachment.filename && sig.kind === 'signature')
            mainSigned = true;
        }
      });
    } catch (err) {
      if (!(err instanceof TooLarge)) throw err;
      result.problems.push({
        code: 'signature-invalid',
        detail: `${err.label}: ${err.size} bytes exceeds maxPdfSize ${ctx.options.maxPdfSize}, cannot be verified`,
      });
      firstFile = err.label;
    }
    result.signed = records.length > 0 || result.problems.length > 0;
    if (!mainSigned && required(message, ctx.options))
      result.problems.push({ code: 'signature-required', detail: 'policy requires the main document to be a signed PDF' });
    const main = mainIndex === null ? null : message.attachments[mainIndex];
    const sealed = records.some((r) => r.file === main?.filename && r.status === 'verified' && r.signer?.role === 'organisation');
    if (ctx.options.requireSeal && main && extensionOf(main.filename ?? '') === 'pdf' && !sealed) {
      result.problems.push({
        code: 'signature-required',
        detail: 'policy requires the seal: a verified signature with the organisation certificate on the main PDF',
      });
    }
    const findings = findingsOf(result, firstFile);
    result.reason = findings[0]?.code ?? 'ok';
    result.status = !result.signed ? 'unsigned' : findings.length === 0 ? 'verified' : 'failed';
    const report: CheckReport = {
      findings,
      data: { status: result.status, signatures: records },
      record: { pdfSignatures: records },
      headers: traceHeaders(records),
    };
    return report;
  },
};
