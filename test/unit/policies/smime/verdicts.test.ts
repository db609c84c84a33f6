// Every fixture message through the smime-signature check: the exact findings an auditor expects, the
// signer named when one of several fails, and the result object and trace header for the register.

import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import type { TrustStore } from '../../../../policies/smime/trust-store.js';
import type { SignatureResult } from '../../../../policies/smime/report.js';
import { codes, openTrust, runSmimeCheck, SMIME_MESSAGES } from '../../../helpers/smime.js';

/** Expected findings (in order) and, when it matters, a pattern the first finding's details must show. */
export const SMIME_VERDICTS: Record<string, { codes: string[]; detail?: RegExp; status: SignatureResult['status'] }> = {
  'openssl-detached-rsa.eml': { codes: [], status: 'verified' },
  'openssl-detached-100k.eml': { codes: [], status: 'verified' },
  'openssl-opaque-rsa.eml': { codes: [], status: 'verified' },
  'openssl-detached-ec256.eml': { codes: [], status: 'verified' },
  'openssl-opaque-ec384.eml': { codes: [], status: 'verified' },
  'openssl-detached-pss.eml': { codes: [], status: 'verified' },
  'openssl-detached-no-attributes.eml': { codes: [], status: 'verified' },
  'openssl-detached-two-signers.eml': { codes: [], status: 'verified' },
  'gpgsm-detached.eml': { codes: [], status: 'verified' },
  'gpgsm-opaque.eml': { codes: [], status: 'verified' },
  'unsigned.eml': { codes: [], status: 'unsigned' },
  'openssl-detached-expired.eml': { codes: ['signature-invalid', 'certificate-expired'], detail: /after the certificate expired/, status: 'failed' },
  'openssl-detached-expiring.eml': { codes: ['certificate-expired'], detail: /after signing/, status: 'verified' },
  'openssl-detached-not-yet-valid.eml': { codes: ['certificate-not-yet-valid'], status: 'failed' },
  'openssl-detached-revoked.eml': { codes: ['certificate-revoked'], detail: /keyCompromise/, status: 'failed' },
  'openssl-detached-sha1.eml': { codes: ['signature-weak-algorithm'], detail: /sha1WithRSAEncryption/, status: 'failed' },
  'openssl-detached-sha1-digest.eml': { codes: ['signature-weak-algorithm'], detail: /digest algorithm: weak algorithm: sha1/, status: 'failed' },
  'openssl-detached-rsa1024.eml': { codes: ['signature-weak-algorithm'], detail: /RSA-1024/, status: 'failed' },
  'openssl-detached-no-email-eku.eml': { codes: ['certificate-usage'], detail: /emailProtection/, status: 'failed' },
  'openssl-detached-no-digital-signature.eml': { codes: ['certificate-usage'], detail: /digitalSignature/, status: 'failed' },
  'openssl-detached-self-signed.eml': { codes: ['signature-untrusted'], detail: /self-signed/, status: 'failed' },
  'openssl-detached-untrusted.eml': { codes: ['signature-untrusted'], detail: /no path to a configured trust anchor/, status: 'failed' },
  'openssl-detached-two-signers-one-untrusted.eml': { codes: ['signature-untrusted'], detail: /Unlicensed Root CA/, status: 'failed' },
  'openssl-detached-path-too-long.eml': { codes: ['signature-untrusted'], detail: /path length constraint 0 exceeded/, status: 'failed' },
  'openssl-detached-issued-by-leaf.eml': { codes: ['signature-untrusted'], detail: /is not a CA/, status: 'failed' },
  'openssl-detached-wrong-email.eml': { codes: ['signer-mismatch'], detail: /giamdoc@snv/, status: 'failed' },
  'openssl-detached-leader.eml': { codes: ['signer-mismatch'], detail: /chutich@ubnd/, status: 'failed' },
  'openssl-detached-no-certs.eml': { codes: ['signature-invalid'], detail: /signer certificate is not in the message/, status: 'failed' },
  'openssl-enveloped.eml': { codes: ['encrypted-content'], status: 'encrypted' },
  'tampered-enveloped-attachment.eml': { codes: ['encrypted-content'], detail: /part 3/, status: 'encrypted' },
  'tampered-body-byte.eml': { codes: ['signature-invalid'], detail: /message digest does not match/, status: 'failed' },
  'tampered-attachment-byte.eml': { codes: ['signature-invalid'], detail: /message digest does not match/, status: 'failed' },
  'tampered-opaque-byte.eml': { codes: ['signature-invalid'], detail: /message digest does not match/, status: 'failed' },
  'tampered-signature-bytes.eml': { codes: ['signature-invalid'], detail: /signature value does not verify/, status: 'failed' },
  'tampered-two-signers-one-bad.eml': { codes: ['signature-invalid'], detail: /"signer":2/, status: 'failed' },
  'tampered-econtent-detached.eml': { codes: ['signature-invalid'], detail: /must not carry its own content/, status: 'failed' },
  'tampered-zero-signers.eml': { codes: ['signature-invalid'], detail: /zero SignerInfos/, status: 'failed' },
  'tampered-garbage-der.eml': { codes: ['signature-invalid'], detail: /not a CMS structure/, status: 'failed' },
  'tampered-truncated-der.eml': { codes: ['signature-invalid'], detail: /not a CMS structure/, status: 'failed' },
  'tampered-wrapped.eml': { codes: ['signature-partial'], status: 'partial' },
  'tampered-added-outside.eml': { codes: ['signature-partial'], status: 'partial' },
  'tampered-third-part.eml': { codes: ['signature-partial'], detail: /3 parts/, status: 'partial' },
  'tampered-loose-signature.eml': { codes: ['signature-partial'], detail: /application\/pkcs7-signature/, status: 'partial' },
};

