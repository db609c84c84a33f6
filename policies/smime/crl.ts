// X.509 CRLs (RFC 5280 5): parsed from the exact DER so the CA's signature can be checked over the TBS.
// Delta, partitioned (issuingDistributionPoint) and indirect CRLs are not supported: such a CRL is marked
// unusable and the certificates it would cover have no revocation information.

import { createHash } from 'node:crypto';
import { AlgorithmProblem, orAlgorithmProblem, signatureAlgorithmOf, verifySignature, type SignatureAlgorithm } from './algorithms.js';
import { bitStringOf, booleanOf, CLASS, DerError, integerHex, octetStringOf, oidOf, parseDer, smallInteger, TAG, timeOf, type DerNode } from './der.js';
import type { CertificateInfo } from './certificate.js';
import { KNOWN_CRL_ENTRY_EXTENSIONS, KNOWN_CRL_EXTENSIONS, OID, REVOCATION_REASONS } from './oids.js';

interface RevokedEntry {
  date: Date;
  reason: string | null;
}

export interface CrlInfo {
  fingerprint: string;
  issuerKey: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  crlNumber: string | null;
  authorityKeyId: string | null;
  revoked: ReadonlyMap<string, RevokedEntry>;
  /** Why this CRL cannot be relied on whatever its signature (unsupported critical extensions). */
  unusable: string | null;
  tbs: Buffer;
  signatureAlgorithm: SignatureAlgorithm | AlgorithmProblem;
  signature: Buffer;
}

function extensionsOf(list: DerNode): { id: string; critical: boolean; value: DerNode }[] {
  return list.expectUniversal(TAG.SEQUENCE, 'extensions').children.map((ext) => ({
    id: oidOf(ext.child(0)),
    critical: ext.children.length === 3 ? booleanOf(ext.child(1)) : false,
    value: parseDer(octetStringOf(ext.child(ext.children.length - 1))),
  }));
}

export function parseCrl(der: Buffer): CrlInfo {
  const root = parseDer(der).expectUniversal(TAG.SEQUENCE, 'CRL');
  const tbs = root.child(0).expectUniversal(TAG.SEQUENCE, 'tbsCertList');
  let i = 0;
  if (tbs.child(0).isUniversal(TAG.INTEGER)) {
    if (smallInteger(tbs.child(0)) !== 1) throw new DerError('unsupported CRL version');
    i = 1;
  }
  if (!tbs.child(i).bytes.equals(root.child(1).bytes)) throw new DerError('CRL signature algorithm differs inside and outside the TBS');
  const signatureAlgorithm = orAlgorithmProblem(() => signatureAlgorithmOf(root.child(1)));
  const issuer = tbs.child(i + 1).expectUniversal(TAG.SEQUENCE, 'CRL issuer');
  const thisUpdate = timeOf(tbs.child(i + 2));
  let next = i + 3;
  let nextUpdate: Date | null = null;
  const maybeNext = tbs.children[next];
  if (maybeNext && (maybeNext.isUniversal(TAG.UTC_TIME) || maybeNext.isUniversal(TAG.GENERALIZED_TIME))) {
    nextUpdate = timeOf(maybeNext);
    next++;
  }
  const unusable: string[] = [];
  const revoked = new Map<string, RevokedEntry>();
  const list = tbs.children[next];
  if (list && list.isUniversal(TAG.SEQUENCE)) {
    next++;
    for (const entry of list.children) {
      const serial = integerHex(entry.child(0));
      let reason: string | null = null;
      if (entry.children[2]) {
        for (const ext of extensionsOf(entry.child(2))) {
          if (ext.id === OID.crlReason && ext.value.isUniversal(0x0a) && ext.value.content.length === 1)
            reason = REVOCATION_REASONS[ext.value.content[0]] ?? 'unknown';
          else if (ext.critical && !KNOWN_CRL_ENTRY_EXTENSIONS.has(ext.id)) unusable.push(`critical entry extension ${ext.id}`);
        }
      }
      // removeFromCRL only appears in delta CRLs, which are refused below.
      revoked.set(serial, { date: timeOf(entry.child(1)), reason });
    }
  }
  let crlNumber: string | null = null;
  let authorityKeyId: string | null = null;
  const extensions = tbs.children[next];
  if (extensions && extensions.cls === CLASS.CONTEXT && extensions.tag === 0) {
    for (const ext of extensionsOf(extensions.child(0))) {
      if (ext.id === OID.crlNumber) crlNumber = integerHex(ext.value);
      else if (ext.id === OID.authorityKeyIdentifier) {
        const keyId = ext.value.children.find((n) => n.cls === CLASS.CONTEXT && n.tag === 0 && !n.constructed);
        authorityKeyId = keyId ? keyId.content.toString('hex') : null;
      } else if (ext.id === OID.deltaCrlIndicator) unusable.push('delta CRL');
      else if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.id)) unusable.push(`critical extension ${ext.id}`);
    }
  }
  return {
    fingerprint: createHash('sha256').update(der).digest('hex'),
    issuerKey: issuer.bytes.toString('hex'),
    thisUpdate,
    nextUpdate,
    crlNumber,
    authorityKeyId,
    revoked,
    unusable: unusable.length > 0 ? unusable.join('; ') : null,
    tbs: Buffer.from(tbs.bytes),
    signatureAlgorithm,
    signature: bitStringOf(root.child(2)).bytes,
  };
}

/** Whether `issuer` signed this CRL and may sign CRLs (RFC 5280 6.3.3 (f), (g)); null when it did, else why not. */
export function crlSignatureProblem(crl: CrlInfo, issuer: CertificateInfo): string | null {
  if (crl.issuerKey !== issuer.subjectKey) return 'issuer name differs';
  if (crl.authorityKeyId && issuer.subjectKeyId && crl.authorityKeyId !== issuer.subjectKeyId) return 'authority key identifier differs';
  if (issuer.keyUsage && !issuer.keyUsage.has('cRLSign')) return 'issuer may not sign CRLs (keyUsage)';
  if (crl.signatureAlgorithm instanceof AlgorithmProblem) return crl.signatureAlgorithm.message;
  if (!verifySignature(crl.signatureAlgorithm, issuer.publicKey, crl.tbs, crl.signature)) return 'signature does not verify';
  return null;
}
