// The pdf-signature check on PDFs signed by openssl over their /ByteRange (test/fixtures/pdf/make-fixtures.ts)
// with the S/MIME test PKI: valid personal + seal signatures, tampering, Universal Signature Forgery,
// Incremental Saving Attack, untrusted / expired / revoked / SHA-1 / wrong organisation, a signed PDF in
// a zip, the require and binding options and the record filed with the document. pdfsig (poppler-utils)
// is an independent oracle on the signature value and "total document signed".

import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { pdfSignatureCheck } from '../../../policies/checks/pdf-signature.js';
import type { TrustStore } from '../../../policies/smime/trust-store.js';
import { codes, composeMessage, FORM_LINES, runCheck } from '../../helpers/policy.js';
import { copyTrust, openTrust, SMIME_TRUST } from '../../helpers/smime.js';
import { issue, makeCa, timeStampToken, TSA_EXT, tsaConfig } from '../../helpers/tsa.js';
import { storedZip } from '../../helpers/zip.js';
import {
  addDocTimeStamp,
  addDss,
  issue as issueSigner,
  makePdfFixtures,
  ocspResponse,
  pemToDer,
  PKI,
  type PdfFixtures,
} from '../../fixtures/pdf/make-fixtures.js';

const run = promisify(execFile);

