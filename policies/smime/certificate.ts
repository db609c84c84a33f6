// An X.509 certificate as the path validator needs it: Node's X509Certificate (OpenSSL) for the
// signature and issuer checks, and the extensions Node does not expose (keyUsage bits, basicConstraints
// pathLen, e-mail addresses, unknown critical extensions) read from the exact DER.

import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AlgorithmProblem, describeKey, orAlgorithmProblem, signatureAlgorithmOf, type KeyDescription, type SignatureAlgorithm } from './algorithms.js';
import { bitStringOf, booleanOf, CLASS, DerError, integerHex, octetStringOf, oidOf, parseDer, smallInteger, TAG, timeOf, type DerNode } from './der.js';
import { KNOWN_CERT_EXTENSIONS, OID } from './oids.js';

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface CertificateInfo {
  der: Buffer;
  fingerprint: string;
  x509: X509Certificate;
  version: number;
  serial: string;
  /** DER of the issuer and subject Names, as hex: the keys for name chaining and CRL matching. */
  issuerKey: string;
  subjectKey: string;
  issuer: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** The certificate's own signature algorithm, or why it is not acceptable. */
  signatureAlgorithm: SignatureAlgorithm | AlgorithmProblem;
  publicKey: KeyObject;
  key: KeyDescription | AlgorithmProblem;
  basicConstraints: { ca: boolean; pathLen: number | null } | null;
  keyUsage: ReadonlySet<KeyUsage> | null;
  extKeyUsage: readonly string[] | null;
  /** Whether extKeyUsage is marked critical (a TSA certificate's must be, RFC 3161 2.3). */
  extKeyUsageCritical: boolean;
  /** rfc822Name entries of subjectAltName and emailAddress attributes of the subject, lower-cased. */
  emails: readonly string[];
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  unknownCriticalExtensions: readonly string[];
  selfIssued: boolean;
}

function nameString(x509Name: string): string {
  return x509Name.split('\n').join(', ');
}

function emailsInName(name: DerNode): string[] {
  const out: string[] = [];
  for (const rdn of name.children) {
    for (const atv of rdn.children) {
      if (oidOf(atv.child(0)) === OID.emailAddress) out.push(atv.child(1).content.toString('latin1').trim().toLowerCase());
    }
  }
  return out;
}

function keyUsageOf(value: DerNode): Set<KeyUsage> {
  const { bytes } = bitStringOf(value);
  const set = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) set.add(name);
  });
  return set;
}

function basicConstraintsOf(value: DerNode): { ca: boolean; pathLen: number | null } {
  value.expectUniversal(TAG.SEQUENCE, 'basicConstraints');
  let ca = false;
  let pathLen: number | null = null;
  for (const field of value.children) {
    if (field.isUniversal(TAG.BOOLEAN)) ca = booleanOf(field);
    else if (field.isUniversal(TAG.INTEGER)) pathLen = smallInteger(field);
  }
  return { ca, pathLen };
}

function rfc822Names(value: DerNode): string[] {
  value.expectUniversal(TAG.SEQUENCE, 'subjectAltName');
  return value.children.filter((n) => n.cls === CLASS.CONTEXT && n.tag === 1 && !n.constructed).map((n) => n.content.toString('latin1').trim().toLowerCase());
}

function authorityKeyIdOf(value: DerNode): string | null {
  value.expectUniversal(TAG.SEQUENCE, 'authorityKeyIdentifier');
  const keyId = value.children.find((n) => n.cls === CLASS.CONTEXT && n.tag === 0 && !n.constructed);
  return keyId ? keyId.content.toString('hex') : null;
}

