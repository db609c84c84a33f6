// S/MIME signatures (Quy chế Điều 3, 8, 9): a signed message is accepted only when every signer's
// signature verifies over the exact received bytes of the whole top-level content, with a certificate
// from a configured licensed CA that was valid when signing, not revoked, fit for signing mail, and
// naming the sender. Unsigned messages pass unless policy requires a signature. The result object is
// kept with the document (register `signature`), and X-Docgate-Signature records it in the trace block.

import { z } from 'zod';
import { durationSchema, sizeSchema } from '../../config/units.js';
import type { InboundMessage } from '../message.js';
import { ContentTooLargeError } from '../mime/content.js';
import type { MimeNode } from '../mime/parser.js';
import { CmsError, parseSignedData, type SignedDataInfo } from '../smime/cms.js';
import { smimeLayout } from '../smime/layout.js';
import { findingsOf, signatureHeaders, signerVerified, type SignatureResult } from '../smime/report.js';
import { CrlRevocationSource } from '../smime/revocation.js';
import { bufferContent, fileRangeContent } from '../smime/signed-content.js';
import { verifySignedData, type SignedContent, type SignerResult } from '../smime/verify.js';
import { foldKey } from '../text/vietnamese.js';
import type { CheckDefinition, CheckReport, PolicyContext } from '../types.js';

const revocationHandling = z.enum(['accept', 'reject', 'defer']);

const options = z.strictObject({
  /** from: the certificate's e-mail must be the From address; agency: any address of the sender's agency. */
  binding: z.enum(['from', 'agency']).default('from'),
  /** The signed signingTime is trusted only this close to the arrival time; otherwise the arrival time is used. */
  signingTimeSkew: durationSchema.default(24 * 3_600_000),
  revocation: z
    .strictObject({
      /** No valid CRL for a certificate: accept, reject (signature-untrusted) or defer (4xx, try later). */
      missing: revocationHandling.default('reject'),
      /** The newest CRL is past its nextUpdate. */
      stale: revocationHandling.default('defer'),
    })
    .prefault({}),
  /** RFC 3161 signature time-stamps (unsigned attribute id-aa-signatureTimeStampToken) as proof of signing time. */
  timeStamp: z
    .strictObject({
      /** A trusted time-stamp inside the certificate's validity: a certificate expired since is accepted (no certificate-expired). */
      acceptExpired: z.boolean().default(true),
      /** A token whose TSA does not chain to the anchors (or is not a TSA certificate): ignore it, or reject (signature-untrusted). */
      untrusted: z.enum(['ignore', 'reject']).default('ignore'),
    })
    .prefault({}),
  /** Largest signature part (detached) or signed message (opaque) accepted for verification. */
  maxSignatureSize: sizeSchema.default(1024 * 1024),
  maxOpaqueSize: sizeSchema.default(32 * 1024 * 1024),
  /** When an unsigned document is refused (signature-required); otherwise Điều 3.2 accepts it. */
  require: z
    .strictObject({
      all: z.boolean().default(false),
      /** Sender agency identifiers whose documents must be signed. */
      agencies: z.array(z.string()).default([]),
      /** Document types (Loại văn bản, compared without diacritics) that must be signed. */
      documentTypes: z.array(z.string()).default([]),
    })
    .prefault({}),
});

export type SmimeOptions = z.output<typeof options>;

const REVOCATION_SOURCES = [new CrlRevocationSource()];

function emptyResult(arrival: Date, status: SignatureResult['status']): SignatureResult {
  return {
    signed: status !== 'unsigned',
    status,
    format: null,
    reason: 'ok',
    checkedAt: arrival.toISOString(),
    trustVersion: null,
    micalg: null,
    signers: [],
    problems: [],
  };
}

function report(result: SignatureResult, subject?: string): CheckReport {
  const findings = findingsOf(result, subject);
  result.reason = findings[0]?.code ?? 'ok';
  return { findings, data: result as unknown as Record<string, unknown>, record: { signature: result }, headers: signatureHeaders(result) };
}

function signatureRequired(message: InboundMessage, o: SmimeOptions): boolean {
  if (o.require.all || o.require.agencies.includes(message.sender.agency.id)) return true;
  const type = message.metadata.documentType;
  return type !== null && o.require.documentTypes.some((t) => foldKey(t) === foldKey(type));
}

