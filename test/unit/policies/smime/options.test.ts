// What policy decides: sender binding (From or agency), the signingTime skew, stale / missing / forged
// CRLs, trust files changing under a running store, and when an unsigned document is refused.

import { expect } from 'chai';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { blocksOf } from '../../../../policies/smime/trust-store.js';
import type { SignatureResult } from '../../../../policies/smime/report.js';
import { AGENCIES } from '../../../helpers/env.js';
import { codes, copyTrust, openTrust, runSmimeCheck, SIGNED_AT, SMIME_FIXTURES, SMIME_TRUST_STALE, TEST_NOW } from '../../../helpers/smime.js';
import { TrustStore } from '../../../../policies/smime/trust-store.js';
import { silentLog } from '../../../helpers/smime.js';

const HOUR = 3_600_000;

describe('smime-signature policy options', function () {
  describe('binding', function () {
    it('agency: a signer with another address of the sender agency is accepted', async function () {
      expect(codes(await runSmimeCheck('openssl-detached-leader.eml', { options: { binding: 'agency' } }))).to.deep.equal([]);
    });
    it('agency: a signer of another agency is still signer-mismatch', async function () {
      const report = await runSmimeCheck('openssl-detached-wrong-email.eml', { options: { binding: 'agency' } });
      expect(codes(report)).to.deep.equal(['signer-mismatch']);
      expect(JSON.stringify(report.findings[0].details)).to.contain(`an address of agency ${AGENCIES.ubnd.id}`);
    });
    it('from: the e-mail of the subject (emailAddress) counts when there is no subjectAltName', async function () {
      // The leader certificate names chutich@ only in its subject; the mismatch names that address.
      const report = await runSmimeCheck('openssl-detached-leader.eml');
      expect(JSON.stringify(report.findings[0].details)).to.contain('certificate names chutich@ubnd.hatinh.gov.vn');
    });
  });

  describe('signing time', function () {
    it('uses signingTime within the skew: the expiring certificate expired after signing', async function () {
      const report = await runSmimeCheck('openssl-detached-expiring.eml', { options: { signingTimeSkew: '24h' } });
      expect(codes(report)).to.deep.equal(['certificate-expired']);
      expect((report.data as unknown as SignatureResult).signers[0].timeSource).to.equal('signingTime');
    });
    it('ignores signingTime outside the skew and judges at arrival: then it was signed after expiry', async function () {
      const report = await runSmimeCheck('openssl-detached-expiring.eml', { options: { signingTimeSkew: '30m' } });
      // The signature value verifies: the sender hears the cause, certificate-expired, which no policy may accept.
      expect(codes(report)).to.deep.equal(['certificate-expired']);
      expect(report.findings[0].mandatory).to.equal(true);
      const signer = (report.data as unknown as SignatureResult).signers[0];
      expect(signer).to.include({ timeSource: 'arrival', evaluatedAt: TEST_NOW.toISOString() });
      expect(new Date(signer.signingTime!).getTime()).to.be.closeTo(SIGNED_AT.getTime(), 60_000);
    });
    it('a signingTime in the future beyond the skew is not believed', async function () {
      const report = await runSmimeCheck('openssl-detached-rsa.eml', { now: new Date(SIGNED_AT.getTime() - 48 * HOUR) });
      expect((report.data as unknown as SignatureResult).signers[0].timeSource).to.equal('arrival');
      expect(codes(report)).to.deep.equal([]);
    });
  });

  describe('revocation', function () {
    it('stale CRL: defer (4xx) by default, reject or accept as configured', async function () {
      const trust = await openTrust(SMIME_TRUST_STALE);
      const deferred = await runSmimeCheck('openssl-detached-rsa.eml', { trust });
      expect(codes(deferred)).to.deep.equal(['internal-error']);
      expect(JSON.stringify(deferred.findings[0].details)).to.contain('CRL is stale');
      expect(codes(await runSmimeCheck('openssl-detached-rsa.eml', { trust, options: { revocation: { stale: 'reject' } } }))).to.deep.equal([
        'signature-untrusted',
      ]);
      const accepted = await runSmimeCheck('openssl-detached-rsa.eml', { trust, options: { revocation: { stale: 'accept' } } });
      expect(codes(accepted)).to.deep.equal([]);
      expect((accepted.data as unknown as SignatureResult).signers[0].revocation[0]).to.include({ status: 'good', stale: true });
    });

    it('a stale CRL still proves a revocation, whatever the freshness policy', async function () {
      const trust = await openTrust(SMIME_TRUST_STALE);
      for (const stale of ['accept', 'defer', 'reject']) {
        const report = await runSmimeCheck('openssl-detached-revoked.eml', { trust, options: { revocation: { stale } } });
        expect(codes(report)[0], stale).to.equal('certificate-revoked');
      }
    });

    it('missing CRL: reject by default, accept or defer as configured', async function () {
      const copy = copyTrust();
      try {
        rmSync(path.join(copy.paths.crl, 'intermediate.crl.pem'));
        const trust = await TrustStore.open({ paths: copy.paths, log: silentLog });
        const rejected = await runSmimeCheck('openssl-detached-rsa.eml', { trust });
        expect(codes(rejected)).to.deep.equal(['signature-untrusted']);
        expect(JSON.stringify(rejected.findings[0].details)).to.contain('no CRL from C=VN, O=Docgate Test PKI, CN=Docgate Test Signing CA');
        expect(codes(await runSmimeCheck('openssl-detached-rsa.eml', { trust, options: { revocation: { missing: 'defer' } } }))).to.deep.equal([
          'internal-error',
        ]);
        // With missing CRLs accepted, a revoked certificate cannot be detected: that is what "accept" means.
        expect(codes(await runSmimeCheck('openssl-detached-revoked.eml', { trust, options: { revocation: { missing: 'accept' } } }))).to.deep.equal([]);
      } finally {
        copy.cleanup();
      }
    });

    it('a CRL whose signature does not verify is not used', async function () {
      const copy = copyTrust();
      try {
        const file = path.join(copy.paths.crl, 'intermediate.crl.pem');
        const der = blocksOf(readFileSync(file))[0].der;
        der[der.length - 5] ^= 0x01;
        writeFileSync(file, der);
        const trust = await TrustStore.open({ paths: copy.paths, log: silentLog });
        const report = await runSmimeCheck('openssl-detached-revoked.eml', { trust });
        expect(codes(report)).to.deep.equal(['signature-untrusted']);
        expect(JSON.stringify(report.findings[0].details)).to.match(/revocation status unknown: CRL [0-9a-f]+: signature does not verify/);
      } finally {
        copy.cleanup();
      }
    });

    it('a CRL signed by another CA under the same name is not used', async function () {
      const copy = copyTrust();
      try {
        // The unlicensed root's CRL renamed into place: its issuer name differs from the intermediate's.
        rmSync(path.join(copy.paths.crl, 'intermediate.crl.pem'));
        writeFileSync(path.join(copy.paths.crl, 'other.crl.pem'), readFileSync(path.join(SMIME_FIXTURES, 'pki/untrusted-root.crl.pem')));
        const trust = await TrustStore.open({ paths: copy.paths, log: silentLog });
        expect(codes(await runSmimeCheck('openssl-detached-revoked.eml', { trust }))).to.deep.equal(['signature-untrusted']);
      } finally {
        copy.cleanup();
      }
    });
  });

  describe('trust store reload', function () {
    it('picks up a removed anchor and reports unreadable files', async function () {
      const copy = copyTrust();
      try {
        const trust = await TrustStore.open({ paths: copy.paths, log: silentLog, checkIntervalMs: 0 });
        const v1 = (await trust.current()).version;
        expect(codes(await runSmimeCheck('openssl-detached-rsa.eml', { trust }))).to.deep.equal([]);
        expect((await trust.current()).version, 'unchanged files keep the snapshot').to.equal(v1);

        rmSync(path.join(copy.paths.anchors, 'root.pem'));
        writeFileSync(path.join(copy.paths.anchors, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
        const report = await runSmimeCheck('openssl-detached-rsa.eml', { trust });
        expect(codes(report)).to.deep.equal(['signature-untrusted']);
        const snapshot = await trust.current();
        expect(snapshot.version).to.be.greaterThan(v1);
        expect(snapshot.problems.join('\n')).to.contain('broken.pem');
      } finally {
        copy.cleanup();
      }
    });

    it('checks the files at most every checkIntervalMs', async function () {
      const copy = copyTrust();
      try {
        const trust = await TrustStore.open({ paths: copy.paths, log: silentLog, checkIntervalMs: 60_000 });
        const v1 = (await trust.current()).version;
        rmSync(path.join(copy.paths.anchors, 'root.pem'));
        expect((await trust.current()).version).to.equal(v1);
        expect((await trust.reload()).version).to.be.greaterThan(v1);
      } finally {
        copy.cleanup();
      }
    });
  });

  describe('signature-required', function () {
    it('accepts unsigned documents by default (Dieu 3.2)', async function () {
      expect(codes(await runSmimeCheck('unsigned.eml'))).to.deep.equal([]);
    });
    it('refuses them for listed agencies, listed document types (without diacritics), or all', async function () {
      expect(codes(await runSmimeCheck('unsigned.eml', { options: { require: { agencies: [AGENCIES.ubnd.id] } } }))).to.deep.equal(['signature-required']);
      expect(codes(await runSmimeCheck('unsigned.eml', { options: { require: { agencies: [AGENCIES.snv.id] } } }))).to.deep.equal([]);
      expect(codes(await runSmimeCheck('unsigned.eml', { options: { require: { documentTypes: ['quyet dinh'] } } }))).to.deep.equal(['signature-required']);
      expect(codes(await runSmimeCheck('unsigned.eml', { options: { require: { documentTypes: ['Công văn'] } } }))).to.deep.equal([]);
      expect(codes(await runSmimeCheck('unsigned.eml', { options: { require: { all: true } } }))).to.deep.equal(['signature-required']);
    });
    it('a signed document satisfies the requirement', async function () {
      expect(codes(await runSmimeCheck('openssl-opaque-rsa.eml', { options: { require: { all: true } } }))).to.deep.equal([]);
    });
  });
});
