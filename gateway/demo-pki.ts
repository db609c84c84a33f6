// The demo's signing PKI (demo mode only): a demo CA under data/demo/, trusted through data/demo/trust/
// (never through the configuration directory, so a production configuration cannot inherit it), a fresh
// CRL at every start, and one S/MIME certificate per demo clerk as a PKCS#12 file Thunderbird imports.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

const { asn1, pki } = forge;

const DEMO_DIR = 'demo';

export interface DemoPkiPaths {
  root: string;
  caCert: string;
  caKey: string;
  /** Extra trust directories handed to the trust store in demo mode. */
  anchors: string;
  crl: string;
  clerks: string;
}

export function demoPkiPaths(dataDir: string): DemoPkiPaths {
  const root = path.join(dataDir, DEMO_DIR);
  return {
    root,
    caCert: path.join(root, 'trust/anchors/demo-ca.pem'),
    caKey: path.join(root, 'ca/demo-ca.key'),
    anchors: path.join(root, 'trust/anchors'),
    crl: path.join(root, 'trust/crl'),
    clerks: path.join(root, 'smime'),
  };
}

const DAY = 86_400_000;
const utf8 = (name: string, value: string): forge.pki.CertificateField => ({ name, value, valueTagClass: asn1.Type.UTF8 as unknown as forge.asn1.Class });

function serial(): string {
  // Positive (top bit clear) 16-byte serial.
  return '1' + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

function writePrivate(file: string, data: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, data, { mode: 0o600 });
}

interface Ca {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

/** The demo CA, made on first use; kept across starts so certificates already imported stay trusted. */
export function ensureDemoCa(paths: DemoPkiPaths, now: Date): { ca: Ca; created: boolean } {
  if (existsSync(paths.caCert) && existsSync(paths.caKey)) {
    return {
      ca: { cert: pki.certificateFromPem(readFileSync(paths.caCert, 'utf8')), key: pki.privateKeyFromPem(readFileSync(paths.caKey, 'utf8')) },
      created: false,
    };
  }
  const keys = pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 3600_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * DAY);
  const name = [
    { name: 'countryName', value: 'VN' },
    utf8('organizationName', 'docgate demo (khong dung that / not for real use)'),
    utf8('commonName', 'docgate Demo Signing CA'),
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  writePrivate(paths.caKey, pki.privateKeyToPem(keys.privateKey));
  mkdirSync(path.dirname(paths.caCert), { recursive: true, mode: 0o700 });
  writeFileSync(paths.caCert, pki.certificateToPem(cert), { mode: 0o644 });
  return { ca: { cert, key: keys.privateKey }, created: true };
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const CRL_NUMBER = '2.5.29.20';

/** An empty CRL (v2, CRL number) signed by the demo CA, valid a year: node-forge writes no CRLs itself. */
export function writeDemoCrl(paths: DemoPkiPaths, ca: Ca, now: Date): void {
  const { Class, Type } = asn1;
  const algorithm = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA).getBytes()),
    asn1.create(Class.UNIVERSAL, Type.NULL, false, ''),
  ]);
  const time = (d: Date) => asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(d));
  const crlNumber = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(CRL_NUMBER).getBytes()),
    asn1.create(
      Class.UNIVERSAL,
      Type.OCTETSTRING,
      false,
      asn1.toDer(asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(Math.floor(now.getTime() / 1000)).getBytes())).getBytes(),
    ),
  ]);
  const tbs = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(1).getBytes()),
    algorithm,
    pki.distinguishedNameToAsn1(ca.cert.subject),
    time(new Date(now.getTime() - 3600_000)),
    time(new Date(now.getTime() + 365 * DAY)),
    asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [crlNumber])]),
  ]);
  const md = forge.md.sha256.create();
  md.update(asn1.toDer(tbs).getBytes());
  const signature = ca.key.sign(md);
  const crl = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    tbs,
    algorithm,
    asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, String.fromCharCode(0) + signature),
  ]);
  const der = Buffer.from(asn1.toDer(crl).getBytes(), 'binary');
  mkdirSync(paths.crl, { recursive: true, mode: 0o700 });
  writeFileSync(
    path.join(paths.crl, 'demo-ca.crl.pem'),
    `-----BEGIN X509 CRL-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END X509 CRL-----\n`,
    { mode: 0o644 },
  );
}

export interface DemoClerkCertificate {
  file: string;
  password: string;
}

/** An S/MIME signing certificate for `email` under the demo CA, as a PKCS#12 file (3DES, SHA-1 MAC: what every client imports). */
export function issueClerkCertificate(
  paths: DemoPkiPaths,
  ca: Ca,
  clerk: { email: string; agencyName: string },
  password: string,
  now: Date,
): DemoClerkCertificate {
  const keys = pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 3600_000);
  cert.validity.notAfter = new Date(now.getTime() + 825 * DAY);
  cert.setSubject([
    { name: 'countryName', value: 'VN' },
    utf8('organizationName', clerk.agencyName),
    utf8('commonName', `Van thu ${clerk.email}`),
    { name: 'emailAddress', value: clerk.email },
  ]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true },
    { name: 'subjectAltName', altNames: [{ type: 1, value: clerk.email }] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert, ca.cert], password, { algorithm: '3des', friendlyName: clerk.email });
  const file = path.join(paths.clerks, `${clerk.email}.p12`);
  writePrivate(file, Buffer.from(asn1.toDer(p12).getBytes(), 'binary'));
  return { file, password };
}
