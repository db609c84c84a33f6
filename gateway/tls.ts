// TLS material: the configured certificate and key, or a self-signed pair made with node-forge at
// first start (for the demo and tests; production configs point at real files).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import type { Config } from '../config/load.js';
import { resolveUnder } from '../config/load.js';
import type { Logger } from '../config/log.js';

/**
 * Mozilla's "intermediate" server profile (v5.7), for every listener: TLS 1.2 only with ECDHE key
 * exchange and AEAD ciphers (no static RSA, no CBC/SHA-1), and TLS 1.3. Clients pick the order.
 */
export const TLS_PROFILE = Object.freeze({
  minVersion: 'TLSv1.2' as const,
  ciphers: [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  ecdhCurve: 'X25519:prime256v1:secp384r1',
  honorCipherOrder: false,
});

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

export function makeSelfSignedCertificate(hostname: string, now = new Date()): { cert: string; key: string } {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 825 * 86_400_000);
  const attrs = [
    { name: 'commonName', value: hostname },
    { name: 'organizationName', value: 'docgate (self-signed)' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: hostname },
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Loads the certificate and key; creates a self-signed pair when both are missing and selfSigned is on. */
export function loadTlsMaterial(config: Config, log: Logger): TlsMaterial {
  const certPath = resolveUnder(config.dataDir, config.docgate.tls.cert);
  const keyPath = resolveUnder(config.dataDir, config.docgate.tls.key);
  if (!existsSync(certPath) && !existsSync(keyPath) && config.docgate.tls.selfSigned) {
    mkdirSync(path.dirname(certPath), { recursive: true });
    mkdirSync(path.dirname(keyPath), { recursive: true });
    const pair = makeSelfSignedCertificate(config.docgate.hostname);
    writeFileSync(keyPath, pair.key, { mode: 0o600 });
    writeFileSync(certPath, pair.cert, { mode: 0o600 });
    log.info('self-signed TLS certificate created', { cert: certPath });
  }
  return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
}
