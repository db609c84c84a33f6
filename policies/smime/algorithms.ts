// Algorithm identifiers → Node's native crypto. Only RSA PKCS#1 v1.5, RSA-PSS and ECDSA on P-256/P-384
// with SHA-256/384/512 are accepted; SHA-1 and MD5 (anywhere), RSA under 2048 bits are weak, anything
// else is unsupported. node-forge is never used for digests or signatures (≈30× slower).

import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { CLASS, oidOf, smallInteger, TAG, type DerNode } from './der.js';
import { OID } from './oids.js';

export type HashName = 'sha256' | 'sha384' | 'sha512';

export class AlgorithmProblem extends Error {
  constructor(
    readonly kind: 'weak' | 'unsupported',
    readonly algorithm: string,
  ) {
    super(`${kind} algorithm: ${algorithm}`);
  }
}

/** The value `compute` returns, or the AlgorithmProblem it throws (kept, to be reported with the certificate). */
export function orAlgorithmProblem<T>(compute: () => T): T | AlgorithmProblem {
  try {
    return compute();
  } catch (err) {
    if (err instanceof AlgorithmProblem) return err;
    throw err;
  }
}

const DIGESTS: Record<string, HashName> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };
const WEAK_DIGESTS: Record<string, string> = { [OID.sha1]: 'sha1', [OID.md5]: 'md5' };
const RSA_SIGNATURES: Record<string, HashName> = { [OID.sha256WithRSA]: 'sha256', [OID.sha384WithRSA]: 'sha384', [OID.sha512WithRSA]: 'sha512' };
const ECDSA_SIGNATURES: Record<string, HashName> = { [OID.ecdsaWithSha256]: 'sha256', [OID.ecdsaWithSha384]: 'sha384', [OID.ecdsaWithSha512]: 'sha512' };
const WEAK_SIGNATURES: Record<string, string> = {
  [OID.md5WithRSA]: 'md5WithRSAEncryption',
  [OID.sha1WithRSA]: 'sha1WithRSAEncryption',
  [OID.ecdsaWithSha1]: 'ecdsa-with-SHA1',
};
const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', 'P-256': 'P-256', 'P-384': 'P-384' };

export interface SignatureAlgorithm {
  /** Readable name for results and logs, e.g. "sha256WithRSAEncryption", "RSASSA-PSS(sha256, salt 32)". */
  name: string;
  scheme: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';
  hash: HashName;
  saltLength?: number;
}

function hashNameOf(oid: string): HashName {
  const hash = DIGESTS[oid];
  if (hash) return hash;
  if (WEAK_DIGESTS[oid]) throw new AlgorithmProblem('weak', WEAK_DIGESTS[oid]);
  throw new AlgorithmProblem('unsupported', oid === OID.sha224 ? 'sha224' : oid);
}

/** An AlgorithmIdentifier's OID and its parameters element, if any. */
function algorithmIdentifier(node: DerNode): { oid: string; params: DerNode | null } {
  node.expectUniversal(TAG.SEQUENCE, 'algorithm identifier');
  const oid = oidOf(node.child(0));
  const params = node.children[1] ?? null;
  return { oid, params: params && params.isUniversal(TAG.NULL) ? null : params };
}

export function digestAlgorithmOf(node: DerNode): HashName {
  return hashNameOf(algorithmIdentifier(node).oid);
}