/** Parses a DER certificate; throws DerError for anything malformed. */
export function parseCertificate(der: Buffer): CertificateInfo {
  const root = parseDer(der).expectUniversal(TAG.SEQUENCE, 'certificate');
  const tbs = root.child(0).expectUniversal(TAG.SEQUENCE, 'tbsCertificate');
  const outerAlgorithm = root.child(1);
  let i = 0;
  let version = 1;
  if (tbs.child(0).isContext(0)) {
    version = smallInteger(tbs.child(0).child(0)) + 1;
    i = 1;
  }
  const serial = integerHex(tbs.child(i));
  const innerAlgorithm = tbs.child(i + 1);
  if (!innerAlgorithm.bytes.equals(outerAlgorithm.bytes)) throw new DerError('signature algorithm differs inside and outside the TBS');
  const issuer = tbs.child(i + 2).expectUniversal(TAG.SEQUENCE, 'issuer');
  const validity = tbs.child(i + 3).expectUniversal(TAG.SEQUENCE, 'validity');
  const subject = tbs.child(i + 4).expectUniversal(TAG.SEQUENCE, 'subject');
  const spki = tbs.child(i + 5).expectUniversal(TAG.SEQUENCE, 'subjectPublicKeyInfo');

  let x509: X509Certificate;
  let publicKey: KeyObject;
  try {
    x509 = new X509Certificate(der);
    publicKey = createPublicKey({ key: spki.bytes, format: 'der', type: 'spki' });
  } catch (err) {
    throw new DerError(`certificate rejected by OpenSSL: ${(err as Error).message}`);
  }

  const signatureAlgorithm = orAlgorithmProblem(() => signatureAlgorithmOf(outerAlgorithm));
  const key = orAlgorithmProblem(() => describeKey(publicKey));

  const info: CertificateInfo = {
    der,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    x509,
    version,
    serial,
    issuerKey: issuer.bytes.toString('hex'),
    subjectKey: subject.bytes.toString('hex'),
    issuer: nameString(x509.issuer),
    subject: nameString(x509.subject),
    notBefore: timeOf(validity.child(0)),
    notAfter: timeOf(validity.child(1)),
    signatureAlgorithm,
    publicKey,
    key,
    basicConstraints: null,
    keyUsage: null,
    extKeyUsage: null,
    extKeyUsageCritical: false,
    emails: [],
    subjectKeyId: null,
    authorityKeyId: null,
    unknownCriticalExtensions: [],
    selfIssued: issuer.bytes.equals(subject.bytes),
  };
  const emails = emailsInName(subject);
  const unknownCritical: string[] = [];
  const extensions = tbs.children.slice(i + 6).find((n) => n.isContext(3));
  const seen = new Set<string>();
  for (const ext of extensions ? extensions.child(0).expectUniversal(TAG.SEQUENCE, 'extensions').children : []) {
    const id = oidOf(ext.child(0));
    if (seen.has(id)) throw new DerError(`extension ${id} appears twice`);
    seen.add(id);
    const critical = ext.children.length === 3 ? booleanOf(ext.child(1)) : false;
    const value = parseDer(octetStringOf(ext.child(ext.children.length - 1)));
    switch (id) {
      case OID.basicConstraints:
        info.basicConstraints = basicConstraintsOf(value);
        break;
      case OID.keyUsage:
        info.keyUsage = keyUsageOf(value);
        break;
      case OID.extKeyUsage:
        info.extKeyUsage = value.expectUniversal(TAG.SEQUENCE, 'extKeyUsage').children.map(oidOf);
        info.extKeyUsageCritical = critical;
        break;
      case OID.subjectAltName:
        emails.push(...rfc822Names(value));
        break;
      case OID.subjectKeyIdentifier:
        info.subjectKeyId = octetStringOf(value).toString('hex');
        break;
      case OID.authorityKeyIdentifier:
        info.authorityKeyId = authorityKeyIdOf(value);
        break;
      default:
        if (critical && !KNOWN_CERT_EXTENSIONS.has(id)) unknownCritical.push(id);
    }
  }
  info.emails = [...new Set(emails)];
  info.unknownCriticalExtensions = unknownCritical;
  return info;
}

/** A bounded map of parsed certificates by SHA-256 of their DER: clerks sign with the same few certificates. */
export class CertificateCache {
  private readonly entries = new Map<string, CertificateInfo>();

  constructor(private readonly limit = 2000) {}

  get(der: Buffer): CertificateInfo {
    const key = createHash('sha256').update(der).digest('hex');
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const info = parseCertificate(Buffer.from(der));
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, info);
    return info;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
