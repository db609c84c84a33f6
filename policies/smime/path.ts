// Certification path building and validation (RFC 5280 6, the parts S/MIME needs): from the signer's
// certificate through intermediates (from the message or the configured store) to a configured anchor.
// Links are confirmed by OpenSSL (X509Certificate.checkIssued: names and key identifiers; .verify: the
// issuer's signature over the exact TBS). The time-independent result is memoised on the trust snapshot,
// keyed by the certificates involved, so an agency's repeated chain is validated once per trust version.

import { AlgorithmProblem } from './algorithms.js';
import type { CertificateInfo } from './certificate.js';
import { OID } from './oids.js';
import type { TrustSnapshot } from './trust-store.js';
import type { ReasonCode } from '../reasons.js';

const MAX_PATH_LENGTH = 8;

export interface PathIssue {
  code: ReasonCode;
  /** Position in the chain (0 = signer). */
  position: number;
  detail: string;
  /** Rejects whatever the policy's action for the code (see Finding.mandatory). */
  mandatory?: boolean;
}

export interface CertificationPath {
  /** Signer first; the anchor last when trusted. */
  chain: readonly CertificateInfo[];
  trusted: boolean;
  /** Problems that do not depend on time or revocation. */
  issues: readonly PathIssue[];
}

function linked(child: CertificateInfo, parent: CertificateInfo, trust: TrustSnapshot): boolean {
  const key = `link:${child.fingerprint}:${parent.fingerprint}`;
  let ok = trust.memo.get<boolean>(key);
  if (ok === undefined) {
    try {
      ok = child.x509.checkIssued(parent.x509) && child.x509.verify(parent.publicKey);
    } catch {
      ok = false;
    }
    trust.memo.set(key, ok);
  }
  return ok;
}

/** Why an issuer whose name matches could not be linked (for the result's detail). */
function linkFailure(parent: CertificateInfo): string {
  if (!parent.basicConstraints?.ca || (parent.keyUsage && !parent.keyUsage.has('keyCertSign'))) return `${parent.subject} is not a CA`;
  return `${parent.subject} did not sign it (signature or key identifier mismatch)`;
}

function findChain(signer: CertificateInfo, extra: readonly CertificateInfo[], trust: TrustSnapshot, rejected: string[]): CertificateInfo[] | null {
  let steps = 0;
  const extend = (chain: CertificateInfo[]): CertificateInfo[] | null => {
    const last = chain[chain.length - 1];
    if (trust.isAnchor(last)) return chain;
    if (chain.length >= MAX_PATH_LENGTH || ++steps > 64) return null;
    const seen = new Set(chain.map((c) => c.fingerprint));
    const candidates = [...trust.bySubject(last.issuerKey), ...extra.filter((c) => c.subjectKey === last.issuerKey)]
      .filter((c, i, all) => !seen.has(c.fingerprint) && all.findIndex((d) => d.fingerprint === c.fingerprint) === i)
      .sort((a, b) => Number(trust.isAnchor(b)) - Number(trust.isAnchor(a)));
    for (const candidate of candidates) {
      if (!linked(last, candidate, trust)) {
        rejected.push(linkFailure(candidate));
        continue;
      }
      const found = extend([...chain, candidate]);
      if (found) return found;
    }
    return null;
  };
  return extend([signer]);
}

function algorithmIssue(problem: AlgorithmProblem, position: number, what: string): PathIssue {
  return { code: problem.kind === 'weak' ? 'signature-weak-algorithm' : 'signature-invalid', position, detail: `${what}: ${problem.message}` };
}

/** Extended key usages that make a signer certificate fit for signing mail (S/MIME, the default). */
const MAIL_SIGNING_USAGES: readonly string[] = [OID.emailProtection];

