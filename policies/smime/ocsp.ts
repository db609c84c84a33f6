// OCSP responses (RFC 6960) that came with a document — a PDF's /DSS /OCSPs, as PAdES-LTV signing tools
// embed them — parsed from the exact DER so the responder's signature can be checked over the TBS. A
// response counts only when the certificate's issuer signed it, or a responder certificate that issuer
// issued for OCSP signing (id-kp-OCSPSigning) and that was valid when the response was produced.

import { createHash } from 'node:crypto';
import { AlgorithmProblem, orAlgorithmProblem, signatureAlgorithmOf, verifySignature, type SignatureAlgorithm } from './algorithms.js';
import { parseCertificate, type CertificateInfo } from './certificate.js';
import { bitStringOf, CLASS, DerError, integerHex, octetStringOf, oidOf, parseDer, smallInteger, TAG, timeOf, type DerNode } from './der.js';
import { OID, REVOCATION_REASONS } from './oids.js';

const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const CERT_ID_HASHES: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };
const MAX_RESPONSES = 100;
const MAX_CERTS = 10;

interface SingleResponse {
  /** Node's name of the CertID hash, or null when unsupported. */
  hash: string | null;
  issuerNameHash: string;
  issuerKeyHash: string;
  serial: string;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt: Date | null;
  reason: string | null;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

export interface OcspInfo {
  fingerprint: string;
  /** The responder: the DER of its name (hex), or the SHA-1 of its public key (hex). */
  responder: { byName: string } | { byKey: string };
  producedAt: Date;
  responses: SingleResponse[];
  certs: CertificateInfo[];
  tbs: Buffer;
  signatureAlgorithm: SignatureAlgorithm | AlgorithmProblem;
  signature: Buffer;
}

function explicit(node: DerNode | undefined, tag: number): DerNode | null {
  return node && node.cls === CLASS.CONTEXT && node.tag === tag ? node : null;
}

function singleResponse(node: DerNode): SingleResponse {
  const certId = node.child(0).expectUniversal(TAG.SEQUENCE, 'CertID');
  const hashOid = oidOf(certId.child(0).child(0));
  const statusNode = node.child(1);
  if (statusNode.cls !== CLASS.CONTEXT || statusNode.tag > 2) throw new DerError('bad OCSP certStatus');
  let revokedAt: Date | null = null;
  let reason: string | null = null;
  if (statusNode.tag === 1) {
    revokedAt = timeOf(statusNode.child(0));
    const r = explicit(statusNode.children[1], 0);
    if (r && r.child(0).content.length === 1) reason = REVOCATION_REASONS[r.child(0).content[0]] ?? 'unknown';
  }
  const nextUpdate = explicit(node.children[3], 0);
  return {
    hash: CERT_ID_HASHES[hashOid] ?? null,
    issuerNameHash: octetStringOf(certId.child(1)).toString('hex'),
    issuerKeyHash: octetStringOf(certId.child(2)).toString('hex'),
    serial: integerHex(certId.child(3)),
    status: statusNode.tag === 0 ? 'good' : statusNode.tag === 1 ? 'revoked' : 'unknown',
    revokedAt,
    reason,
    thisUpdate: timeOf(node.child(2)),
    nextUpdate: nextUpdate ? timeOf(nextUpdate.child(0)) : null,
  };
}

/** Parses an OCSPResponse; throws DerError for anything malformed or not a successful basic response. */
export function parseOcspResponse(der: Buffer): OcspInfo {
  const root = parseDer(der).expectUniversal(TAG.SEQUENCE, 'OCSPResponse');
  const status = root.child(0);
  if (!status.isUniversal(0x0a) || status.content.length !== 1) throw new DerError('bad OCSP responseStatus');
  if (status.content[0] !== 0) throw new DerError(`OCSP responseStatus ${status.content[0]} (not successful)`);
  const bytes = explicit(root.children[1], 0);
  if (!bytes) throw new DerError('OCSP response without responseBytes');
  const responseBytes = bytes.child(0).expectUniversal(TAG.SEQUENCE, 'ResponseBytes');
  if (oidOf(responseBytes.child(0)) !== OCSP_BASIC) throw new DerError('not a basic OCSP response');
  const basic = parseDer(octetStringOf(responseBytes.child(1))).expectUniversal(TAG.SEQUENCE, 'BasicOCSPResponse');
  const tbs = basic.child(0).expectUniversal(TAG.SEQUENCE, 'ResponseData');
  let i = 0;
  const version = explicit(tbs.child(0), 0);
  if (version) {
    if (smallInteger(version.child(0)) !== 0) throw new DerError('unsupported OCSP response version');
    i = 1;
  }
  const responderNode = tbs.child(i);
  let responder: OcspInfo['responder'];
  if (explicit(responderNode, 1)) responder = { byName: responderNode.child(0).bytes.toString('hex') };
  else if (explicit(responderNode, 2)) responder = { byKey: octetStringOf(responderNode.child(0)).toString('hex') };
  else throw new DerError('bad OCSP responderID');
  const producedAt = timeOf(tbs.child(i + 1));
  const list = tbs.child(i + 2).expectUniversal(TAG.SEQUENCE, 'responses');
  if (list.children.length > MAX_RESPONSES) throw new DerError('too many OCSP single responses');
  const certsNode = explicit(basic.children[3], 0);
  const certs = certsNode
    ? certsNode
        .child(0)
        .children.slice(0, MAX_CERTS)
        .map((c) => parseCertificate(Buffer.from(c.bytes)))
    : [];
  return {
    fingerprint: createHash('sha256').update(der).digest('hex'),
    responder,
    producedAt,
    responses: list.children.map(singleResponse),
    certs,
    tbs: Buffer.from(tbs.bytes),
    signatureAlgorithm: orAlgorithmProblem(() => signatureAlgorithmOf(basic.child(1))),
    signature: bitStringOf(basic.child(2)).bytes,
  };
}

/** The subjectPublicKey bits of a certificate (what CertID's issuerKeyHash and responderID byKey hash). */
function publicKeyBits(cert: CertificateInfo): Buffer {
  const spki = parseDer(cert.publicKey.export({ type: 'spki', format: 'der' }));
  return bitStringOf(spki.child(1)).bytes;
}

function names(cert: CertificateInfo, responder: OcspInfo['responder']): boolean {
  if ('byName' in responder) return responder.byName === cert.subjectKey;
  return createHash('sha1').update(publicKeyBits(cert)).digest('hex') === responder.byKey;
}

/** Whether `issuer` (or a responder it delegated to) signed this response; null when so, else why not. */
export function ocspSignatureProblem(response: OcspInfo, issuer: CertificateInfo): string | null {
  if (response.signatureAlgorithm instanceof AlgorithmProblem) return response.signatureAlgorithm.message;
  let signer: CertificateInfo;
  if (names(issuer, response.responder)) signer = issuer;
  else {
    const delegated = response.certs.find((c) => names(c, response.responder));
    if (!delegated) return 'the responder is neither the issuing CA nor a certificate included in the response';
    if (delegated.issuerKey !== issuer.subjectKey) return 'the responder certificate was not issued by the certificate issuer';
    if (!delegated.extKeyUsage?.includes(OCSP_SIGNING)) return 'the responder certificate is not for OCSP signing (extKeyUsage)';
    if (response.producedAt < delegated.notBefore || response.producedAt > delegated.notAfter)
      return 'the responder certificate was not valid when the response was produced';
    if (delegated.signatureAlgorithm instanceof AlgorithmProblem) return delegated.signatureAlgorithm.message;
    if (!delegated.x509.verify(issuer.publicKey)) return "the responder certificate's signature does not verify with the issuer's key";
    signer = delegated;
  }
  if (!verifySignature(response.signatureAlgorithm, signer.publicKey, response.tbs, response.signature)) return 'signature does not verify';
  return null;
}

/** The single response about `cert` issued by `issuer`, if the response has one. */
export function responseFor(response: OcspInfo, cert: CertificateInfo, issuer: CertificateInfo): SingleResponse | null {
  for (const single of response.responses) {
    if (single.hash === null || single.serial !== cert.serial) continue;
    const nameHash = createHash(single.hash).update(Buffer.from(issuer.subjectKey, 'hex')).digest('hex');
    const keyHash = createHash(single.hash).update(publicKeyBits(issuer)).digest('hex');
    if (nameHash === single.issuerNameHash && keyHash === single.issuerKeyHash) return single;
  }
  return null;
}
