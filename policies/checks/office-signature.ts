// Signatures inside Office documents (Word's and Excel's "Add a digital signature": XML-DSig parts under
// _xmlsignatures/, policies/office/xmldsig.ts): each must verify, cover every part that can change what
// the document shows, and its certificate passes the same chain, key-usage, CRL and signing-time rules
// as S/MIME and PDF signatures (one verifier, three containers). Unsigned documents pass (Điều 3.2).

import { z } from 'zod';
import { durationSchema, sizeSchema } from '../../config/units.js';
import { openZip } from '../archive/zip.js';
import { withAttachmentBytes } from '../files/content.js';
import { extensionOf } from '../files/names.js';
import type { InboundMessage } from '../message.js';
import type { OfficeSignatureRecord } from '../office/record.js';
import { signatureParts } from '../office/signature-parts.js';
import type { PackageReader } from '../office/xmldsig.js';
import { findingsOf, signerVerified, type SignatureResult } from '../smime/report.js';
import { CrlRevocationSource } from '../smime/revocation.js';
import { bindingIssue, DOCUMENT_SIGNING_USAGES, headerToken, signerRecordOf } from '../smime/signer-identity.js';
import { judgeSignerCertificate, newSignerResult } from '../smime/verify.js';
import type { CheckDefinition, CheckReport, PolicyContext } from '../types.js';
import { INTERNAL_ARCHIVE_LIMITS } from '../archive/types.js';

const revocationHandling = z.enum(['accept', 'reject', 'defer']);

const options = z.strictObject({
  /** The signed SignatureTime is used only this close to the arrival. */
  signingTimeSkew: durationSchema.default(30 * 24 * 3_600_000),
  revocation: z.strictObject({ missing: revocationHandling.default('reject'), stale: revocationHandling.default('defer') }).prefault({}),
  /** The organisation in every signer's certificate (O, OU or the agency's mã định danh) must be the sending agency. */
  binding: z.boolean().default(false),
  /** Office files larger than this are not held in memory for verification (signature-invalid). */
  maxSize: sizeSchema.default(64 * 1024 * 1024),
});

type OfficeSignatureOptions = z.output<typeof options>;

const OFFICE_EXTENSIONS = new Set(['docx', 'docm', 'xlsx', 'xlsm', 'pptx']);
const REVOCATION_SOURCES = [new CrlRevocationSource()];
const PACKAGE_LIMITS = { ...INTERNAL_ARCHIVE_LIMITS, maxEntries: 5000 };