describe('smime-signature verdicts on the fixture messages', function () {
  let trust: TrustStore;
  before(async () => {
    trust = await openTrust(undefined, 60_000);
  });

  it('covers every fixture message', function () {
    const files = readdirSync(SMIME_MESSAGES).filter((n) => n.endsWith('.eml'));
    expect(files.filter((f) => !SMIME_VERDICTS[f])).to.deep.equal([]);
  });

  for (const [name, expected] of Object.entries(SMIME_VERDICTS)) {
    it(`${name}: ${expected.codes.join(', ') || 'accepted'}`, async function () {
      const report = await runSmimeCheck(name, { trust });
      expect(codes(report), JSON.stringify(report.findings)).to.deep.equal(expected.codes);
      if (expected.detail) expect(JSON.stringify(report.findings[0].details)).to.match(expected.detail);
      const data = report.data as unknown as SignatureResult;
      expect(data.status).to.equal(expected.status);
      expect(data.reason).to.equal(expected.codes[0] ?? 'ok');
      const header = report.headers ?? [];
      if (expected.status === 'verified') {
        expect(header.length).to.equal(data.signers.length);
        for (const [i, signer] of data.signers.entries()) {
          expect(header[i]).to.match(new RegExp(`^X-Docgate-Signature: verified; signer=${signer.emails[0]}; serial=${signer.serial}`));
        }
      } else if (expected.status === 'unsigned') {
        expect(header).to.deep.equal(['X-Docgate-Signature: none']);
      } else {
        expect(header).to.deep.equal([`X-Docgate-Signature: failed; reason=${expected.codes[0]}`]);
      }
      for (const line of header) expect(line).to.match(/^X-Docgate-[A-Za-z0-9-]+: [\x20-\x7e]*$/);
    });
  }

  it('records each signer: subject, e-mail, issuer, serial, validity, signing time, chain, revocation, algorithms', async function () {
    const data = (await runSmimeCheck('openssl-detached-ec256.eml', { trust })).data as unknown as SignatureResult;
    expect(data).to.include({ signed: true, status: 'verified', format: 'detached', micalg: 'sha-256', reason: 'ok' });
    const [signer] = data.signers;
    expect(signer).to.include({ verified: true, subject: 'C=VN, O=UBND tinh Ha Tinh, CN=Signer good-ec256', issuer: 'C=VN, O=Docgate Test PKI, CN=Docgate Test Signing CA', timeSource: 'signingTime', digestAlgorithm: 'sha256', key: 'EC P-256' });
    expect(signer.emails).to.deep.equal(['vanthu@ubnd.hatinh.gov.vn']);
    expect(signer.signatureAlgorithm).to.match(/ecdsa/);
    expect(signer.notBefore).to.equal('2020-01-01T00:00:00.000Z');
    expect(signer.signingTime).to.equal(signer.evaluatedAt);
    expect(signer.chain.map((c) => c.anchor)).to.deep.equal([false, false, true]);
    expect(signer.chain[2].subject).to.equal('C=VN, O=Docgate Test PKI, CN=Docgate Test Root CA');
    expect(signer.revocation.map((r) => [r.status, r.source])).to.deep.equal([['good', 'crl'], ['good', 'crl']]);
  });

  it('names which of two signers fails, with both results kept', async function () {
    const report = await runSmimeCheck('tampered-two-signers-one-bad.eml', { trust });
    const data = report.data as unknown as SignatureResult;
    expect(data.signers.map((s) => s.verified)).to.deep.equal([true, false]);
    expect(report.findings[0].subject).to.match(/^#2 vanthu@ubnd\.hatinh\.gov\.vn serial [0-9a-f]+$/);
  });
});