function bind(signer: SignerResult, message: InboundMessage, ctx: PolicyContext<SmimeOptions>): void {
  if (signer.serial === null) return;
  const from = message.from[0]?.address ?? null;
  const bound =
    ctx.options.binding === 'from'
      ? from !== null && signer.emails.includes(from)
      : signer.emails.some((e) => ctx.agencies.belongsTo(e, message.sender.agency.id));
  if (bound) return;
  const names = signer.emails.length > 0 ? signer.emails.join(', ') : 'no e-mail address';
  const wanted = ctx.options.binding === 'from' ? `From ${from ?? '(none)'}` : `an address of agency ${message.sender.agency.id}`;
  signer.issues.push({ code: 'signer-mismatch', detail: `certificate names ${names}, expected ${wanted}` });
}

/** The CMS structure of a signature part (detached) or of the whole message (opaque), size-bounded. */
async function loadCms(node: MimeNode, limit: number): Promise<SignedDataInfo> {
  if (!node.content) throw new CmsError('the signature part has no content');
  try {
    return parseSignedData(await node.content.buffer(limit));
  } catch (err) {
    if (err instanceof ContentTooLargeError) throw new CmsError(`signature of ${err.size} bytes exceeds ${limit}`);
    throw err;
  }
}

export const smimeSignatureCheck: CheckDefinition<SmimeOptions, 'trust'> = {
  id: 'smime-signature',
  stage: 'content',
  description: 'S/MIME signature verified, trusted and bound to the sender / Chu ky so hop le, tin cay, dung nguoi gui',
  options,
  needs: ['trust'],
  timeoutMs: 20_000,
  async run(message, ctx) {
    const o = ctx.options;
    const arrival = ctx.now();
    const layout = await smimeLayout(message.mime.root, message.unwrapped?.root ?? null);
    if (layout.kind === 'encrypted') {
      const result = emptyResult(arrival, 'encrypted');
      result.problems.push({
        code: 'encrypted-content',
        detail: `part ${layout.node.path || '(top level)'} is CMS encrypted (${layout.node.contentType.value})`,
      });
      return report(result, layout.node.filename ?? (layout.node.path ? `part ${layout.node.path}` : layout.node.contentType.value));
    }
    if (layout.kind === 'partial') {
      const result = emptyResult(arrival, 'partial');
      result.problems.push({ code: 'signature-partial', detail: layout.detail });
      return report(result);
    }
    if (layout.kind === 'unsigned') {
      const result = emptyResult(arrival, 'unsigned');
      if (layout.note) result.note = layout.note;
      if (signatureRequired(message, o))
        result.problems.push({ code: 'signature-required', detail: 'policy requires a signature for this sender or document type' });
      return report(result);
    }
    const result = emptyResult(arrival, 'failed');
    result.signed = true;
    if (layout.kind === 'malformed') {
      result.problems.push({ code: 'signature-invalid', detail: layout.detail });
      return report(result, 'S/MIME');
    }
    result.format = layout.kind;
    if (layout.kind === 'detached') result.micalg = layout.micalg;
    const trust = ctx.services.trust;

    let sd: SignedDataInfo;
    try {
      sd = layout.kind === 'detached' ? await loadCms(layout.signature, o.maxSignatureSize) : await loadCms(layout.node, o.maxOpaqueSize);
    } catch (err) {
      if (!(err instanceof CmsError)) throw err;
      result.problems.push({ code: 'signature-invalid', detail: err.message });
      return report(result, 'CMS');
    }
    let content: SignedContent;
    if (layout.kind === 'detached') {
      if (sd.eContent !== null) {
        result.problems.push({ code: 'signature-invalid', detail: 'a detached signature must not carry its own content (eContent)' });
        return report(result, 'eContent');
      }
      content = fileRangeContent(message.raw.path, layout.signed.headerStart, layout.signed.bodyEnd);
    } else {
      if (sd.eContent === null) {
        result.problems.push({ code: 'signature-invalid', detail: 'opaque signature without content (eContent)' });
        return report(result, 'eContent');
      }
      content = bufferContent(sd.eContent);
    }

    const verified = await verifySignedData(sd, content, trust, {
      arrival,
      signingTimeSkewMs: o.signingTimeSkew,
      revocationSources: REVOCATION_SOURCES,
      missingRevocation: o.revocation.missing,
      staleRevocation: o.revocation.stale,
      timeStamps: { untrusted: o.timeStamp.untrusted, acceptExpired: o.timeStamp.acceptExpired },
    });
    result.trustVersion = verified.trust.version;
    result.signers = verified.signers;
    result.problems.push(...verified.problems);
    for (const signer of result.signers) bind(signer, message, ctx);
    const ok = result.problems.length === 0 && result.signers.length > 0 && result.signers.every(signerVerified);
    result.status = ok ? 'verified' : 'failed';
    return report(result, 'S/MIME');
  },
};
