// Verifies every SignerInfo of one SignedData over the signed content: digest and signature with Node's
// crypto, signed attributes (contentType id-data, messageDigest, signingTime within the allowed skew),
// the certification path, validity at signing time and revocation. Returns one result per signer with
// every problem found; the policy check turns them into findings.

import type { CertificateCache, CertificateInfo } from './certificate.js';
import { OID } from './oids.js';
import { certificationPath, validityIssues, type PathIssue } from './path.js';
import { revocationStatus, type RevocationSource, type RevocationStatus } from './revocation.js';
import type { SignedDataInfo, SignerInfoData } from './cms.js';
import { checkSignature, findSigner, type SignedContent } from './signer-signature.js';
import type { TimeStampResult } from './timestamp.js';
import type { TrustSnapshot, TrustStore } from './trust-store.js';

type RevocationHandling = 'accept' | 'reject' | 'defer';

export interface VerifyOptions {
  arrival: Date;
  /** The signed signingTime is used only within this distance of the arrival time. */
  signingTimeSkewMs: number;
  revocationSources: readonly RevocationSource[];
  /** Extended key usages accepted for the signer certificate (default: emailProtection, for mail). */
  usages?: readonly string[];
  /** No usable CRL for a certificate of the path. */
  missingRevocation: RevocationHandling;
  /** The newest CRL is past its nextUpdate. */
  staleRevocation: RevocationHandling;
  /** RFC 3161 signature time-stamps (policy `timeStamp`); defaults: untrusted ignored, expiry after a trusted one accepted. */
  timeStamps?: {
    /** A token whose TSA is not trusted: ignore it (judge as without), or reject (signature-untrusted). */
    untrusted: 'ignore' | 'reject';
    /** A trusted time-stamp within the validity: a certificate expired since is not a finding. */
    acceptExpired: boolean;
  };
}

export type { SignedContent };

interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  anchor: boolean;
}

export interface SignerIssue {
  code: PathIssue['code'];
  detail: string;
  /** Position in the chain (0 = signer) when the issue is about a certificate. */
  certificate?: number;
  /** Rejects whatever the policy's action for the code (a signature made outside the validity period). */
  mandatory?: boolean;
}

export interface SignerResult {
  position: number;
  verified: boolean;
  subject: string | null;
  emails: string[];
  issuer: string | null;
  serial: string | null;
  notBefore: string | null;
  notAfter: string | null;
  /** The signed signingTime attribute, if any. */
  signingTime: string | null;
  /** The time the signature is taken to have been made: signingTime within the skew, else the arrival. */
  evaluatedAt: string;
  timeSource: 'signingTime' | 'arrival' | 'timeStamp';
  /** RFC 3161 signature time-stamps found on this signer, each with its verdict. */
  timeStamps: TimeStampResult[];
  /** Set when a trusted time-stamp made an expiry after signing acceptable (policy timeStamp.acceptExpired). */
  expiredAfterTimeStamp?: boolean;
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  key: string | null;
  chain: CertificateSummary[];
  revocation: ({ serial: string } & RevocationStatus)[];
  issues: SignerIssue[];
}

function summarize(cert: CertificateInfo, trust: TrustSnapshot | null): CertificateSummary {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serial,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sha256: cert.fingerprint,
    anchor: trust?.isAnchor(cert) ?? false,
  };
}

function revocationIssue(status: RevocationStatus, position: number, options: VerifyOptions): SignerIssue | null {
  if (status.status === 'revoked')
    return { code: 'certificate-revoked', certificate: position, detail: `revoked ${status.revokedAt}${status.reason ? ` (${status.reason})` : ''}` };
  const handling = status.status === 'unknown' ? options.missingRevocation : status.stale ? options.staleRevocation : 'accept';
  if (handling === 'accept') return null;
  const detail = status.status === 'unknown' ? `revocation status unknown: ${status.detail}` : `CRL is stale (next update was ${status.nextUpdate})`;
  return { code: handling === 'reject' ? 'signature-untrusted' : 'internal-error', certificate: position, detail };
}

/** A signer's result before anything is known: not verified, evaluated at the arrival. */
export function newSignerResult(position: number, arrival: Date): SignerResult {
  return {
    position,
    verified: false,
    subject: null,
    emails: [],
    issuer: null,
    serial: null,
    notBefore: null,
    notAfter: null,
    signingTime: null,
    evaluatedAt: arrival.toISOString(),
    timeSource: 'arrival',
    timeStamps: [],
    digestAlgorithm: null,
    signatureAlgorithm: null,
    key: null,
    chain: [],
    revocation: [],
    issues: [],
  };
}

/**
 * The certificate side of a signature, the same for every container (CMS in S/MIME and PDF, XML-DSig in
 * Office files): the path to a trust anchor with the accepted usages, validity at `signedAt` (and at
 * arrival), and revocation of every certificate of the path. Issues are added to `result`.
 */
