// The BER/DER reader and CMS parser on real encoder output (OpenSSL's DER, gpgsm's indefinite-length BER)
// and on hostile input: random bytes and mutations of a valid signature only ever raise DerError/CmsError,
// bounded in time.

import { expect } from 'chai';
import fc from 'fast-check';
import { CmsError, parseContentInfo, parseSignedData } from '../../../../policies/smime/cms.js';
import { DerError, derSetOf, octetStringOf, parseDer } from '../../../../policies/smime/der.js';
import { OID } from '../../../../policies/smime/oids.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { blocksOf } from '../../../../policies/smime/trust-store.js';
import os from 'node:os';
import path from 'node:path';
import { smimeSignatureCheck } from '../../../../policies/checks/smime-signature.js';
import { agencies, fixture, loadMessage, openTrust, silentLog, SMIME_FIXTURES, TEST_NOW } from '../../../helpers/smime.js';

function signaturePart(name: string): Buffer {
  const text = fixture(name).toString('latin1');
  const start = text.indexOf('\r\n\r\n', text.search(/Content-Type: application\/pkcs7-signature/i)) + 4;
  const end = text.indexOf('\r\n\r\n', start);
  return Buffer.from(text.slice(start, end).replace(/\s+/g, ''), 'base64');
}

function opaquePart(name: string): Buffer {
  const text = fixture(name).toString('latin1');
  const start = text.indexOf('\r\n\r\n', text.search(/Content-Type: application\/pkcs7-mime/i)) + 4;
  return Buffer.from(text.slice(start).replace(/\s+/g, ''), 'base64');
}

describe('DER reader', function () {
  it('keeps exact offsets, reads indefinite lengths and chunked OCTET STRINGs (gpgsm)', function () {
    const der = opaquePart('gpgsm-opaque.eml');
    const root = parseDer(der);
    expect(root.indefinite).to.equal(true);
    expect(root.bytes.equals(der)).to.equal(true);
    const sd = parseSignedData(der);
    expect(sd.eContent!.equals(fixture('inner.mime'))).to.equal(true);
    expect(sd.signerInfos).to.have.length(1);
    expect(sd.signerInfos[0].signedAttributes!.signingTime).to.be.instanceOf(Date);
  });

  it('sorts SET OF elements for DER and concatenates constructed OCTET STRINGs', function () {
    const set = derSetOf([Buffer.from([0x04, 0x01, 0x02]), Buffer.from([0x04, 0x01, 0x01])]);
    expect(set.toString('hex')).to.equal('3106040101040102');
    const chunked = parseDer(Buffer.from('2480040161040162' + '0000', 'hex'));
    expect(octetStringOf(chunked).toString()).to.equal('ab');
  });

  it('refuses truncation, trailing bytes, lengths past the buffer and excessive nesting', function () {
    expect(() => parseDer(Buffer.from('30050201', 'hex'))).to.throw(DerError, /longer than its container/);
    expect(() => parseDer(Buffer.from('30030201010000', 'hex'))).to.throw(DerError, /trailing/);
    expect(() => parseDer(Buffer.from('3084ffffffff', 'hex'))).to.throw(DerError);
    expect(() => parseDer(Buffer.from('3080', 'hex'))).to.throw(DerError, /end-of-contents/);
    expect(() => parseDer(Buffer.from('0480', 'hex'))).to.throw(DerError, /primitive/);
    const deep = Buffer.concat([Buffer.from('3080'.repeat(40), 'hex'), Buffer.alloc(80)]);
    expect(() => parseDer(deep)).to.throw(DerError, /too deep/);
  });
});

