// RFC 3161 signature time-stamps (unsigned attribute id-aa-signatureTimeStampToken, RFC 3161 App. A):
// proof that a signer's signature value existed at the TSA's genTime, so a document signed while the
// certificate was valid still proves so after it expired (Quy chế Điều 9). @peculiar/asn1-tsp reads the
// TSTInfo; the checks are ours: the token's CMS signature over the TSTInfo, messageImprint = hash of the
// signature value, the TSA certificate's path to a configured anchor, its critical id-kp-timeStamping
// extended key usage, its validity at genTime and its revocation.

import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { TSTInfo } from '@peculiar/asn1-tsp';
import { AlgorithmProblem, digestAlgorithmOf } from './algorithms.js';
import type { CertificateCache, CertificateInfo } from './certificate.js';
import { CmsError, parseSignedData, type SignedDataInfo } from './cms.js';
import { DerError, parseDer } from './der.js';
import { OID } from './oids.js';
import { certificationPath, validityIssues } from './path.js';
import { revocationStatus, type RevocationSource } from './revocation.js';
import { bufferContent } from './signed-content.js';
import { checkSignature, findSigner, type SignatureCheckResult } from './signer-signature.js';
import type { TrustSnapshot } from './trust-store.js';

/**
 * trusted: the token proves the signature existed at genTime. invalid: the token is broken or is not
 * about this signature (signature-invalid). untrusted: it may be genuine but its TSA is not one we trust
 * (not under the anchors, not a TSA certificate, not valid at genTime, revoked): policy decides.
 */
export interface TimeStampResult {
  status: 'trusted' | 'untrusted' | 'invalid';
  genTime: string | null;
  tsa: string | null;
  tsaSerial: string | null;
  policy: string | null;
  detail: string;
}

const MAX_TOKENS = 4;

