// One SignerInfo's signature over its content: digest and signature algorithms (weak ones named), signed
// attributes (contentType, messageDigest) and the signature value, with Node's crypto. Shared by the
// message signers (verify.ts) and the time-stamp authority's signature over a TSTInfo (timestamp.ts).

import { AlgorithmProblem, describeKey, digestAlgorithmOf, signatureAlgorithmOf, verifySignature, type HashName } from './algorithms.js';
import type { CertificateInfo } from './certificate.js';
import { CmsError, type SignedDataInfo, type SignerInfoData } from './cms.js';
import { DerError } from './der.js';
import type { ReasonCode } from '../reasons.js';

/** The signed content, digested at most once per hash (a detached part is read from the stored file). */
export interface SignedContent {
  digest(hash: HashName): Promise<Buffer>;
  /** The whole content (only when a signer has no signed attributes). */
  bytes(): Promise<Buffer>;
}

/** What checkSignature fills in. */
export interface SignatureCheckResult {
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  key: string | null;
  issues: { code: ReasonCode; detail: string }[];
}

export function findSigner(info: SignerInfoData, certs: readonly CertificateInfo[]): CertificateInfo | null {
  const sid = info.sid;
  return certs.find((c) => (sid.kind === 'issuer-serial' ? c.issuerKey === sid.issuerKey && c.serial === sid.serial : c.subjectKeyId === sid.keyId)) ?? null;
}

function algorithmIssue(err: unknown, what: string): { code: ReasonCode; detail: string } {
  if (err instanceof AlgorithmProblem)
    return { code: err.kind === 'weak' ? 'signature-weak-algorithm' : 'signature-invalid', detail: `${what}: ${err.message}` };
  if (err instanceof DerError || err instanceof CmsError) return { code: 'signature-invalid', detail: `${what}: ${err.message}` };
  throw err;
}

export async function checkSignature(
  info: SignerInfoData,
  sd: SignedDataInfo,
  signer: CertificateInfo,
  content: SignedContent,
  result: SignatureCheckResult,
): Promise<void> {
  let hash: HashName;
  try {
    hash = digestAlgorithmOf(info.digestAlgorithm);
    result.digestAlgorithm = hash;
  } catch (err) {
    result.issues.push(algorithmIssue(err, 'digest algorithm'));
    return;
  }
  let algorithm;
  try {
    algorithm = signatureAlgorithmOf(info.signatureAlgorithm, hash);
    result.signatureAlgorithm = algorithm.name;
  } catch (err) {
    result.issues.push(algorithmIssue(err, 'signature algorithm'));
    return;
  }
  try {
    result.key = describeKey(signer.publicKey).name;
  } catch (err) {
    result.issues.push(algorithmIssue(err, 'signer key'));
  }
  const attributes = info.signedAttributes;
  let signedBytes: Buffer;
  if (attributes) {
    if (attributes.contentType !== sd.eContentType) {
      result.issues.push({ code: 'signature-invalid', detail: 'contentType attribute differs from the encapsulated content type' });
      return;
    }
    if (!attributes.messageDigest.equals(await content.digest(hash))) {
      result.issues.push({ code: 'signature-invalid', detail: 'message digest does not match: the signed content was changed' });
      return;
    }
    signedBytes = attributes.der;
  } else {
    signedBytes = await content.bytes();
  }
  if (!verifySignature(algorithm, signer.publicKey, signedBytes, info.signature)) {
    result.issues.push({ code: 'signature-invalid', detail: 'signature value does not verify with the signer certificate' });
  }
}
