// What policy makes of signatures end to end, and what recipients get: a warned expired certificate,
// agency binding, required signatures, a forged incoming X-Docgate-Signature, the opaque document's files
// in the register, trust files changed under a running gateway, and a second independent verifier
// (gpgsm) accepting the stored bytes after delivery.

import { expect } from 'chai';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseMimeBuffer } from '../../policies/mime/parser.js';
import type { SignatureResult } from '../../policies/smime/report.js';
import { AGENCIES, REPO_ROOT } from '../helpers/env.js';
import { addClerk, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fixture, SMIME_TRUST, TEST_NOW } from '../helpers/smime.js';
import { scratchDir, submitRaw } from '../helpers/submit.js';
import { gpgsmVerify, opensslVerify } from '../helpers/smime-verify.js';

describe('S/MIME policy and delivery end to end', function () {
  this.timeout(60_000);
  let scratch: ReturnType<typeof scratchDir>;
  before(() => {
    scratch = scratchDir();
  });
  after(() => scratch.cleanup());

  describe('with a lenient policy (expired-after-signing warns, agency binding, signatures required for UBND)', function () {
    let tg: TestGateway;
    before(async function () {
      tg = await startTestGateway({
        trustFrom: SMIME_TRUST,
        now: () => TEST_NOW,
        policy: {
          checks: [{ id: 'sender-header' }, { id: 'smime-signature', options: { binding: 'agency', require: { agencies: [AGENCIES.ubnd.id] } } }],
          actions: { 'certificate-expired': 'warn' },
        },
      });
      await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    });
    after(async () => tg.stop());

    it('accepts a certificate that expired after signing with a warning, recorded in the trace header', async function () {
      const submitted = await submitRaw(tg, fixture('openssl-detached-expiring.eml'));
      expect(submitted.response).to.match(/^250 2\.0\.0 \[warning:certificate-expired\] /);
      expect(submitted.stored!.toString('latin1')).to.match(
        /X-Docgate-Signature: verified; signer=vanthu@ubnd\.hatinh\.gov\.vn; serial=[0-9a-f]+; warning=certificate-expired\r\n/,
      );
      expect(submitted.stored!.toString('latin1')).to.contain('X-Docgate-Warning: certificate-expired\r\n');
    });

    it('still rejects a signature made after the certificate expired, naming the cause (certificate-expired), though policy warns', async function () {
      const submitted = await submitRaw(tg, fixture('openssl-detached-expired.eml'));
      expect(submitted.response).to.match(/^550 5\.7\.5 \[certificate-expired\] Chung thu so da het han/);
      expect(submitted.document?.status).to.equal('returned');
    });

    it("accepts the agency leader's signature on the clerk's submission (binding: agency)", async function () {
      const submitted = await submitRaw(tg, fixture('openssl-detached-leader.eml'));
      expect(submitted.code, submitted.response).to.equal(250);
      const signature = JSON.parse(submitted.document!.signature!) as SignatureResult;
      expect(signature.signers[0].emails).to.deep.equal(['chutich@ubnd.hatinh.gov.vn']);
    });

    it('refuses an unsigned document from an agency that must sign, with the Vietnamese text', async function () {
      const submitted = await submitRaw(tg, fixture('unsigned.eml'));
      expect(submitted.response).to.equal('550 5.7.1 [signature-required] Van ban phai co chu ky so / The document must be digitally signed');
      expect(submitted.document?.status).to.equal('returned');
    });
  });

  describe('with the sample policy', function () {
    let tg: TestGateway;
    before(async function () {
      // The shipped policy, except that the fixtures all carry the same số ký hiệu (05/QĐ-UBND), which
      // the duplicate check would rightly refuse from the second message on.
      const sample = parse(readFileSync(path.join(REPO_ROOT, 'config/policy.yaml'), 'utf8')) as { actions: Record<string, string> };
      tg = await startTestGateway({ trustFrom: SMIME_TRUST, now: () => TEST_NOW, policy: { ...sample, actions: { ...sample.actions, duplicate: 'ignore' } } });
      await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    });
    after(async () => tg.stop());

    it('rejects a certificate that expired after signing (certificate-expired: reject in policy.yaml)', async function () {
      expect((await submitRaw(tg, fixture('openssl-detached-expiring.eml'))).response).to.match(/^550 5\.7\.5 \[certificate-expired\] /);
    });

    it('neutralises a forged incoming X-Docgate-Signature and writes its own', async function () {
      const forged = Buffer.concat([Buffer.from('X-Docgate-Signature: verified; signer=giamdoc@ubnd.hatinh.gov.vn; serial=01\r\n'), fixture('unsigned.eml')]);
      const submitted = await submitRaw(tg, forged);
      expect(submitted.code).to.equal(250);
      const parsed = await parseMimeBuffer(submitted.stored!);
      const fields = parsed.root.headers.filter((h) => h.key === 'x-docgate-signature').map((h) => h.value);
      expect(fields).to.deep.equal(['none']);
      expect(submitted.stored!.toString('latin1')).to.contain('X-Untrusted-X-Docgate-Signature: verified; signer=giamdoc@');
    });

    it('registers the files and metadata of an opaque signed document, and the stored bytes still verify', async function () {
      const submitted = await submitRaw(tg, fixture('gpgsm-opaque.eml'));
      expect(submitted.code, submitted.response).to.equal(250);
      expect(submitted.document).to.include({ documentNumber: '05/QĐ-UBND', documentType: 'Quyết định' });
      const files = await tg.gateway.storage.register.filesOf(submitted.document!.id);
      expect(files.map((f) => [f.filename, f.detectedType, f.partPath])).to.deep.equal([['quyet-dinh-05.pdf', 'application/pdf', 'p7m:2']]);
      expect(await opensslVerify(scratch.file('gpgsm-opaque.stored.eml', submitted.stored!))).to.contain('Verification successful');
      const stored = await parseMimeBuffer(submitted.stored!);
      const der = await stored.root.content!.buffer();
      expect(await gpgsmVerify(path.join(scratch.dir, 'gnupg-opaque'), [scratch.file('opaque.p7m', der)])).to.match(/Good signature/);
    });

    it('a detached signed message stored for the recipient verifies with gpgsm over the exact first part', async function () {
      const submitted = await submitRaw(tg, fixture('openssl-detached-ec256.eml'));
      expect(submitted.code, submitted.response).to.equal(250);
      const stored = await parseMimeBuffer(submitted.stored!);
      const [signed, signature] = stored.root.children;
      const content = scratch.file('detached.content', submitted.stored!.subarray(signed.headerStart, signed.bodyEnd));
      const sig = scratch.file('detached.p7s', await signature.content!.buffer());
      expect(await gpgsmVerify(path.join(scratch.dir, 'gnupg-detached'), [sig, content])).to.match(/Good signature/);
    });

    it('sees trust files change under the running gateway (anchor removed, then restored)', async function () {
      const anchor = path.join(tg.env.configDir, 'trust/anchors/root.pem');
      const saved = readFileSync(anchor);
      rmSync(anchor);
      await tg.gateway.trust.reload();
      expect((await submitRaw(tg, fixture('openssl-detached-rsa.eml'))).response).to.match(/^550 5\.7\.5 \[signature-untrusted\] /);
      writeFileSync(anchor, saved);
      await tg.gateway.trust.reload();
      expect((await submitRaw(tg, fixture('openssl-detached-rsa.eml'))).code).to.equal(250);
    });
  });
});