class Outcome extends Error {
  constructor(
    readonly status: 'untrusted' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

function parseTstInfo(sd: SignedDataInfo): TSTInfo {
  if (sd.eContentType !== OID.tstInfo) throw new Outcome('invalid', `time-stamp token content is ${sd.eContentType}, not id-ct-TSTInfo`);
  if (!sd.eContent) throw new Outcome('invalid', 'time-stamp token without TSTInfo');
  try {
    return AsnConvert.parse(sd.eContent, TSTInfo);
  } catch (err) {
    throw new Outcome('invalid', `unreadable TSTInfo: ${(err as Error).message}`);
  }
}

/** messageImprint must be the hash of the signer's signature value (RFC 3161 App. A). */
function checkImprint(tst: TSTInfo, signatureValue: Buffer): void {
  let hash;
  try {
    hash = digestAlgorithmOf(parseDer(Buffer.from(AsnConvert.serialize(tst.messageImprint.hashAlgorithm))));
  } catch (err) {
    if (err instanceof AlgorithmProblem || err instanceof DerError) throw new Outcome('invalid', `time-stamp imprint algorithm: ${err.message}`);
    throw err;
  }
  const expected = createHash(hash).update(signatureValue).digest();
  if (!expected.equals(Buffer.from(tst.messageImprint.hashedMessage.buffer)))
    throw new Outcome('invalid', 'time-stamp imprint does not match the signature value (the token is about another signature)');
}

/** The TSA certificate: id-kp-timeStamping as its only, critical, extended key usage (RFC 3161 2.3). */
function tsaUsageProblem(cert: CertificateInfo): string | null {
  if (!cert.extKeyUsage || !cert.extKeyUsage.includes(OID.timeStamping)) return 'TSA certificate lacks the id-kp-timeStamping extended key usage';
  if (cert.extKeyUsage.length !== 1 || !cert.extKeyUsageCritical) return 'TSA certificate extended key usage must be id-kp-timeStamping alone and critical';
  if (cert.keyUsage && !cert.keyUsage.has('digitalSignature') && !cert.keyUsage.has('nonRepudiation'))
    return 'TSA certificate keyUsage allows neither digitalSignature nor nonRepudiation';
  return null;
}

async function verifyToken(
  token: Buffer,
  signatureValue: Buffer,
  trust: TrustSnapshot,
  cache: CertificateCache,
  sources: readonly RevocationSource[],
  arrival: Date,
  result: TimeStampResult,
): Promise<void> {
  let sd: SignedDataInfo;
  try {
    sd = parseSignedData(token);
  } catch (err) {
    if (err instanceof CmsError) throw new Outcome('invalid', `malformed time-stamp token: ${err.message}`);
    throw err;
  }
  const tst = parseTstInfo(sd);
  result.genTime = tst.genTime.toISOString();
  result.policy = tst.policy;
  checkImprint(tst, signatureValue);
  if (sd.signerInfos.length !== 1) throw new Outcome('invalid', `time-stamp token has ${sd.signerInfos.length} signers, not one`);
  const certs: CertificateInfo[] = [];
  for (const der of sd.certificates.slice(0, 20)) {
    try {
      certs.push(cache.get(der));
    } catch (err) {
      throw new Outcome('invalid', `unreadable certificate in the time-stamp token: ${(err as Error).message}`);
    }
  }
  const info = sd.signerInfos[0];
  // The TSA certificate travels in the token (the request asks for it) or is a configured intermediate.
  const tsa = findSigner(info, [...certs, ...trust.intermediates]);
  if (!tsa) throw new Outcome('untrusted', 'the TSA certificate is neither in the token nor configured');
  result.tsa = tsa.subject;
  result.tsaSerial = tsa.serial;
  const check: SignatureCheckResult = { digestAlgorithm: null, signatureAlgorithm: null, key: null, issues: [] };
  await checkSignature(info, sd, tsa, bufferContent(sd.eContent!), check);
  if (check.issues.length > 0) throw new Outcome('invalid', `time-stamp signature: ${check.issues.map((i) => i.detail).join('; ')}`);

  const usage = tsaUsageProblem(tsa);
  if (usage) throw new Outcome('untrusted', usage);
  const path = certificationPath(tsa, certs, trust);
  // The path checks were written for mail signers: emailProtection is not what a TSA certificate has.
  const pathIssues = path.issues.filter((i) => !(i.code === 'certificate-usage' && /emailProtection|digitalSignature/.test(i.detail)));
  if (!path.trusted || pathIssues.length > 0)
    throw new Outcome('untrusted', `TSA ${tsa.subject}: ${(path.trusted ? pathIssues : path.issues).map((i) => i.detail).join('; ')}`);
  const genTime = tst.genTime;
  const validity = validityIssues(path.chain, genTime, genTime);
  if (validity.length > 0) throw new Outcome('untrusted', `TSA ${tsa.subject} at genTime: ${validity.map((i) => i.detail).join('; ')}`);
  for (let position = 0; position < path.chain.length - 1; position++) {
    const status = await revocationStatus(sources, path.chain[position], path.chain[position + 1], arrival, trust);
    if (status.status === 'revoked') throw new Outcome('untrusted', `TSA certificate ${path.chain[position].subject} revoked ${status.revokedAt}`);
  }
}

/**
 * Every signatureTimeStampToken of one SignerInfo, checked; the caller uses the first trusted one and
 * reports any invalid one. Revocation of the TSA path: only a listed revocation counts against it (a
 * TSA's CRL is often not installed; an unknown status leaves the token trusted, recorded in `detail`).
 */
export async function verifyTimeStamps(
  tokens: readonly Buffer[],
  signatureValue: Buffer,
  trust: TrustSnapshot,
  cache: CertificateCache,
  sources: readonly RevocationSource[],
  arrival: Date,
): Promise<TimeStampResult[]> {
  const results: TimeStampResult[] = [];
  for (const token of tokens.slice(0, MAX_TOKENS)) {
    const result: TimeStampResult = { status: 'trusted', genTime: null, tsa: null, tsaSerial: null, policy: null, detail: 'time-stamp verified' };
    try {
      await verifyToken(token, signatureValue, trust, cache, sources, arrival, result);
    } catch (err) {
      if (!(err instanceof Outcome)) {
        if (err instanceof DerError || err instanceof CmsError) {
          result.status = 'invalid';
          result.detail = `malformed time-stamp token: ${err.message}`;
          results.push(result);
          continue;
        }
        throw err;
      }
      result.status = err.status;
      result.detail = err.message;
    }
    results.push(result);
  }
  return results;
}