describe('pdf-signature check', function () {
  this.timeout(60_000);
  let fx: PdfFixtures;
  let trust: TrustStore;
  before(async () => {
    fx = makePdfFixtures();
    trust = await openTrust();
  });
  after(() => fx?.cleanup());

  async function check(files: Record<string, Buffer>, options: unknown = {}, text?: string) {
    const message = await composeMessage({
      ...(text ? { text } : {}),
      attachments: Object.entries(files).map(([filename, content]) => ({ filename, content })),
    });
    return runCheck(pdfSignatureCheck, message, options, { now: new Date(), services: { trust } });
  }
  const one = (name: string, options: unknown = {}) => check({ 'qd.pdf': fx.files[name] }, options);

  it('an unsigned PDF passes (Điều 3.2) and records nothing', async () => {
    const report = await one('unsigned.pdf');
    expect(codes(report)).to.deep.equal([]);
    expect(report.record?.pdfSignatures).to.deep.equal([]);
  });

  it('a valid signature verifies and is recorded with signer, role, time and chain', async () => {
    const report = await one('valid.pdf');
    expect(codes(report)).to.deep.equal([]);
    const [sig] = report.record!.pdfSignatures!;
    expect(sig).to.include({ file: 'qd.pdf', field: 'Lanh dao', status: 'verified', wholeFile: true, subFilter: 'adbe.pkcs7.detached' });
    expect(sig.signer).to.include({
      name: 'Signer good-rsa',
      organisation: 'UBND tinh Ha Tinh',
      role: 'person',
      verified: true,
      trusted: true,
      timeSource: 'signingTime',
    });
  });

  it('leader + seal (a second signature in an incremental update) both verify; the seal is an organisation', async () => {
    const report = await one('two-signatures.pdf', { binding: true });
    expect(codes(report)).to.deep.equal([]);
    const sigs = report.record!.pdfSignatures!;
    expect(sigs.map((s) => [s.field, s.status, s.wholeFile, s.signer?.role])).to.deep.equal([
      ['Lanh dao', 'verified', false, 'person'],
      ['Con dau', 'verified', true, 'organisation'],
    ]);
    expect(sigs[0].changesAfterSigning.every((c) => c.allowed)).to.equal(true);
  });

  it('one byte changed inside a signed range is signature-invalid', async () => {
    const report = await one('tampered-byte.pdf');
    expect(codes(report)).to.deep.equal(['signature-invalid']);
    expect(JSON.stringify(report.findings[0].details)).to.match(/message digest does not match/);
  });

  it('Universal Signature Forgery: missing, null or misplaced /ByteRange, missing /Contents, a field value without them', async () => {
    for (const name of ['usf-no-byterange.pdf', 'usf-null-byterange.pdf', 'usf-no-contents.pdf', 'usf-field-without-sig.pdf', 'usf-shifted-gap.pdf']) {
      const report = await one(name);
      expect(codes(report), name).to.deep.equal(['signature-invalid']);
    }
    const shifted = await one('usf-shifted-gap.pdf');
    expect(JSON.stringify(shifted.findings[0].details)).to.match(/not exactly the \/Contents string/);
  });

  it('Signature Wrapping: a /Contents cut short to hide an object in the unsigned gap is signature-invalid', async () => {
    const report = await one('wrapping.pdf');
    expect(codes(report)).to.deep.equal(['signature-invalid']);
    expect(JSON.stringify(report.findings[0].details)).to.match(/not exactly the \/Contents string/);
  });

  it('Incremental Saving Attack: page content or a new page after signing is signature-partial', async () => {
    for (const name of ['isa-content.pdf', 'isa-new-page.pdf']) {
      const report = await one(name);
      expect(codes(report), name).to.deep.equal(['signature-partial']);
    }
    const content = await one('isa-content.pdf');
    expect(JSON.stringify(content.findings[0].details)).to.match(/object 4 changed after signing/);
  });

  it('Shadow replace through the xref: an update pointing a signed object at hidden signed bytes is signature-partial', async () => {
    expect(codes(await one('shadow-base.pdf'))).to.deep.equal([]);
    const report = await one('shadow-replace-xref.pdf');
    expect(codes(report)).to.deep.equal(['signature-partial']);
    expect(JSON.stringify(report.findings[0].details)).to.match(/the xref points object 4 at other bytes/);
  });

  it('an annotation added after signing is allowed by default, signature-partial with afterSigning.annotations: false', async () => {
    expect(codes(await one('annotation-after.pdf'))).to.deep.equal([]);
    expect(codes(await one('annotation-after.pdf', { afterSigning: { annotations: false } }))).to.deep.equal(['signature-partial']);
  });

  it('a certification signature (DocMDP) decides what later updates may do: P1 nothing, P2 signatures, P3 also comments', async () => {
    for (const p of [1, 2, 3]) {
      const report = await one(`certified-p${p}.pdf`);
      expect(codes(report), `P${p}`).to.deep.equal([]);
      expect(report.record!.pdfSignatures![0].docMdp).to.equal(p);
    }
    // The policy allows comments, but the certifier's P decides.
    expect(codes(await one('certified-p1-annotation.pdf'))).to.deep.equal(['signature-partial']);
    expect(codes(await one('certified-p2-annotation.pdf'))).to.deep.equal(['signature-partial']);
    expect(codes(await one('certified-p3-annotation.pdf'))).to.deep.equal([]);
    expect(codes(await one('certified-p3-annotation.pdf', { afterSigning: { annotations: false } }))).to.deep.equal([]);
    const p1Signed = await one('certified-p1-second-signature.pdf');
    expect(codes(p1Signed)).to.deep.equal(['signature-partial']);
    expect(JSON.stringify(p1Signed.findings[0].details)).to.match(/added after signing/);
    expect(codes(await one('certified-p2-second-signature.pdf'))).to.deep.equal([]);
    expect(codes(await one('annotation-after.pdf', { afterSigning: { signatures: false } }))).to.deep.equal([]);
    expect(codes(await one('two-signatures.pdf', { afterSigning: { signatures: false } }))).to.deep.equal(['signature-partial']);
  });

  it('a certification signature that is not the first signature is signature-invalid', async () => {
    const report = await one('certification-not-first.pdf');
    // Adding /Perms to the catalog after the first signature is also a change of what it signed.
    expect(codes(report)).to.have.members(['signature-invalid', 'signature-partial']);
    expect(JSON.stringify(report.findings.find((f) => f.code === 'signature-invalid')!.details)).to.match(/must be the document's first signature/);
  });

  it("Shadow hide: a signed overlay taken off the page or freed in the xref, and hide-and-replace through the catalog's /Pages", async () => {
    expect(codes(await one('shadow-hide-base.pdf'))).to.deep.equal([]);
    const removed = await one('shadow-hide-annotation.pdf');
    expect(codes(removed)).to.deep.equal(['signature-partial']);
    expect(JSON.stringify(removed.findings[0].details)).to.match(/annotation 8 removed from page 3 after signing/);
    const freed = await one('shadow-hide-free.pdf');
    expect(codes(freed)).to.deep.equal(['signature-partial']);
    expect(JSON.stringify(freed.findings[0].details)).to.match(/object 8 deleted after signing/);
    const replaced = await one('shadow-hide-and-replace.pdf');
    expect(codes(replaced)).to.deep.equal(['signature-partial']);
    expect(JSON.stringify(replaced.findings[0].details)).to.match(/catalog object 1 changed after signing/);
  });

  it('untrusted, expired at signing, revoked, SHA-1 digest, adbe.pkcs7.sha1', async () => {
    expect(codes(await one('untrusted.pdf'))).to.deep.equal(['signature-untrusted']);
    const expired = await one('expired.pdf');
    expect(codes(expired)).to.deep.equal(['certificate-expired']);
    expect(expired.findings[0].mandatory).to.equal(true);
    expect(codes(await one('revoked.pdf'))).to.deep.equal(['certificate-revoked']);
    expect(codes(await one('sha1.pdf'))).to.deep.equal(['signature-weak-algorithm']);
    expect(codes(await one('subfilter-sha1.pdf'))).to.deep.equal(['signature-weak-algorithm']);
  });

  it('binding: a signer of another organisation is signer-mismatch; without binding it verifies', async () => {
    expect(codes(await one('wrong-org.pdf'))).to.deep.equal([]);
    expect(codes(await one('wrong-org.pdf', { binding: true }))).to.deep.equal(['signer-mismatch']);
    expect(codes(await one('valid.pdf', { binding: true }))).to.deep.equal([]);
    expect(codes(await one('seal.pdf', { binding: true }))).to.deep.equal([]);
  });

  it('require: all or by document type refuses an unsigned main PDF (signature-required)', async () => {
    expect(codes(await one('unsigned.pdf', { require: 'all' }))).to.deep.equal(['signature-required']);
    expect(codes(await one('valid.pdf', { require: 'all' }))).to.deep.equal([]);
    // FORM_LINES say Loại văn bản: Quyết định.
    expect(codes(await check({ 'qd.pdf': fx.files['unsigned.pdf'] }, { require: { documentTypes: ['Quyết định'] } }, FORM_LINES.join('\n')))).to.deep.equal([
      'signature-required',
    ]);
    expect(codes(await check({ 'qd.pdf': fx.files['unsigned.pdf'] }, { require: { documentTypes: ['Công văn'] } }, FORM_LINES.join('\n')))).to.deep.equal([]);
  });

  it('requireSeal: a main PDF signed by a person only is signature-required; leader + seal passes', async () => {
    const personOnly = await one('valid.pdf', { requireSeal: true });
    expect(codes(personOnly)).to.deep.equal(['signature-required']);
    expect(JSON.stringify(personOnly.findings[0].details)).to.include('the seal');
    expect(codes(await one('two-signatures.pdf', { requireSeal: true }))).to.deep.equal([]);
    expect(codes(await one('seal.pdf', { requireSeal: true }))).to.deep.equal([]);
  });

  it('a document time-stamp (/DocTimeStamp, RFC 3161 over the byte ranges) from a trusted TSA verifies; one over other bytes is signature-invalid', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-pdf-tsa-'));
    try {
      const root = makeCa(path.join(dir, 'pki'), 'TSA Root');
      const tsaDir = path.join(dir, 'tsa');
      mkdirSync(tsaDir, { recursive: true });
      const config = tsaConfig(tsaDir, issue(path.join(dir, 'pki'), root, 'tsa', '/C=VN/O=Docgate TSA Test/CN=Test TSA', TSA_EXT, 3650));
      const copy = copyTrust();
      cpSync(root.cert, path.join(copy.paths.anchors, 'tsa-root.pem'));
      const withTsa = await openTrust(copy.dir);
      const stamped = addDocTimeStamp(fx.valid, (content) => timeStampToken(tsaDir, config, content)).buf;
      const message = await composeMessage({ attachments: [{ filename: 'qd.pdf', content: stamped }] });
      const report = await runCheck(pdfSignatureCheck, message, {}, { now: new Date(), services: { trust: withTsa } });
      expect(codes(report)).to.deep.equal([]);
      const stamp = report.record!.pdfSignatures!.find((r) => r.kind === 'document-time-stamp')!;
      expect(stamp).to.include({ field: 'Dau thoi gian', status: 'verified', subFilter: 'ETSI.RFC3161' });
      expect(stamp.timeStamp).to.include({ status: 'trusted' });
      const wrong = addDocTimeStamp(fx.valid, () => timeStampToken(tsaDir, config, Buffer.from('other bytes'))).buf;
      const bad = await runCheck(
        pdfSignatureCheck,
        await composeMessage({ attachments: [{ filename: 'qd.pdf', content: wrong }] }),
        {},
        { now: new Date(), services: { trust: withTsa } },
      );
      expect(codes(bad)).to.deep.equal(['signature-invalid']);
      copy.cleanup();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CRLs embedded in the /DSS count when the configured ones say nothing: good and revoked', async () => {
    const copy = copyTrust();
    try {
      for (const f of readdirSync(copy.paths.crl)) rmSync(path.join(copy.paths.crl, f));
      const noCrls = await openTrust(copy.dir);
      const run1 = async (pdf: Buffer) =>
        runCheck(
          pdfSignatureCheck,
          await composeMessage({ attachments: [{ filename: 'qd.pdf', content: pdf }] }),
          {},
          { now: new Date(), services: { trust: noCrls } },
        );
      const crls = ['intermediate.crl.pem', 'root.crl.pem'].map((f) => pemToDer(path.join(SMIME_TRUST, 'crl', f)));
      const without = await run1(fx.files['valid.pdf']);
      expect(codes(without)).to.deep.equal(['signature-untrusted']);
      expect(JSON.stringify(without.findings[0].details)).to.include('revocation status unknown');
      expect(codes(await run1(addDss(fx.valid, crls).buf))).to.deep.equal([]);
      expect(codes(await run1(addDss(fx.revoked, crls).buf))).to.deep.equal(['certificate-revoked']);
      // A CRL the CA did not sign (here: the untrusted root's) is no evidence.
      const foreign = pemToDer(path.join(PKI, 'untrusted-root.crl.pem'));
      expect(codes(await run1(addDss(fx.valid, [foreign]).buf))).to.deep.equal(['signature-untrusted']);
    } finally {
      copy.cleanup();
    }
  });

  it('OCSP responses embedded in the /DSS count when signed by the issuing CA or its delegated responder', async () => {
    const copy = copyTrust();
    const work = mkdtempSync(path.join(os.tmpdir(), 'docgate-ocsp-'));
    try {
      for (const f of readdirSync(copy.paths.crl)) rmSync(path.join(copy.paths.crl, f));
      const noCrls = await openTrust(copy.dir);
      const run1 = async (pdf: Buffer) =>
        runCheck(
          pdfSignatureCheck,
          await composeMessage({ attachments: [{ filename: 'qd.pdf', content: pdf }] }),
          {},
          { now: new Date(), services: { trust: noCrls } },
        );
      const pki = (name: string) => path.join(PKI, name);
      const ca = { cert: pki('intermediate.pem'), key: pki('intermediate.key') };
      const root = { cert: pki('root.pem'), key: pki('root.key') };
      // The intermediate's own status, from the root.
      const intermediateGood = ocspResponse(work, root.cert, root, [{ cert: ca.cert }]);
      const leaves = [{ cert: pki('good-rsa.pem') }, { cert: pki('revoked.pem'), revoked: true }];
      const byCa = ocspResponse(work, ca.cert, ca, leaves);
      expect(codes(await run1(addDss(fx.valid, [], [byCa, intermediateGood]).buf))).to.deep.equal([]);
      const revoked = await run1(addDss(fx.revoked, [], [byCa, intermediateGood]).buf);
      expect(codes(revoked)).to.deep.equal(['certificate-revoked']);
      // The date and reason the OCSP responder gave (no CRL is configured or embedded).
      expect(JSON.stringify(revoked.findings[0].details)).to.include('revoked 2024-01-01T00:00:00.000Z (keyCompromise)');
      // A delegated responder: a certificate the CA issued for OCSP signing.
      const delegate = issueSigner(work, 'ocsp-responder', '/C=VN/O=Docgate Test PKI/CN=OCSP responder', 'OCSPSigning');
      const byDelegate = ocspResponse(work, ca.cert, delegate, leaves);
      expect(codes(await run1(addDss(fx.valid, [], [byDelegate, intermediateGood]).buf))).to.deep.equal([]);
      // No evidence: a responder certificate without the OCSP-signing usage, and one the CA did not issue.
      const notForOcsp = issueSigner(work, 'not-ocsp', '/C=VN/O=Docgate Test PKI/CN=Not a responder', 'emailProtection');
      const wrongUsage = await run1(addDss(fx.valid, [], [ocspResponse(work, ca.cert, notForOcsp, leaves), intermediateGood]).buf);
      expect(codes(wrongUsage)).to.deep.equal(['signature-untrusted']);
      expect(JSON.stringify(wrongUsage.findings[0].details)).to.include('not for OCSP signing');
      const foreign = { cert: pki('untrusted-root.pem'), key: pki('untrusted-root.key') };
      const foreignResponse = await run1(addDss(fx.valid, [], [ocspResponse(work, ca.cert, foreign, leaves), intermediateGood]).buf);
      expect(codes(foreignResponse)).to.deep.equal(['signature-untrusted']);
      // A CRL for one link and OCSP for the other, as LTV files mix them.
      const rootCrl = pemToDer(path.join(SMIME_TRUST, 'crl', 'root.crl.pem'));
      expect(codes(await run1(addDss(fx.valid, [rootCrl], [byCa]).buf))).to.deep.equal([]);
    } finally {
      copy.cleanup();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('a tampered signed PDF inside a zip is found; a valid one passes', async () => {
    const bad = await check({ 'hoso.zip': storedZip([{ name: 'qd.pdf', data: fx.files['tampered-byte.pdf'] }]) });
    expect(codes(bad)).to.deep.equal(['signature-invalid']);
    expect(JSON.stringify(bad.findings[0].details)).to.include('hoso.zip/qd.pdf (Lanh dao): message digest does not match');
    const good = await check({ 'hoso.zip': storedZip([{ name: 'qd.pdf', data: fx.files['valid.pdf'] }]) });
    expect(codes(good)).to.deep.equal([]);
    expect(good.record!.pdfSignatures![0].file).to.equal('hoso.zip/qd.pdf');
  });

  it('pdfsig (poppler-utils) with an NSS database of the test anchors (certutil) agrees on value, trust and "total document signed"', async function () {
    const tool = async (command: string, args: string[], pkg: string) => {
      try {
        return (await run(command, args)).stdout;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${command} is missing: install the Debian package ${pkg}`, { cause: err });
        return (err as { stdout: string }).stdout;
      }
    };
    const nss = path.join(fx.dir, 'nssdb');
    mkdirSync(nss, { recursive: true });
    await tool('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password'], 'libnss3-tools');
    await tool('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'root', '-t', 'CT,C,C', '-i', path.join(PKI, 'root.pem')], 'libnss3-tools');
    await tool('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'intermediate', '-t', ',,', '-i', path.join(PKI, 'intermediate.pem')], 'libnss3-tools');
    const pdfsig = (name: string) => tool('pdfsig', ['-nssdir', `sql:${nss}`, path.join(fx.dir, name)], 'poppler-utils');
    const verdicts: [string, RegExp[], string[]][] = [
      ['valid.pdf', [/Signature is Valid/, /Total document signed/, /Certificate is Trusted/], []],
      ['tampered-byte.pdf', [/Digest Mismatch/], ['signature-invalid']],
      ['untrusted.pdf', [/Signature is Valid/, /issuer isn't Trusted/], ['signature-untrusted']],
      ['expired.pdf', [/Signature is Valid/, /Certificate has Expired/], ['certificate-expired']],
    ];
    for (const [name, theirs, ours] of verdicts) {
      const out = await pdfsig(name);
      for (const re of theirs) expect(out, name).to.match(re);
      expect(codes(await one(name)), name).to.deep.equal(ours);
    }
    // Deliberately stricter: poppler calls a content-changing update, and a /Contents cut short to hide
    // an object in the gap, a valid signature over part of the file; we refuse both.
    for (const [name, ours] of [
      ['isa-content.pdf', 'signature-partial'],
      ['wrapping.pdf', 'signature-invalid'],
    ]) {
      expect(await pdfsig(name), name)
        .to.match(/Signature is Valid/)
        .and.match(/Not total document signed/);
      expect(codes(await one(name)), name).to.deep.equal([ours]);
    }
  });
});