function structuralIssues(chain: readonly CertificateInfo[], usages: readonly string[]): PathIssue[] {
  const issues: PathIssue[] = [];
  const anchorAt = chain.length - 1;
  chain.forEach((cert, position) => {
    const anchor = position === anchorAt;
    if (cert.key instanceof AlgorithmProblem) issues.push(algorithmIssue(cert.key, position, 'public key'));
    // A trust anchor is trusted by configuration, not by its self-signature (RFC 5280 6.1.1 (d)).
    if (!anchor && cert.signatureAlgorithm instanceof AlgorithmProblem) issues.push(algorithmIssue(cert.signatureAlgorithm, position, 'certificate signature'));
    if (!anchor && cert.unknownCriticalExtensions.length > 0) {
      issues.push({ code: 'signature-untrusted', position, detail: `unsupported critical extension ${cert.unknownCriticalExtensions.join(', ')}` });
    }
    if (cert.extKeyUsage && !usages.some((u) => cert.extKeyUsage!.includes(u)) && !cert.extKeyUsage.includes(OID.anyExtendedKeyUsage) && !anchor) {
      issues.push({
        code: 'certificate-usage',
        position,
        detail: `extendedKeyUsage lacks ${usages.length === 1 && usages[0] === OID.emailProtection ? 'emailProtection' : `all of ${usages.join(', ')}`}`,
      });
    }
    if (position === 0) {
      if (cert.keyUsage && !cert.keyUsage.has('digitalSignature') && !cert.keyUsage.has('nonRepudiation')) {
        issues.push({ code: 'certificate-usage', position, detail: 'keyUsage allows neither digitalSignature nor nonRepudiation' });
      }
      return;
    }
    // Issuers: must be CAs allowed to sign certificates, within their path length constraint.
    if (!cert.basicConstraints?.ca && !(anchor && cert.basicConstraints === null && cert.version < 3)) {
      issues.push({ code: 'signature-untrusted', position, detail: 'issuer is not a CA (basicConstraints)' });
    }
    if (cert.keyUsage && !cert.keyUsage.has('keyCertSign'))
      issues.push({ code: 'signature-untrusted', position, detail: 'issuer may not sign certificates (keyUsage)' });
    const pathLen = cert.basicConstraints?.pathLen;
    if (pathLen !== null && pathLen !== undefined) {
      const below = chain.slice(1, position).filter((c) => !c.selfIssued).length;
      if (below > pathLen)
        issues.push({ code: 'signature-untrusted', position, detail: `path length constraint ${pathLen} exceeded (${below} CA certificates below)` });
    }
  });
  return issues;
}

/** Builds and checks the path for `signer`, using `extra` (the message's certificates) as untrusted helpers. */
export function certificationPath(
  signer: CertificateInfo,
  extra: readonly CertificateInfo[],
  trust: TrustSnapshot,
  usages: readonly string[] = MAIL_SIGNING_USAGES,
): CertificationPath {
  const key = `path:${signer.fingerprint}:${extra
    .map((c) => c.fingerprint)
    .sort()
    .join(',')}:${usages.join(',')}`;
  const cached = trust.memo.get<CertificationPath>(key);
  if (cached) return cached;
  const rejected: string[] = [];
  const chain = findChain(signer, extra, trust, rejected);
  let result: CertificationPath;
  if (chain) {
    result = { chain, trusted: true, issues: structuralIssues(chain, usages) };
  } else {
    const detail = signer.selfIssued
      ? 'self-signed certificate that is not a configured trust anchor'
      : `no path to a configured trust anchor (issuer: ${signer.issuer}${rejected.length > 0 ? `; rejected: ${[...new Set(rejected)].join('; ')}` : ''})`;
    result = { chain: [signer], trusted: false, issues: [{ code: 'signature-untrusted', position: 0, detail }] };
  }
  trust.memo.set(key, result);
  return result;
}

/**
 * Validity at the moment of signing (Điều 9.1a) and at arrival. `signedAt` is the signing time
 * accepted for the signature (the signed signingTime within the allowed skew, else the arrival).
 */
export function validityIssues(chain: readonly CertificateInfo[], signedAt: Date, arrival: Date): PathIssue[] {
  const issues: PathIssue[] = [];
  chain.forEach((cert, position) => {
    if (signedAt < cert.notBefore) {
      issues.push({
        code: 'certificate-not-yet-valid',
        position,
        mandatory: true,
        detail: `valid from ${cert.notBefore.toISOString()}, signed ${signedAt.toISOString()}`,
      });
    } else if (signedAt > cert.notAfter) {
      // Made after the certificate ended: the signature value may verify, but it proves nothing, whatever
      // policy says about expiry. The sender hears the cause (certificate-expired), not "invalid signature".
      issues.push({
        code: 'certificate-expired',
        position,
        mandatory: true,
        detail: `signed ${signedAt.toISOString()} after the certificate expired ${cert.notAfter.toISOString()}`,
      });
    } else if (arrival > cert.notAfter) {
      issues.push({ code: 'certificate-expired', position, detail: `expired ${cert.notAfter.toISOString()}, after signing ${signedAt.toISOString()}` });
    }
  });
  return issues;
}
