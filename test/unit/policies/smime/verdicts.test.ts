// Every fixture message through the smime-signature check: the exact findings an auditor expects, the
// signer named when one of several fails, and the result object and trace header for the register.

import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import type { TrustStore } from '../../../../policies/smime/trust-store.js';
import type { SignatureResult } from '../../../../policies/smime/report.js';
import { codes, openTrust, runSmimeCheck, SMIME_MESSAGES } from '../../../helpers/smime.js';
import { SMIME_VERDICTS } from '../../../helpers/smime-verdicts.js';

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
    expect(signer).to.include({
      verified: true,
      subject: 'C=VN, O=UBND tinh Ha Tinh, CN=Signer good-ec256',
      issuer: 'C=VN, O=Docgate Test PKI, CN=Docgate Test Signing CA',
      timeSource: 'signingTime',
      digestAlgorithm: 'sha256',
      key: 'EC P-256',
    });
    expect(signer.emails).to.deep.equal(['vanthu@ubnd.hatinh.gov.vn']);
    expect(signer.signatureAlgorithm).to.match(/ecdsa/);
    expect(signer.notBefore).to.equal('2020-01-01T00:00:00.000Z');
    expect(signer.signingTime).to.equal(signer.evaluatedAt);
    expect(signer.chain.map((c) => c.anchor)).to.deep.equal([false, false, true]);
    expect(signer.chain[2].subject).to.equal('C=VN, O=Docgate Test PKI, CN=Docgate Test Root CA');
    expect(signer.revocation.map((r) => [r.status, r.source])).to.deep.equal([
      ['good', 'crl'],
      ['good', 'crl'],
    ]);
  });

  it('names which of two signers fails, with both results kept', async function () {
    const report = await runSmimeCheck('tampered-two-signers-one-bad.eml', { trust });
    const data = report.data as unknown as SignatureResult;
    expect(data.signers.map((s) => s.verified)).to.deep.equal([true, false]);
    expect(report.findings[0].subject).to.match(/^#2 vanthu@ubnd\.hatinh\.gov\.vn serial [0-9a-f]+$/);
  });
});