describe('CMS parser', function () {
  it('reads OpenSSL detached SignedData: no eContent, certificates, one SignerInfo with DER signed attributes', function () {
    const sd = parseSignedData(signaturePart('openssl-detached-rsa.eml'));
    expect(sd.eContentType).to.equal(OID.data);
    expect(sd.eContent).to.equal(null);
    expect(sd.certificates).to.have.length(2);
    const attributes = sd.signerInfos[0].signedAttributes!;
    expect(attributes.contentType).to.equal(OID.data);
    expect(attributes.messageDigest).to.have.length(32);
    expect(attributes.der[0]).to.equal(0x31);
  });

  it('tells encrypted content apart from signed content', function () {
    const text = fixture('openssl-enveloped.eml').toString('latin1');
    const der = Buffer.from(text.slice(text.indexOf('\r\n\r\n') + 4).replace(/\s+/g, ''), 'base64');
    expect(parseContentInfo(der).contentType).to.equal(OID.envelopedData);
    expect(() => parseSignedData(der)).to.throw(CmsError, /not signedData/);
  });

  it('random bytes only ever raise CmsError', function () {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
        try {
          parseSignedData(Buffer.from(bytes));
        } catch (err) {
          if (!(err instanceof CmsError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('mutations of a valid signature (bytes changed, cut, inserted) only ever raise CmsError, quickly', function () {
    const valid = signaturePart('openssl-detached-two-signers.eml');
    const started = performance.now();
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert'), (at, value, how) => {
        const mutated =
          how === 'set'
            ? Buffer.from(valid).fill(value, at, at + 1)
            : how === 'cut'
              ? valid.subarray(0, at)
              : Buffer.concat([valid.subarray(0, at), Buffer.from([value]), valid.subarray(at)]);
        try {
          parseSignedData(mutated);
        } catch (err) {
          if (!(err instanceof CmsError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
    expect(performance.now() - started).to.be.lessThan(5000);
  });
});

describe('smime-signature check on hostile signatures', function () {
  it('never throws on a mutated signature part, and almost every changed byte is caught', async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-fuzz-'));
    const trust = await openTrust(undefined, 60_000);
    const mail = fixture('openssl-detached-two-signers.eml').toString('latin1');
    const start = mail.indexOf('\r\n\r\n', mail.search(/Content-Type: application\/pkcs7-signature/i)) + 4;
    const end = mail.indexOf('\r\n\r\n', start);
    const der = Buffer.from(mail.slice(start, end).replace(/\s+/g, ''), 'base64');
    const options = smimeSignatureCheck.options.parse({});
    // The message's copy of the intermediate is redundant (the trust store has it): changing it changes nothing.
    const intermediate = blocksOf(readFileSync(path.join(SMIME_FIXTURES, 'pki/intermediate.pem')))[0].der;
    const copyAt = der.indexOf(intermediate);
    expect(copyAt).to.be.greaterThan(0);
    const accepted: number[] = [];
    let passed = 0;
    let runs = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.nat(der.length - 1), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
          const mutated = Buffer.from(der);
          mutated[at] ^= xor;
          const file = path.join(dir, 'm.eml');
          writeFileSync(
            file,
            mail.slice(0, start) +
              mutated
                .toString('base64')
                .replace(/.{1,64}/g, '$&\r\n')
                .replace(/\r\n$/, '') +
              mail.slice(end),
            'latin1',
          );
          const message = await loadMessage(file);
          try {
            const report = await smimeSignatureCheck.run(message, {
              timeZone: 'Asia/Ho_Chi_Minh',
              agencies,
              options,
              now: () => TEST_NOW,
              log: silentLog,
              signal: new AbortController().signal,
              services: { trust },
            });
            const findings = Array.isArray(report) ? report : report.findings;
            runs++;
            // A byte outside anything signed or checked (the unsigned digestAlgorithms list, the
            // order of the digestAlgorithms list) may change nothing; everything else must be caught.
            if (findings.length === 0 && (at < copyAt || at >= copyAt + intermediate.length)) {
              passed++;
              accepted.push(at);
            }
          } finally {
            await message.dispose();
          }
        }),
        { numRuns: 300 },
      );
      expect(passed / runs, `${passed} of ${runs} mutations accepted, at ${accepted.join(',')}`).to.be.lessThan(0.03);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
