// The office-signature check on .docx packages signed as Word signs them (test/fixtures/office/
// make-signed-ooxml.ts) with the S/MIME test PKI: a valid signature, a part changed after signing, a
// part outside the manifest, a tampered signature value, signature wrapping (a second package object),
// untrusted / revoked / SHA-1 signers, and binding. xmlsec1 (Debian) is an independent oracle on the
// signature value and the package object's digest.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { officeSignatureCheck } from '../../../policies/checks/office-signature.js';
import type { TrustStore } from '../../../policies/smime/trust-store.js';
import { codes, composeMessage, runCheck } from '../../helpers/policy.js';
import { openTrust } from '../../helpers/smime.js';
import { PKI } from '../../fixtures/pdf/make-fixtures.js';
import { docxParts, documentXml, signaturePart, signedDocx, zipOf, type Part } from '../../fixtures/office/make-signed-ooxml.js';

const run = promisify(execFile);
const signer = (name: string) => ({ cert: path.join(PKI, `${name}.pem`), key: path.join(PKI, `${name}.key`) });

describe('office-signature check', function () {
  this.timeout(60_000);
  let trust: TrustStore;
  before(async () => {
    trust = await openTrust();
  });

  async function check(docx: Buffer, options: unknown = {}) {
    const message = await composeMessage({ attachments: [{ filename: 'qd.docx', content: docx }] });
    return runCheck(officeSignatureCheck, message, options, { now: new Date(), services: { trust } });
  }
  const replace = (parts: Part[], name: string, data: Buffer): Part[] => parts.map((p) => (p.name === name ? { name, data } : p));

  it('an unsigned document passes and records nothing', async () => {
    const report = await check(zipOf(docxParts()));
    expect(codes(report)).to.deep.equal([]);
    expect(report.record?.officeSignatures).to.deep.equal([]);
  });

  it('a valid signature verifies and is recorded with signer, role and signing time', async () => {
    const at = new Date(Date.now() - 3600_000);
    const { docx } = signedDocx(docxParts(), { ...signer('good-rsa'), signingTime: at });
    const report = await check(docx);
    expect(codes(report)).to.deep.equal([]);
    const [sig] = report.record!.officeSignatures!;
    expect(sig).to.include({ file: 'qd.docx', part: '_xmlsignatures/sig1.xml', status: 'verified' });
    expect(sig.signer).to.include({ name: 'Signer good-rsa', role: 'person', verified: true, trusted: true, timeSource: 'signingTime' });
    expect(sig.signer!.signedAt).to.equal(at.toISOString().replace(/\.\d{3}Z$/, '.000Z'));
    expect(report.headers?.[0]).to.match(/^X-Docgate-Office-Signature: qd\.docx; verified; signer=Signer good-rsa; role=person/);
  });

  it('xmlsec1 agrees: the signature value and the package object digest verify, and fail once tampered', async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-xmlsec-'));
    try {
      const xml = signaturePart(docxParts(), signer('good-rsa'));
      const file = path.join(dir, 'sig1.xml');
      const verify = (data: string) => {
        writeFileSync(file, data);
        return run('xmlsec1', [
          '--verify',
          '--ignore-manifests',
          '--id-attr:Id',
          'Object',
          '--trusted-pem',
          path.join(PKI, 'root.pem'),
          '--untrusted-pem',
          path.join(PKI, 'intermediate.pem'),
          file,
        ]);
      };
      try {
        await run('xmlsec1', ['--version']);
      } catch {
        throw new Error('xmlsec1 is missing: install the Debian package xmlsec1');
      }
      const ok = await verify(xml);
      expect(ok.stderr).to.match(/^OK/m);
      const tampered = xml.replace('<mdssi:Value>', '<mdssi:Value>1');
      let failed = false;
      try {
        await verify(tampered);
      } catch {
        failed = true;
      }
      expect(failed, 'xmlsec1 must refuse a changed package object').to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a part changed after signing is signature-invalid, naming the part', async () => {
    const { parts } = signedDocx(docxParts(), signer('good-rsa'));
    const changed = replace(parts, 'word/document.xml', Buffer.from(documentXml('UBND TỈNH HÀ TĨNH — Số: 06/QĐ-UBND'), 'utf8'));
    const report = await check(zipOf(changed));
    expect(codes(report)).to.deep.equal(['signature-invalid']);
    expect(JSON.stringify(report.findings[0].details)).to.match(/word\/document\.xml: changed after signing/);
  });

  it('a part the signature does not cover (a new relationship and its target, or a part left out of the manifest) is signature-partial', async () => {
    const { parts } = signedDocx(docxParts(), signer('good-rsa'));
    // The document's .rels is signed through the Relationships Transform for rId1 only: a new rId2
    // leaves its digest intact, but the part it leads to is not signed.
    const rels = parts.find((p) => p.name === 'word/_rels/document.xml.rels')!.data.toString('utf8');
    const added = [
      ...replace(
        parts,
        'word/_rels/document.xml.rels',
        Buffer.from(
          rels.replace(
            '</Relationships>',
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>',
          ),
        ),
      ),
      { name: 'word/header1.xml', data: Buffer.from('<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>') },
    ];
    const partial = await check(zipOf(added));
    expect(codes(partial)).to.deep.equal(['signature-partial']);
    expect(JSON.stringify(partial.findings[0].details)).to.include('not covered by the signature: word/header1.xml');
    const { docx } = signedDocx(docxParts(), { ...signer('good-rsa'), covered: (n) => n === 'word/document.xml' || n.endsWith('.rels') });
    const leftOut = await check(docx);
    expect(codes(leftOut)).to.deep.equal(['signature-partial']);
    expect(JSON.stringify(leftOut.findings[0].details)).to.include('word/styles.xml');
  });

  it('a tampered signature value, and signature wrapping with a second package object, are signature-invalid', async () => {
    const { parts } = signedDocx(docxParts(), signer('good-rsa'));
    const sig = parts.find((p) => p.name === '_xmlsignatures/sig1.xml')!.data.toString('utf8');
    const value = /<SignatureValue>([^<]+)</.exec(sig)![1];
    const flipped = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11);
    expect(codes(await check(zipOf(replace(parts, '_xmlsignatures/sig1.xml', Buffer.from(sig.replace(value, flipped))))))).to.deep.equal(['signature-invalid']);
    // Wrapping: the attacker's object (a manifest of another document) under the same Id, before the signed one.
    const evil = /<Object Id="idPackageObject">[\s\S]*?<\/Object>/
      .exec(sig)![0]
      .replace(/<DigestValue>[^<]+<\/DigestValue>/, '<DigestValue>AAAA</DigestValue>');
    const wrapped = sig.replace('</KeyInfo>', `</KeyInfo>${evil}`);
    const report = await check(zipOf(replace(parts, '_xmlsignatures/sig1.xml', Buffer.from(wrapped))));
    expect(codes(report)).to.deep.equal(['signature-invalid']);
    expect(JSON.stringify(report.findings[0].details)).to.include('multiple elements with the same value for the ID');
  });

  it('untrusted, revoked and SHA-1 signers; binding to the sending agency', async () => {
    expect(codes(await check(signedDocx(docxParts(), signer('untrusted')).docx))).to.deep.equal(['signature-untrusted']);
    expect(codes(await check(signedDocx(docxParts(), signer('revoked')).docx))).to.deep.equal(['certificate-revoked']);
    const weak = await check(signedDocx(docxParts(), { ...signer('good-rsa'), hash: 'sha1' }).docx);
    expect(codes(weak)).to.deep.equal(['signature-weak-algorithm']);
    const good = signedDocx(docxParts(), signer('good-rsa')).docx;
    expect(codes(await check(good, { binding: true }))).to.deep.equal([]);
  });
});
