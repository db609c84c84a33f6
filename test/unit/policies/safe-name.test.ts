// Safe file names for an archive folder: every hostile name a sender (or a damaged register row) could
// carry becomes one harmless path segment, and repeats within a folder are numbered.

import { expect } from 'chai';
import fc from 'fast-check';
import { FolderNames, safeFileName } from '../../../policies/files/safe-name.js';

describe('safeFileName', () => {
  it('keeps an ordinary Vietnamese name as it is (NFC)', () => {
    expect(safeFileName('Quyết định 05-QĐ-UBND.pdf', 'x')).to.equal('Quyết định 05-QĐ-UBND.pdf');
    expect(safeFileName('Quye\u0302\u0301t.pdf', 'x')).to.equal('Quyết.pdf');
  });

  it('never yields a path: separators, "..", absolute and drive paths', () => {
    expect(safeFileName('../../etc/passwd', 'x')).to.equal('_._etc_passwd');
    expect(safeFileName('..\\..\\Windows\\win.ini', 'x')).to.equal('_._Windows_win.ini');
    expect(safeFileName('/abs/name.pdf', 'x')).to.equal('_abs_name.pdf');
    expect(safeFileName('C:\\x.pdf', 'x')).to.equal('C__x.pdf');
    expect(safeFileName('..', 'fallback.pdf')).to.equal('fallback.pdf');
    expect(safeFileName('.', 'fallback.pdf')).to.equal('fallback.pdf');
    expect(safeFileName('.hidden.pdf', 'x')).to.equal('hidden.pdf');
  });

  it('replaces control, bidi and zero-width characters and Windows-forbidden ones', () => {
    expect(safeFileName('a\u0000b\r\n.pdf', 'x')).to.equal('a_b__.pdf');
    expect(safeFileName('invoice\u202Efdp.exe', 'x')).to.equal('invoice_fdp.exe');
    expect(safeFileName('a\u200bb.pdf', 'x')).to.equal('a_b.pdf');
    expect(safeFileName('x:y|z?<>*".pdf', 'x')).to.equal('x_y_z_____.pdf');
    expect(safeFileName('CON.pdf', 'x')).to.equal('_CON.pdf');
    expect(safeFileName('lpt1', 'x')).to.equal('_lpt1');
    expect(safeFileName('name. . ', 'x')).to.equal('name');
    expect(safeFileName(null, 'tep-1')).to.equal('tep-1');
    expect(safeFileName('', 'tep-1')).to.equal('tep-1');
  });

  it('limits the UTF-8 length, keeping the extension and whole code points', () => {
    const name = safeFileName(`${'Đề án chuyển đổi số '.repeat(20)}.docx`, 'x');
    expect(Buffer.byteLength(name)).to.be.at.most(150);
    expect(name.endsWith('.docx')).to.equal(true);
    expect(name).to.not.include('\ufffd');
  });

  it('any input: one segment, no "..", no control character, at most 150 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (input) => {
        const out = safeFileName(input, 'fallback');
        expect(out).to.not.match(/[/\\]/);
        expect(out).to.not.include('..');

        expect(out).to.not.match(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
        expect(Buffer.byteLength(out)).to.be.at.most(150);
        expect(out.length).to.be.greaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('FolderNames', () => {
  it('numbers repeats, case-insensitively, before the extension', () => {
    const names = new FolderNames();
    expect(['a.pdf', 'A.PDF', 'a.pdf', 'a (2).pdf', null, null].map((n) => names.take(n, 'tep.pdf'))).to.deep.equal([
      'a.pdf',
      'A (2).PDF',
      'a (3).pdf',
      'a (2) (2).pdf',
      'tep.pdf',
      'tep (2).pdf',
    ]);
  });

  it('keeps a numbered long name within the limit', () => {
    const names = new FolderNames();
    const long = `${'ă'.repeat(200)}.pdf`;
    const first = names.take(long, 'x');
    const second = names.take(long, 'x');
    expect(second).to.not.equal(first);
    expect(second.endsWith(' (2).pdf')).to.equal(true);
    expect(Buffer.byteLength(second)).to.be.at.most(150);
  });
});
