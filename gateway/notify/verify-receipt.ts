// Checks a receipt docgate issued: its S/MIME signature through the one S/MIME verifier
// (policies/smime, the same code that checks clerks' signatures), with the gateway's signing CA as the
// only trust anchor, then reads the signed JSON part and, given the original document, compares its
// SHA-256 with the one the receipt states.

import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../../config/log.js';
import { parseMimeBuffer, walk } from '../../policies/mime/parser.js';
import { CmsError, parseSignedData } from '../../policies/smime/cms.js';
import { smimeLayout } from '../../policies/smime/layout.js';
import { signerVerified } from '../../policies/smime/report.js';
import { CrlRevocationSource } from '../../policies/smime/revocation.js';
import { bufferRangesContent } from '../../policies/smime/signed-content.js';
import { TrustStore } from '../../policies/smime/trust-store.js';
import { verifySignedData } from '../../policies/smime/verify.js';
import type { NoticeFacts } from './facts.js';

export interface ReceiptCheck {
  /** valid: signed by a certificate of the CA, over exactly these bytes. */
  signature: 'valid' | 'invalid';
  problems: string[];
  signer: { subject: string | null; serial: string | null; emails: string[] } | null;
  signingTime: string | null;
  /** The signed JSON part (null when there is none or the signature is not valid). */
  facts: NoticeFacts | null;
  /** With an original: submitted = the bytes docgate received; served = the copy in Văn bản đi; mismatch otherwise. */
  original: { sha256: string; match: 'submitted' | 'served' | 'mismatch' } | null;
}

const MAX_SIGNATURE = 1024 * 1024;

async function factsOf(signedEntity: Buffer): Promise<NoticeFacts | null> {
  const parsed = await parseMimeBuffer(signedEntity);
  try {
    const json = [...walk(parsed.root)].find((n) => n.contentType.value === 'application/json');
    if (!json?.content) return null;
    const value = JSON.parse((await json.content.buffer(MAX_SIGNATURE)).toString('utf8')) as NoticeFacts;
    return typeof value === 'object' && value !== null && typeof value.trackingId === 'string' ? value : null;
  } catch {
    return null;
  } finally {
    await parsed.dispose();
  }
}

export async function verifyReceipt(receipt: Buffer, options: { caFile: string; original?: Buffer; now: Date; log: Logger }): Promise<ReceiptCheck> {
  const result: ReceiptCheck = { signature: 'invalid', problems: [], signer: null, signingTime: null, facts: null, original: null };
  const parsed = await parseMimeBuffer(receipt);
  try {
    const layout = await smimeLayout(parsed.root);
    if (layout.kind !== 'detached') {
      result.problems.push(`not a multipart/signed receipt (${layout.kind}${'detail' in layout ? `: ${layout.detail}` : ''})`);
      return result;
    }
    let sd;
    try {
      sd = parseSignedData(await layout.signature.content!.buffer(MAX_SIGNATURE));
    } catch (err) {
      if (!(err instanceof CmsError) && !(err instanceof Error)) throw err;
      result.problems.push(`unreadable signature: ${err.message}`);
      return result;
    }
    const range = [layout.signed.headerStart, layout.signed.bodyEnd] as const;
    const trust = await TrustStore.open({
      paths: { anchors: options.caFile, intermediates: options.caFile, crl: path.join(path.dirname(options.caFile), 'crl') },
      log: options.log,
    });
    const verified = await verifySignedData(sd, bufferRangesContent(receipt, [range]), trust, {
      arrival: options.now,
      // A receipt is checked long after it was signed: its signingTime is the time that counts.
      signingTimeSkewMs: Number.MAX_SAFE_INTEGER,
      revocationSources: [new CrlRevocationSource()],
      // The gateway's own CA publishes no CRL.
      missingRevocation: 'accept',
      staleRevocation: 'accept',
    });
    result.problems.push(...verified.problems.map((p) => p.detail));
    for (const signer of verified.signers) result.problems.push(...signer.issues.map((i) => `${i.code}: ${i.detail}`));
    const first = verified.signers[0];
    if (first) {
      result.signer = { subject: first.subject, serial: first.serial, emails: first.emails };
      result.signingTime = first.signingTime;
    }
    const ok = verified.problems.length === 0 && verified.signers.length > 0 && verified.signers.every(signerVerified);
    if (!ok) return result;
    result.signature = 'valid';
    result.facts = await factsOf(receipt.subarray(range[0], range[1]));
    if (!result.facts) result.problems.push('the signed part holds no receipt JSON');
    if (options.original && result.facts) {
      const sha256 = createHash('sha256').update(options.original).digest('hex');
      const match = sha256 === result.facts.sha256 ? 'submitted' : sha256 === result.facts.servedSha256 ? 'served' : 'mismatch';
      result.original = { sha256, match };
    }
    return result;
  } finally {
    await parsed.dispose();
  }
}
