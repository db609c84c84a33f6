// The gateway's signing identity: the key and certificate that sign receipts and register anchors. A
// production configuration points at a key and a certificate from a real CA; with `signing.selfSigned`
// (the default) a local CA and a gateway certificate issued by it are made at first start, like the
// TLS pair, and kept, so receipts issued earlier stay verifiable against the same CA file.

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import type { Config } from '../../config/load.js';
import { resolveUnder } from '../../config/load.js';
import type { Logger } from '../../config/log.js';

const { asn1, pki } = forge;
const DAY = 86_400_000;

export interface SigningIdentity {
  certificate: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  /** PEM of the signing certificate, as written to disk. */
  certificatePem: string;
  /** PEM of the CA certificate a verifier trusts (may be the signing certificate itself). */
  caPem: string;
  /** Paths of the files, for messages that tell a verifier what to trust. */
  paths: { cert: string; key: string; ca: string };
}

const utf8 = (name: string, value: string): forge.pki.CertificateField => ({ name, value, valueTagClass: asn1.Type.UTF8 as unknown as forge.asn1.Class });

/** RSA-2048 from Node's crypto (native, ~0.1 s) instead of forge's JavaScript key generation (~1 s each). */
function rsaKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return {
    publicKey: pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey: pki.privateKeyFromPem(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
  };
}

function serial(): string {
  return '1' + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

function writeFile(file: string, data: string, mode: number): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, data, { mode });
}

/** A local CA and a gateway certificate it issued (digitalSignature + nonRepudiation, emailProtection). */
export function makeSelfSignedIdentity(hostname: string, now = new Date()): { caPem: string; certificatePem: string; keyPem: string } {
  const caKeys = rsaKeyPair();
  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(now.getTime() - 3600_000);
  ca.validity.notAfter = new Date(now.getTime() + 20 * 365 * DAY);
  const caName = [{ name: 'countryName', value: 'VN' }, utf8('organizationName', `docgate ${hostname}`), utf8('commonName', `docgate ${hostname} Receipt CA`)];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = rsaKeyPair();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 3600_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * DAY);
  cert.setSubject([{ name: 'countryName', value: 'VN' }, utf8('organizationName', `docgate ${hostname}`), utf8('commonName', `docgate ${hostname}`)]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true },
    { name: 'subjectAltName', altNames: [{ type: 1, value: `postmaster@${hostname}` }] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return { caPem: pki.certificateToPem(ca), certificatePem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}

/** Loads the signing identity; makes one at first start when its files are all missing and selfSigned is on. */
export function loadSigningIdentity(config: Config, log: Logger): SigningIdentity {
  const paths = {
    cert: resolveUnder(config.dataDir, config.docgate.signing.cert),
    key: resolveUnder(config.dataDir, config.docgate.signing.key),
    ca: resolveUnder(config.dataDir, config.docgate.signing.ca),
  };
  if (config.docgate.signing.selfSigned && !existsSync(paths.cert) && !existsSync(paths.key) && !existsSync(paths.ca)) {
    const made = makeSelfSignedIdentity(config.docgate.hostname);
    writeFile(paths.key, made.keyPem, 0o600);
    writeFile(paths.cert, made.certificatePem, 0o644);
    writeFile(paths.ca, made.caPem, 0o644);
    log.info('gateway signing certificate created', { cert: paths.cert, ca: paths.ca });
  }
  const certificatePem = readFileSync(paths.cert, 'utf8');
  const certificate = pki.certificateFromPem(certificatePem);
  const key = pki.privateKeyFromPem(readFileSync(paths.key, 'utf8'));
  const caPem = existsSync(paths.ca) ? readFileSync(paths.ca, 'utf8') : certificatePem;
  const publicKey = certificate.publicKey as forge.pki.rsa.PublicKey;
  if (publicKey.n.compareTo(key.n) !== 0) throw new Error(`signing key ${paths.key} does not match certificate ${paths.cert}`);
  return { certificate, key, certificatePem, caPem, paths };
}