async function verifyFile(
  label: string,
  data: Buffer,
  message: InboundMessage,
  ctx: PolicyContext<OfficeSignatureOptions, 'trust' | 'memoryBudget'>,
  result: SignatureResult,
): Promise<OfficeSignatureRecord[]> {
  const zip = await openZip(data, PACKAGE_LIMITS, { inflated: 0 });
  try {
    // A damaged package is the attachments check's finding; here only readable packages are verified.
    if (zip.problems.length > 0) return [];
    // The XML-DSig stack (xml-crypto, xmldom) is loaded for the first signed package only.
    const names = zip.entries.map((e) => e.name);
    if (signatureParts(names).length === 0) return [];
    const { officeSignatures } = await import('../office/xmldsig.js');
    const byName = new Map(zip.entries.map((e) => [e.name, e]));
    const pkg: PackageReader = {
      names,
      async read(name) {
        const entry = byName.get(name);
        if (!entry) return null;
        const read = await zip.read(entry);
        return read.ok ? read.data : null;
      },
    };
    const trust = await ctx.services.trust.current();
    const arrival = ctx.now();
    const records: OfficeSignatureRecord[] = [];
    for (const sig of await officeSignatures(pkg, (der) => ctx.services.trust.certificates.get(der))) {
      const where = `${label} (${sig.part})`;
      result.problems.push(
        ...sig.problems.map((p) => ({ code: p.code, detail: p.detail.startsWith(sig.part) ? `${label} ${p.detail}` : `${where}: ${p.detail}` })),
      );
      const record: OfficeSignatureRecord = { file: label, part: sig.part, status: 'failed', uncovered: sig.uncovered, signer: null };
      records.push(record);
      if (!sig.signer) continue;
      const signer = newSignerResult(result.signers.length + 1, arrival);
      Object.assign(signer, {
        subject: sig.signer.subject,
        emails: [...sig.signer.emails],
        issuer: sig.signer.issuer,
        serial: sig.signer.serial,
        notBefore: sig.signer.notBefore.toISOString(),
        notAfter: sig.signer.notAfter.toISOString(),
      });
      let signedAt = arrival;
      if (sig.signingTime) {
        signer.signingTime = sig.signingTime.toISOString();
        if (Math.abs(sig.signingTime.getTime() - arrival.getTime()) <= ctx.options.signingTimeSkew) {
          signedAt = sig.signingTime;
          signer.evaluatedAt = signedAt.toISOString();
          signer.timeSource = 'signingTime';
        }
      }
      await judgeSignerCertificate(
        sig.signer,
        sig.extra,
        signedAt,
        false,
        trust,
        {
          arrival,
          signingTimeSkewMs: ctx.options.signingTimeSkew,
          revocationSources: REVOCATION_SOURCES,
          missingRevocation: ctx.options.revocation.missing,
          staleRevocation: ctx.options.revocation.stale,
          usages: DOCUMENT_SIGNING_USAGES,
        },
        signer,
      );
      for (const issue of signer.issues) issue.detail = `${where}: ${issue.detail}`;
      if (ctx.options.binding) {
        const issue = bindingIssue(signer, message);
        if (issue) signer.issues.push({ ...issue, detail: `${where}: ${issue.detail}` });
      }
      signer.verified = sig.problems.length === 0 && signer.issues.length === 0;
      result.signers.push(signer);
      result.trustVersion = trust.version;
      record.signer = signerRecordOf(signer);
      record.status = sig.problems.length === 0 && signerVerified(signer) ? 'verified' : 'failed';
    }
    return records;
  } finally {
    zip.close();
  }
}

export const officeSignatureCheck: CheckDefinition<OfficeSignatureOptions, 'trust' | 'memoryBudget'> = {
  id: 'office-signature',
  stage: 'content',
  description: 'Chu ky so trong tai lieu Office hop le, tin cay, bao trum tai lieu / Office document signatures valid, trusted, covering the document',
  options,
  needs: ['trust', 'memoryBudget'],
  timeoutMs: 30_000,
  async run(message, ctx) {
    const result: SignatureResult = {
      signed: false,
      status: 'unsigned',
      format: null,
      reason: 'ok',
      checkedAt: ctx.now().toISOString(),
      trustVersion: null,
      micalg: null,
      signers: [],
      problems: [],
    };
    const records: OfficeSignatureRecord[] = [];
    let firstFile: string | undefined;
    for (const attachment of message.attachments) {
      const label = attachment.filename ?? `part ${attachment.path}`;
      if (!OFFICE_EXTENSIONS.has(extensionOf(attachment.filename ?? '')) || attachment.detected !== 'zip') continue;
      if (attachment.size > ctx.options.maxSize) {
        result.problems.push({
          code: 'signature-invalid',
          detail: `${label}: ${attachment.size} bytes exceeds maxSize ${ctx.options.maxSize}, cannot be verified`,
        });
        firstFile ??= label;
        continue;
      }
      await withAttachmentBytes(attachment, ctx, async (data) => {
        const found = await verifyFile(label, data, message, ctx, result);
        if (found.length > 0) firstFile ??= label;
        records.push(...found);
      });
    }
    result.signed = records.length > 0 || result.problems.length > 0;
    const findings = findingsOf(result, firstFile);
    result.reason = findings[0]?.code ?? 'ok';
    result.status = !result.signed ? 'unsigned' : findings.length === 0 ? 'verified' : 'failed';
    const report: CheckReport = {
      findings,
      data: { status: result.status, signatures: records },
      record: { officeSignatures: records },
      headers: records
        .slice(0, 10)
        .map(
          (r) =>
            `X-Docgate-Office-Signature: ${headerToken(r.file)}; ${r.status}${r.signer ? `; signer=${headerToken(r.signer.name ?? 'unknown')}; role=${r.signer.role}; signed=${r.signer.signedAt}` : ''}`,
        ),
    };
    return report;
  },
};
