// The S/MIME result as findings (one per reason code, most serious first), the result object kept with
// the document in the register, and the X-Docgate-Signature trace header.

import type { ReasonCode } from '../reasons.js';
import type { Finding } from '../finding.js';
import type { SignerIssue, SignerResult } from './verify.js';

/** Most serious first: the engine rejects on the first finding whose action is reject. */
const SEVERITY: readonly ReasonCode[] = [
  'encrypted-content',
  'signature-partial',
  'signature-invalid',
  'signature-weak-algorithm',
  'signature-untrusted',
  'certificate-revoked',
  'certificate-not-yet-valid',
  'certificate-usage',
  'signer-mismatch',
  'signature-required',
  'certificate-expired',
  'internal-error',
];

type SignatureStatus = 'verified' | 'failed' | 'unsigned' | 'encrypted' | 'partial';

export interface SignatureResult {
  signed: boolean;
  status: SignatureStatus;
  format: 'detached' | 'opaque' | null;
  /** The most serious reason code found, 'ok' when none. */
  reason: ReasonCode;
  checkedAt: string;
  trustVersion: number | null;
  micalg: string | null;
  signers: SignerResult[];
  /** Problems of the message as a whole (structure, CMS), not of one signer. */
  problems: SignerIssue[];
  note?: string;
}

/** Expiry after signing leaves the signature valid (Điều 9.1a); policy decides what it means. */
export function signerVerified(signer: SignerResult): boolean {
  return signer.issues.every((i) => i.code === 'certificate-expired' && !i.mandatory);
}

function signerLabel(signer: SignerResult, count: number): string {
  const who = signer.emails[0] ?? signer.subject ?? 'unknown signer';
  const serial = signer.serial ? ` serial ${signer.serial}` : '';
  return `${count > 1 ? `#${signer.position} ` : ''}${who}${serial}`;
}

/** One finding per reason code, in SEVERITY order; details name every signer and certificate concerned. */
export function findingsOf(result: SignatureResult, subjectForMessage?: string): Finding[] {
  const byCode = new Map<ReasonCode, { subject: string | undefined; entries: Record<string, unknown>[]; mandatory: boolean }>();
  const add = (code: ReasonCode, subject: string | undefined, entry: Record<string, unknown>, mandatory = false) => {
    const current = byCode.get(code) ?? { subject, entries: [], mandatory: false };
    current.entries.push(entry);
    current.mandatory ||= mandatory;
    byCode.set(code, current);
  };
  for (const problem of result.problems) add(problem.code, subjectForMessage, { detail: problem.detail });
  for (const signer of result.signers) {
    const label = signerLabel(signer, result.signers.length);
    for (const issue of signer.issues) {
      add(
        issue.code,
        label,
        { signer: signer.position, ...(issue.certificate !== undefined ? { certificate: issue.certificate } : {}), detail: issue.detail },
        issue.mandatory,
      );
    }
  }
  return SEVERITY.filter((code) => byCode.has(code)).map((code) => {
    const { subject, entries, mandatory } = byCode.get(code)!;
    return { code, ...(subject ? { subject } : {}), details: { problems: entries }, ...(mandatory ? { mandatory: true } : {}) };
  });
}

function headerToken(value: string): string {
  return (
    value
      .replace(/[^\x21-\x7e]/g, '')
      .replace(/[;]/g, '')
      .slice(0, 200) || 'unknown'
  );
}

export function signatureHeaders(result: SignatureResult): string[] {
  if (result.status === 'unsigned') return ['X-Docgate-Signature: none'];
  if (result.status === 'verified') {
    return result.signers.map((s) => {
      const notes = s.issues.map((i) => i.code).filter((c, i, all) => all.indexOf(c) === i);
      return `X-Docgate-Signature: verified; signer=${headerToken(s.emails[0] ?? 'unknown')}; serial=${headerToken(s.serial ?? 'unknown')}${notes.length > 0 ? `; warning=${notes.join(',')}` : ''}`;
    });
  }
  return [`X-Docgate-Signature: failed; reason=${result.reason}`];
}
