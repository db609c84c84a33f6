// Revocation status of one certificate in a validated path. Sources are tried in order and the first
// definite answer (good or revoked) wins; the CRL source reads the configured CRLs. OCSP will be another
// RevocationSource (asking the responder named in the certificate's authorityInfoAccess); a responder
// that cannot be reached will answer 'unavailable', which the check turns into a temporary failure.

import type { CertificateInfo } from './certificate.js';
import { crlSignatureProblem, type CrlInfo } from './crl.js';
import { ocspSignatureProblem, responseFor, type OcspInfo } from './ocsp.js';
import type { TrustSnapshot } from './trust-store.js';

export type RevocationStatus =
  | { status: 'good'; source: string; thisUpdate: string; nextUpdate: string | null; stale: boolean }
  | { status: 'revoked'; source: string; revokedAt: string; reason: string | null; thisUpdate: string }
  | { status: 'unknown'; source: string; why: 'no-crl' | 'crl-invalid' | 'unavailable'; detail: string };

export interface RevocationSource {
  readonly name: string;
  /** Status of `cert` issued by `issuer`, as known at `at` (the arrival time). Never throws for bad data. */
  status(cert: CertificateInfo, issuer: CertificateInfo, at: Date, trust: TrustSnapshot): Promise<RevocationStatus>;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** Verified CRLs for an issuer, newest first; CRL signatures are checked once per snapshot. */
function usableCrls(issuer: CertificateInfo, trust: TrustSnapshot, candidates: readonly CrlInfo[]): { usable: CrlInfo[]; rejected: string[] } {
  const usable: CrlInfo[] = [];
  const rejected: string[] = [];
  for (const crl of candidates) {
    const key = `crl:${crl.fingerprint}:${issuer.fingerprint}`;
    let problem = trust.memo.get<string | null>(key);
    if (problem === undefined) {
      problem = crl.unusable ?? crlSignatureProblem(crl, issuer);
      trust.memo.set(key, problem);
    }
    if (problem === null) usable.push(crl);
    else rejected.push(`CRL ${crl.fingerprint.slice(0, 16)}: ${problem}`);
  }
  usable.sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime());
  return { usable, rejected };
}

/**
 * The configured CRLs (trust/crl), or — with `embedded` — CRLs that came with the document (a PDF's
 * /DSS): those count exactly like configured ones, only when signed by the issuing CA, judged fresh
 * against the same nextUpdate rule.
 */
export class CrlRevocationSource implements RevocationSource {
  readonly name: string;

  constructor(private readonly embedded: readonly CrlInfo[] | null = null) {
    this.name = embedded ? 'embedded-crl' : 'crl';
  }

  async status(cert: CertificateInfo, issuer: CertificateInfo, at: Date, trust: TrustSnapshot): Promise<RevocationStatus> {
    const candidates = this.embedded ? this.embedded.filter((c) => c.issuerKey === issuer.subjectKey) : trust.crlsFor(issuer.subjectKey);
    const { usable, rejected } = usableCrls(issuer, trust, candidates);
    if (usable.length === 0) {
      return rejected.length > 0
        ? { status: 'unknown', source: this.name, why: 'crl-invalid', detail: rejected.join('; ') }
        : { status: 'unknown', source: this.name, why: 'no-crl', detail: `no CRL from ${issuer.subject}` };
    }
    // The newest CRL decides; an older one still counts for a permanent revocation (only a
    // certificateHold can be lifted by a newer CRL that no longer lists the certificate).
    const newest = usable[0];
    const entry =
      newest.revoked.get(cert.serial) ??
      usable
        .slice(1)
        .map((c) => c.revoked.get(cert.serial))
        .find((e) => e !== undefined && e.reason !== 'certificateHold');
    if (entry) {
      return { status: 'revoked', source: this.name, revokedAt: entry.date.toISOString(), reason: entry.reason, thisUpdate: newest.thisUpdate.toISOString() };
    }
    const stale = newest.nextUpdate !== null && newest.nextUpdate.getTime() < at.getTime();
    return { status: 'good', source: this.name, thisUpdate: newest.thisUpdate.toISOString(), nextUpdate: iso(newest.nextUpdate), stale };
  }
}

/**
 * OCSP responses that came with the document (a PDF's /DSS /OCSPs). A response counts only when the
 * issuing CA or its delegated responder signed it (ocspSignatureProblem); the newest answer about the
 * certificate decides, judged fresh against its nextUpdate like a CRL.
 */
export class EmbeddedOcspRevocationSource implements RevocationSource {
  readonly name = 'embedded-ocsp';

  constructor(private readonly responses: readonly OcspInfo[]) {}

  async status(cert: CertificateInfo, issuer: CertificateInfo, at: Date, trust: TrustSnapshot): Promise<RevocationStatus> {
    const answers: { single: NonNullable<ReturnType<typeof responseFor>> }[] = [];
    const rejected: string[] = [];
    for (const response of this.responses) {
      const single = responseFor(response, cert, issuer);
      if (!single) continue;
      const key = `ocsp:${response.fingerprint}:${issuer.fingerprint}`;
      let problem = trust.memo.get<string | null>(key);
      if (problem === undefined) {
        problem = ocspSignatureProblem(response, issuer);
        trust.memo.set(key, problem);
      }
      if (problem === null) answers.push({ single });
      else rejected.push(`OCSP ${response.fingerprint.slice(0, 16)}: ${problem}`);
    }
    const known = answers.filter((a) => a.single.status !== 'unknown').sort((a, b) => b.single.thisUpdate.getTime() - a.single.thisUpdate.getTime());
    if (known.length === 0) {
      return rejected.length > 0
        ? { status: 'unknown', source: this.name, why: 'crl-invalid', detail: rejected.join('; ') }
        : { status: 'unknown', source: this.name, why: 'no-crl', detail: `no OCSP response about ${cert.subject}` };
    }
    // A revocation is permanent (certificateHold aside): any trusted answer saying so wins over a later "good".
    const revoked =
      known.find((a) => a.single.status === 'revoked' && a.single.reason !== 'certificateHold') ??
      (known[0].single.status === 'revoked' ? known[0] : undefined);
    if (revoked) {
      return {
        status: 'revoked',
        source: this.name,
        revokedAt: (revoked.single.revokedAt ?? revoked.single.thisUpdate).toISOString(),
        reason: revoked.single.reason,
        thisUpdate: revoked.single.thisUpdate.toISOString(),
      };
    }
    const newest = known[0].single;
    const stale = newest.nextUpdate !== null && newest.nextUpdate.getTime() < at.getTime();
    return { status: 'good', source: this.name, thisUpdate: newest.thisUpdate.toISOString(), nextUpdate: iso(newest.nextUpdate), stale };
  }
}

/** Asks each source in turn; the first good or revoked answer counts. */
export async function revocationStatus(
  sources: readonly RevocationSource[],
  cert: CertificateInfo,
  issuer: CertificateInfo,
  at: Date,
  trust: TrustSnapshot,
): Promise<RevocationStatus> {
  let last: RevocationStatus = { status: 'unknown', source: 'none', why: 'no-crl', detail: 'no revocation source configured' };
  for (const source of sources) {
    last = await source.status(cert, issuer, at, trust);
    if (last.status !== 'unknown') return last;
  }
  return last;
}