export async function judgeSignerCertificate(
  signer: CertificateInfo,
  certs: readonly CertificateInfo[],
  signedAt: Date,
  stamped: boolean,
  trust: TrustSnapshot,
  options: VerifyOptions,
  result: SignerResult,
): Promise<void> {
  const arrival = options.arrival;
  const stampPolicy = options.timeStamps ?? { untrusted: 'ignore', acceptExpired: true };
  const path = certificationPath(signer, certs, trust, options.usages);
  result.chain = path.chain.map((c) => summarize(c, trust));
  let validity = validityIssues(path.chain, signedAt, arrival);
  if (stamped && stampPolicy.acceptExpired && validity.some((i) => i.code === 'certificate-expired' && !i.mandatory)) {
    validity = validity.filter((i) => !(i.code === 'certificate-expired' && !i.mandatory));
    result.expiredAfterTimeStamp = true;
  }
  const pathIssues = [...path.issues, ...validity];
  result.issues.push(...pathIssues.map((i) => ({ code: i.code, certificate: i.position, detail: i.detail, ...(i.mandatory ? { mandatory: true } : {}) })));
  if (path.trusted) {
    for (let position = 0; position < path.chain.length - 1; position++) {
      const cert = path.chain[position];
      const status = await revocationStatus(options.revocationSources, cert, path.chain[position + 1], arrival, trust);
      result.revocation.push({ serial: cert.serial, ...status });
      const issue = revocationIssue(status, position, options);
      if (issue) result.issues.push(issue);
    }
  }
}

async function verifySigner(
  info: SignerInfoData,
  sd: SignedDataInfo,
  certs: readonly CertificateInfo[],
  content: SignedContent,
  trust: TrustSnapshot,
  cache: CertificateCache,
  options: VerifyOptions,
): Promise<SignerResult> {
  const arrival = options.arrival;
  const result = newSignerResult(info.position, arrival);
  const signer = findSigner(info, certs);
  if (!signer) {
    result.issues.push({ code: 'signature-invalid', detail: 'the signer certificate is not in the message' });
    return result;
  }
  Object.assign(result, {
    subject: signer.subject,
    emails: [...signer.emails],
    issuer: signer.issuer,
    serial: signer.serial,
    notBefore: signer.notBefore.toISOString(),
    notAfter: signer.notAfter.toISOString(),
  });
  await checkSignature(info, sd, signer, content, result);

  const signingTime = info.signedAttributes?.signingTime ?? null;
  let signedAt = arrival;
  if (signingTime) {
    result.signingTime = signingTime.toISOString();
    if (Math.abs(signingTime.getTime() - arrival.getTime()) <= options.signingTimeSkewMs) {
      signedAt = signingTime;
      result.evaluatedAt = signingTime.toISOString();
      result.timeSource = 'signingTime';
    }
  }

  // A trusted signature time-stamp proves the signature existed at its genTime: that is the signing time.
  const tokens = info.unsignedAttributes.filter((a) => a.type === OID.signatureTimeStampToken).flatMap((a) => a.values);
  const stampPolicy = options.timeStamps ?? { untrusted: 'ignore', acceptExpired: true };
  let stamped = false;
  if (tokens.length > 0) {
    // The RFC 3161 decoder (@peculiar/asn1-tsp) is loaded for the first time-stamped signature only.
    const { verifyTimeStamps } = await import('./timestamp.js');
    result.timeStamps = await verifyTimeStamps(tokens, info.signature, trust, cache, options.revocationSources, arrival);
    for (const stamp of result.timeStamps) {
      if (stamp.status === 'invalid') result.issues.push({ code: 'signature-invalid', detail: stamp.detail });
      else if (stamp.status === 'untrusted' && stampPolicy.untrusted === 'reject') result.issues.push({ code: 'signature-untrusted', detail: stamp.detail });
    }
    const trusted = result.timeStamps.find((t) => t.status === 'trusted');
    if (trusted && trusted.genTime) {
      signedAt = new Date(trusted.genTime);
      result.evaluatedAt = trusted.genTime;
      result.timeSource = 'timeStamp';
      stamped = true;
    }
  }

  await judgeSignerCertificate(signer, certs, signedAt, stamped, trust, options, result);
  result.verified = result.issues.length === 0;
  return result;
}

/** Verifies all signers; a SignedData without any is itself a failure the caller reports. */
export async function verifySignedData(
  sd: SignedDataInfo,
  content: SignedContent,
  store: TrustStore,
  options: VerifyOptions,
): Promise<{ signers: SignerResult[]; trust: TrustSnapshot; problems: SignerIssue[] }> {
  const trust = await store.current();
  const problems: SignerIssue[] = [];
  if (sd.eContentType !== OID.data) problems.push({ code: 'signature-invalid', detail: `encapsulated content type ${sd.eContentType} is not id-data` });
  if (sd.signerInfos.length === 0) problems.push({ code: 'signature-invalid', detail: 'the signature has no signers (zero SignerInfos)' });
  const certs: CertificateInfo[] = [];
  for (const der of sd.certificates.slice(0, 50)) {
    try {
      certs.push(store.certificates.get(der));
    } catch (err) {
      problems.push({ code: 'signature-invalid', detail: `unreadable certificate in the message: ${(err as Error).message}` });
    }
  }
  const signers: SignerResult[] = [];
  for (const info of sd.signerInfos.slice(0, 20)) signers.push(await verifySigner(info, sd, certs, content, trust, store.certificates, options));
  if (sd.signerInfos.length > 20) problems.push({ code: 'signature-invalid', detail: `too many signers (${sd.signerInfos.length})` });
  return { signers, trust, problems };
}
