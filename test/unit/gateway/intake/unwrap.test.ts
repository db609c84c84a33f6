// Opaque S/MIME: the other checks see the signed entity's text, attachments and metadata, while the
// message's MIME tree stays the outer one (the stored bytes and IMAP structure).

import { expect } from 'chai';
import { fixturePath, loadMessage } from '../../../helpers/smime.js';

describe('opaque S/MIME unwrap at intake', function () {
  for (const name of ['openssl-opaque-rsa.eml', 'gpgsm-opaque.eml']) {
    it(`${name}: attachments, text and metadata come from the signed entity`, async function () {
      const message = await loadMessage(fixturePath(name));
      try {
        expect(message.mime.root.contentType.value).to.equal('application/pkcs7-mime');
        expect(message.unwrapped?.root.contentType.value).to.equal('multipart/mixed');
        expect(message.attachments.map((a) => [a.filename, a.detectedType, a.path])).to.deep.equal([['quyet-dinh-05.pdf', 'application/pdf', 'p7m:2']]);
        expect(message.textBody).to.contain('Kính gửi các cơ quan, đơn vị.');
        expect(message.metadata).to.include({ documentNumber: '05/QĐ-UBND', documentType: 'Quyết định' });
        expect(message.subject).to.match(/^Quyet dinh 05\/QD-UBND/);
      } finally {
        await message.dispose();
      }
    });
  }

  it('leaves detached and encrypted messages as they are; a tampered opaque one is still unwrapped for the other checks', async function () {
    for (const name of ['openssl-detached-rsa.eml', 'tampered-opaque-byte.eml', 'openssl-enveloped.eml']) {
      const message = await loadMessage(fixturePath(name));
      try {
        if (name === 'tampered-opaque-byte.eml') {
          // The changed byte is inside the eContent: the structure still parses, the signature check fails it.
          expect(message.unwrapped, name).to.not.equal(null);
        } else {
          expect(message.unwrapped, name).to.equal(null);
        }
      } finally {
        await message.dispose();
      }
    }
    const detached = await loadMessage(fixturePath('openssl-detached-rsa.eml'));
    try {
      expect(detached.attachments.map((a) => [a.filename, a.path])).to.deep.equal([['quyet-dinh-05.pdf', '1.2']]);
    } finally {
      await detached.dispose();
    }
  });
});