function pssParameters(params: DerNode | null): { hash: HashName; saltLength: number } {
  // RFC 4055 3.1: absent fields default to SHA-1, MGF1-SHA-1, salt 20 — SHA-1, so weak.
  let hashOid: string = OID.sha1;
  let mgfHashOid: string = OID.sha1;
  let saltLength = 20;
  if (params) {
    params.expectUniversal(TAG.SEQUENCE, 'RSASSA-PSS parameters');
    for (const field of params.children) {
      if (field.cls !== CLASS.CONTEXT || !field.constructed) throw new AlgorithmProblem('unsupported', 'RSASSA-PSS parameters');
      const inner = field.child(0);
      if (field.tag === 0) hashOid = algorithmIdentifier(inner).oid;
      else if (field.tag === 1) {
        const mgf = algorithmIdentifier(inner);
        if (mgf.oid !== OID.mgf1 || !mgf.params) throw new AlgorithmProblem('unsupported', 'RSASSA-PSS mask generation');
        mgfHashOid = algorithmIdentifier(mgf.params).oid;
      } else if (field.tag === 2) saltLength = smallInteger(inner);
      else if (field.tag === 3) {
        if (smallInteger(inner) !== 1) throw new AlgorithmProblem('unsupported', 'RSASSA-PSS trailer field');
      }
    }
  }
  const hash = hashNameOf(hashOid);
  // Node's PSS uses MGF1 with the signature hash; a different MGF1 hash cannot be verified.
  if (hashNameOf(mgfHashOid) !== hash) throw new AlgorithmProblem('unsupported', 'RSASSA-PSS with a different MGF1 hash');
  return { hash, saltLength };
}

/**
 * The signature algorithm of a certificate, CRL or SignerInfo. CMS signers often name only the key
 * algorithm (rsaEncryption, id-ecPublicKey); the SignerInfo's digest algorithm then gives the hash.
 */
export function signatureAlgorithmOf(node: DerNode, digest?: HashName): SignatureAlgorithm {
  const { oid, params } = algorithmIdentifier(node);
  if (WEAK_SIGNATURES[oid]) throw new AlgorithmProblem('weak', WEAK_SIGNATURES[oid]);
  if (RSA_SIGNATURES[oid]) return { name: `${RSA_SIGNATURES[oid]}WithRSAEncryption`, scheme: 'rsa-pkcs1', hash: RSA_SIGNATURES[oid] };
  if (ECDSA_SIGNATURES[oid]) return { name: `ecdsa-with-${ECDSA_SIGNATURES[oid].toUpperCase()}`, scheme: 'ecdsa', hash: ECDSA_SIGNATURES[oid] };
  if (oid === OID.rsassaPss) {
    const { hash, saltLength } = pssParameters(params);
    return { name: `RSASSA-PSS(${hash}, salt ${saltLength})`, scheme: 'rsa-pss', hash, saltLength };
  }
  if (digest && oid === OID.rsaEncryption) return { name: `rsaEncryption(${digest})`, scheme: 'rsa-pkcs1', hash: digest };
  if (digest && oid === OID.ecPublicKey) return { name: `ecdsa(${digest})`, scheme: 'ecdsa', hash: digest };
  throw new AlgorithmProblem('unsupported', oid);
}

export interface KeyDescription {
  type: 'rsa' | 'rsa-pss' | 'ec';
  bits: number;
  curve?: string;
  /** Readable, e.g. "RSA-2048", "EC P-256". */
  name: string;
}

/** Describes a public key, throwing AlgorithmProblem for weak or unsupported keys. */
export function describeKey(key: KeyObject): KeyDescription {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    const name = `RSA-${bits}`;
    if (bits < 2048) throw new AlgorithmProblem('weak', name);
    return { type, bits, name };
  }
  if (type === 'ec') {
    const curve = CURVES[details.namedCurve ?? ''];
    if (!curve) throw new AlgorithmProblem('unsupported', `EC ${details.namedCurve ?? 'unknown curve'}`);
    return { type, bits: curve === 'P-256' ? 256 : 384, curve, name: `EC ${curve}` };
  }
  throw new AlgorithmProblem('unsupported', `key type ${type ?? 'unknown'}`);
}

/** Verifies `signature` over `data`; false (never a throw) when it does not verify or does not fit the key. */
export function verifySignature(alg: SignatureAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const type = key.asymmetricKeyType;
  try {
    if (alg.scheme === 'ecdsa') {
      if (type !== 'ec') return false;
      return cryptoVerify(alg.hash, data, { key, dsaEncoding: 'der' }, signature);
    }
    if (type !== 'rsa' && type !== 'rsa-pss') return false;
    if (alg.scheme === 'rsa-pss') {
      return cryptoVerify(alg.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, signature);
    }
    if (type === 'rsa-pss') return false;
    return cryptoVerify(alg.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}
