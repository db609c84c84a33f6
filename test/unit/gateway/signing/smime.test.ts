// The gateway's detached signatures verify with OpenSSL against the signing CA, and stop verifying
// when one byte of the signed part changes.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { makeSelfSignedIdentity, type SigningIdentity } from '../../../../gateway/signing/identity.js';
import { signedMessage } from '../../../../gateway/signing/smime.js';

describe('gateway signing', function () {
  this.timeout(30_000);
  let dir: string;
  let identity: SigningIdentity;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-signing-'));
    const made = makeSelfSignedIdentity('gw.example.vn');
    writeFileSync(path.join(dir, 'ca.crt'), made.caPem);
    identity = {
      certificate: forge.pki.certificateFromPem(made.certificatePem),
      key: forge.pki.privateKeyFromPem(made.keyPem),
      certificatePem: made.certificatePem,
      caPem: made.caPem,
      paths: { cert: '', key: '', ca: path.join(dir, 'ca.crt') },
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const verify = (message: Buffer) => {
    const file = path.join(dir, 'm.eml');
    writeFileSync(file, message);
    return spawnSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', path.join(dir, 'ca.crt'), '-purpose', 'smimesign', '-out', path.join(dir, 'out')], {
      encoding: 'utf8',
    });
  };

  it('a signed message verifies with openssl cms -verify against the signing CA', () => {
    const entity = Buffer.from('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nBiên nhận / Receipt\n', 'utf8');
    const message = signedMessage(identity, ['From: docgate <postmaster@gw.example.vn>', 'Subject: receipt'], entity);
    const result = verify(message);
    expect(result.stderr).to.contain('Verification successful');
    expect(result.status).to.equal(0);
  });

  it('one changed byte of the signed part fails verification', () => {
    const entity = Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nSHA-256: 00ff\r\n', 'utf8');
    const message = signedMessage(identity, ['Subject: receipt'], entity);
    const tampered = Buffer.from(message.toString('binary').replace('SHA-256: 00ff', 'SHA-256: 00fe'), 'binary');
    expect(tampered.equals(message)).to.equal(false);
    const result = verify(tampered);
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(/digest failure|verification failure/i);
  });
});
