// RFC 3161 signature time-stamps end to end: a clerk's certificate valid for a day, a document signed and
// time-stamped (openssl ts, TSA under the configured anchor) while it was valid, received ten days later.
// Without a token it is refused (signed, as far as anyone can prove, after expiry); with a trusted token
// it is accepted; a token about another signature is signature-invalid; a TSA outside the anchors is
// ignored by default or refused by policy; acceptExpired: false leaves expiry to the actions.

import { expect } from 'chai';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { SignatureResult } from '../../policies/smime/report.js';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { innerDocument } from '../helpers/smime-sign.js';
import { scratchDir, submitRaw } from '../helpers/submit.js';
import {
  addTimeStampToken,
  issue,
  makeCa,
  SIGNER_EXT,
  signatureValueOf,
  signDetached,
  timeStampToken,
  TSA_EXT,
  tsaConfig,
  withSignaturePart,
} from '../helpers/tsa.js';

const DAY = 86_400_000;

describe('RFC 3161 signature time-stamps', function () {
  this.timeout(120_000);
  let scratch: ReturnType<typeof scratchDir>;
  let tg: TestGateway;
  let signer: { cert: string; key: string };
  let trustedTsa: string;
  let untrustedTsa: string;
  let n = 0;

  const policy = (timeStamp: Record<string, unknown> = {}) => ({
    checks: [{ id: 'sender-header' }, { id: 'smime-signature', options: { revocation: { missing: 'accept' }, timeStamp } }],
    actions: {},
  });
  const setPolicy = (timeStamp: Record<string, unknown>) => {
    writeFileSync(path.join(tg.env.configDir, 'policy.yaml'), stringify(policy(timeStamp)));
    expect(tg.gateway.reloadPolicy()).to.deep.equal({ ok: true });
  };

  function signed(stamp?: (signature: Buffer) => Buffer): Buffer {
    n++;
    const message = signDetached(scratch.dir, signer, innerDocument(`${n}/UBND-VP`, '01/12/2026'), {
      from: AGENCIES.ubnd.address,
      to: AGENCIES.snv.address,
      subject: `Ky so ${n}`,
      messageId: `<ts.${n}.${Date.now()}@ubnd.hatinh.gov.vn>`,
    });
    return stamp ? withSignaturePart(message, (cms) => addTimeStampToken(cms, stamp(signatureValueOf(cms)))) : message;
  }

  before(async () => {
    scratch = scratchDir();
    const pki = path.join(scratch.dir, 'pki');
    const root = makeCa(pki, 'Test Root');
    signer = issue(pki, root, 'signer', `/C=VN/O=UBND tinh Ha Tinh/CN=Van thu/emailAddress=${AGENCIES.ubnd.address}`, SIGNER_EXT(AGENCIES.ubnd.address), 1);
    const tsaDir = path.join(scratch.dir, 'tsa');
    mkdirSync(tsaDir);
    trustedTsa = tsaConfig(tsaDir, issue(pki, root, 'tsa', '/C=VN/O=Docgate TSA Test/CN=Test TSA', TSA_EXT, 3650));
    const other = makeCa(path.join(scratch.dir, 'other'), 'Other Root');
    const otherDir = path.join(scratch.dir, 'tsa-other');
    mkdirSync(otherDir);
    untrustedTsa = tsaConfig(otherDir, issue(path.join(scratch.dir, 'other'), other, 'tsa-other', '/C=VN/O=Elsewhere/CN=Untrusted TSA', TSA_EXT, 3650));
    const trust = path.join(scratch.dir, 'trust');
    for (const d of ['anchors', 'intermediates', 'crl']) mkdirSync(path.join(trust, d), { recursive: true });
    cpSync(root.cert, path.join(trust, 'anchors/root.pem'));
    // Ten days on: the signer's one-day certificate has long expired.
    tg = await startTestGateway({ trustFrom: trust, now: () => new Date(Date.now() + 10 * DAY), policy: policy() });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  });
  after(async () => {
    await tg?.stop();
    scratch?.cleanup();
  });

  it('without a time-stamp: refused as signed after expiry (certificate-expired)', async () => {
    expect((await submitRaw(tg, signed())).response).to.match(/^550 5\.7\.5 \[certificate-expired\] /);
  });

  it('with a trusted time-stamp made while the certificate was valid: accepted, the signing time is the genTime', async () => {
    const submitted = await submitRaw(
      tg,
      signed((sig) => timeStampToken(path.dirname(trustedTsa), trustedTsa, sig)),
    );
    expect(submitted.response).to.match(/^250 2\.0\.0 Da nhan/);
    expect(submitted.stored!.toString('latin1')).to.match(/X-Docgate-Signature: verified; signer=vanthu@ubnd\.hatinh\.gov\.vn; serial=[0-9a-f]+\r\n/);
    const signature = JSON.parse(submitted.document!.signature!) as SignatureResult;
    const [s] = signature.signers;
    expect(s).to.include({ timeSource: 'timeStamp', expiredAfterTimeStamp: true });
    expect(s.timeStamps.map((t) => [t.status, t.tsa])).to.deep.equal([['trusted', 'C=VN, O=Docgate TSA Test, CN=Test TSA']]);
    expect(Math.abs(new Date(s.evaluatedAt).getTime() - Date.now())).to.be.below(120_000);
  });

  it('a token whose imprint is not this signature: signature-invalid', async () => {
    const submitted = await submitRaw(
      tg,
      signed(() => timeStampToken(path.dirname(trustedTsa), trustedTsa, Buffer.from('another signature'))),
    );
    expect(submitted.response).to.match(/^550 5\.7\.7 \[signature-invalid\] /);
    const signature = JSON.parse(submitted.document!.signature!) as SignatureResult;
    expect(signature.signers[0].timeStamps[0]).to.include({ status: 'invalid' });
    expect(signature.signers[0].timeStamps[0].detail).to.contain('imprint does not match');
  });

  it('a token whose TSA signature was altered: signature-invalid', async () => {
    const tampered = (sig: Buffer) => {
      const token = timeStampToken(path.dirname(trustedTsa), trustedTsa, sig);
      token[token.length - 1] ^= 0x01; // the last byte of the TSA's signature value
      return token;
    };
    const submitted = await submitRaw(tg, signed(tampered));
    expect(submitted.response).to.match(/^550 5\.7\.7 \[signature-invalid\] /);
    expect((JSON.parse(submitted.document!.signature!) as SignatureResult).signers[0].timeStamps[0].detail).to.match(/^time-stamp signature: /);
  });

  it('a TSA outside the anchors: ignored by default (judged as without), refused with timeStamp.untrusted: reject', async () => {
    const fromOther = (sig: Buffer) => timeStampToken(path.dirname(untrustedTsa), untrustedTsa, sig);
    const ignored = await submitRaw(tg, signed(fromOther));
    expect(ignored.response).to.match(/^550 5\.7\.5 \[certificate-expired\] /);
    expect((JSON.parse(ignored.document!.signature!) as SignatureResult).signers[0].timeStamps[0]).to.include({ status: 'untrusted' });
    setPolicy({ untrusted: 'reject' });
    try {
      expect((await submitRaw(tg, signed(fromOther))).response).to.match(/^550 5\.7\.5 \[signature-untrusted\] /);
    } finally {
      setPolicy({});
    }
  });

  it('timeStamp.acceptExpired: false leaves the expiry after signing to the actions (certificate-expired: reject)', async () => {
    setPolicy({ acceptExpired: false });
    try {
      const submitted = await submitRaw(
        tg,
        signed((sig) => timeStampToken(path.dirname(trustedTsa), trustedTsa, sig)),
      );
      expect(submitted.response).to.match(/^550 5\.7\.5 \[certificate-expired\] /);
      expect(JSON.stringify(submitted.document!.signature)).to.contain('after signing');
    } finally {
      setPolicy({});
    }
  });
});
