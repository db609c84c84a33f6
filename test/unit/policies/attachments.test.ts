// The attachments check on files made by their real producers (LibreOffice, zip, 7z) and on crafted
// hostile ones (test/fixtures/policy/make-fixtures.sh), one by one and inside messages.

import { expect } from 'chai';
import { attachmentsCheck, fileRulesFrom } from '../../../policies/checks/attachments.js';
import { inspectFile, type InspectState } from '../../../policies/files/inspect.js';
import { composeMessage, codes, fixture, runCheck } from '../../helpers/policy.js';

const rules = fileRulesFrom(attachmentsCheck.options.parse({}));

async function inspect(name: string, data: Buffer, r = rules) {
  const state: InspectState = { counter: { inflated: 0 }, findings: [], maxFindings: 5 };
  await inspectFile(name, name, data, r, state);
  return state.findings;
}

const CLEAN = [
  'qd-05.doc',
  'qd-05.docx',
  'qd-05.pdf',
  'bang-ke.xls',
  'bang-ke.xlsx',
  'two-pdfs.zip',
  '7z-vietnamese.zip',
  'nested.zip',
  'two-pdfs.rar',
  'pdf-goto.pdf',
  'mat.docx',
  'tcvn3-font.docx',
];

const HOSTILE: [string, string, string][] = [
  ['macro.doc', 'active-content', 'VBA macros'],
  // cfb alone would loop forever on this one (policies/files/ole2-guard.ts)
  ['ole2-loop.doc', 'attachment-content-mismatch', 'unreadable compound file: stream starts past the end (sector 19)'],
  ['vba.docx', 'active-content', 'macros or ActiveX'],
  ['docm-renamed.docx', 'active-content', 'macros or ActiveX'],
  ['zip-renamed.docx', 'attachment-content-mismatch', 'zip without [Content_Types].xml'],
  ['html-renamed.docx', 'attachment-content-mismatch', 'content is html, not .docx'],
  ['rtf-renamed.doc', 'attachment-content-mismatch', 'RTF renamed as .doc'],
  ['exe-renamed.pdf', 'attachment-content-mismatch', 'content is pe-executable, not .pdf'],
  ['pdf-truncated.pdf', 'attachment-content-mismatch', 'no startxref/%%EOF trailer (truncated?)'],
  ['pdf-javascript.pdf', 'active-content', 'PDF actions'],
  ['pdf-obfuscated.pdf', 'active-content', 'PDF actions'],
  ['pdf-objstm.pdf', 'active-content', 'PDF actions'],
  ['pdf-launch.pdf', 'active-content', 'PDF actions'],
  ['pdf-encrypted.pdf', 'encrypted-content', 'encrypted PDF'],
  ['encrypted-ooxml.docx', 'encrypted-content', 'password-protected document'],
  ['scan.jpg', 'attachment-type', 'image: a scanned document must be sent as PDF'],
  ['encrypted.zip', 'encrypted-content', 'encrypted'],
  ['symlink.zip', 'archive-unsafe', 'symlink'],
  ['bomb.zip', 'archive-unsafe', 'ratio'],
  ['lying-size.zip', 'archive-unsafe', 'size-mismatch'],
  ['name-mismatch.zip', 'archive-unsafe', 'name-mismatch'],
  ['overlap.zip', 'archive-unsafe', 'overlap'],
  ['truncated.zip', 'archive-unsafe', 'truncated'],
  ['traversal-dotdot.zip', 'archive-unsafe', 'traversal'],
  ['traversal-backslash.zip', 'archive-unsafe', 'traversal'],
  ['traversal-drive.zip', 'archive-unsafe', 'traversal'],
  ['traversal-absolute.zip', 'archive-unsafe', 'traversal'],
  ['too-deep.zip', 'archive-unsafe', 'nesting'],
  ['exe-inside.zip', 'attachment-type', 'extension .exe not allowed'],
  ['rar-traversal.rar', 'archive-unsafe', 'traversal'],
  ['rar-symlink.rar', 'archive-unsafe', 'symlink'],
  ['rar-encrypted.rar', 'encrypted-content', 'encrypted'],
  ['rar-truncated.rar', 'archive-unsafe', 'truncated'],
  ['rar-exe-inside.rar', 'attachment-type', 'extension .exe not allowed'],
];

describe('attachments check', function () {
  describe('files by real producers pass', function () {
    for (const name of CLEAN) {
      it(name, async () => expect(await inspect(name, fixture(name))).to.deep.equal([]));
    }
  });

  describe('hostile files are refused with their own code', function () {
    for (const [name, code, problem] of HOSTILE) {
      it(`${name} → ${code} (${problem})`, async () => {
        const findings = await inspect(name, fixture(name));
        expect(findings.map((f) => [f.code, f.details?.problem])).to.deep.include([code, problem]);
      });
    }
  });

  describe('names', function () {
    const pdf = fixture('qd-05.pdf');
    const cases: [string, string | null][] = [
      ['Quyết định 05.PDF', null],
      ['Báo cáo.doc.pdf', null],
      ['x.pdf.exe', 'extension .exe not allowed'],
      ['x.exe.pdf', 'double extension (.exe)'],
      ['report\u202Efdp.exe', 'name contains control or bidi character U+202E'],
      ['a\u0000.pdf', 'name contains control or bidi character U+0000'],
      ['x.pdf.', 'name ends with a dot or space'],
      ['noextension', 'name has no extension'],
    ];
    for (const [name, problem] of cases) {
      it(`${JSON.stringify(name)} → ${problem ?? 'accepted'}`, async () => {
        const findings = await inspect(name, pdf);
        expect(findings.map((f) => f.details?.problem)).to.deep.equal(problem ? [problem] : []);
      });
    }
    it('zero-byte and unnamed files', async () => {
      expect((await inspect('a.pdf', Buffer.alloc(0)))[0]).to.include({ code: 'attachment-content-mismatch' });
      const state: InspectState = { counter: { inflated: 0 }, findings: [], maxFindings: 5 };
      await inspectFile('(part 2)', null, pdf, rules, state);
      expect(state.findings[0]).to.include({ code: 'attachment-type' });
      expect(state.findings[0].details).to.include({ problem: 'file has no name' });
    });
  });

  describe('limits come from the options', function () {
    it('maxDepth 1 refuses a zip inside a zip', async () => {
      const strict = fileRulesFrom(attachmentsCheck.options.parse({ archives: { maxDepth: 1 } }));
      expect((await inspect('nested.zip', fixture('nested.zip'), strict))[0].details).to.include({ problem: 'nesting' });
    });
    it('maxMemberSize caps the real inflated bytes', async () => {
      const strict = fileRulesFrom(attachmentsCheck.options.parse({ archives: { maxMemberSize: '10KiB' } }));
      expect((await inspect('two-pdfs.zip', fixture('two-pdfs.zip'), strict))[0].details).to.include({ problem: 'too-large' });
      expect((await inspect('two-pdfs.rar', fixture('two-pdfs.rar'), strict))[0].details).to.include({ problem: 'too-large' });
    });
    it('a RAR asking for a huge decompression window is refused before unrar allocates it', async () => {
      const { makeRar5 } = await import('../../helpers/rar5.js');
      const rar = makeRar5([{ name: 'a.pdf', data: Buffer.alloc(100, 7), declaredSize: 2 ** 30, compressionInfo: (3 << 7) | (14 << 10) }]);
      const before = process.memoryUsage().rss;
      const findings = await inspect('a.rar', rar);
      expect(findings.map((f) => [f.code, f.details?.problem, f.details?.detail])).to.deep.equal([
        ['archive-unsafe', 'too-large', 'dictionary of 2147483648 bytes'],
      ]);
      expect(process.memoryUsage().rss - before).to.be.below(256 * 1024 * 1024);
    });
    it('an extension allowed by the administrator is accepted', async () => {
      const odt = fileRulesFrom(attachmentsCheck.options.parse({ allowedExtensions: ['pdf', 'odt'] }));
      expect(await inspect('a.odt', fixture('two-pdfs.zip'), odt)).to.deep.equal([]);
      expect((await inspect('a.docx', fixture('qd-05.docx'), odt))[0]).to.include({ code: 'attachment-type' });
    });
  });

  describe('in a message', function () {
    it('a Vietnamese RFC 2231 name and an uppercase .PDF pass', async () => {
      const message = await composeMessage({ attachments: [{ filename: 'Quyết định số 05 về việc triển khai.PDF', content: fixture('qd-05.pdf') }] });
      expect(message.attachments[0].filename).to.equal('Quyết định số 05 về việc triển khai.PDF');
      expect(codes(await runCheck(attachmentsCheck, message))).to.deep.equal([]);
    });
    it('the declared Content-Type must agree with the file name (mime-types), generic and unknown types claim nothing', async () => {
      const pdf = fixture('qd-05.pdf');
      const docx = fixture('qd-05.docx');
      const zip = fixture('two-pdfs.zip');
      const verdictFor = async (filename: string, content: Buffer, contentType: string) =>
        codes(await runCheck(attachmentsCheck, await composeMessage({ attachments: [{ filename, content, contentType }] })));
      expect(await verdictFor('qd-05.pdf', pdf, 'application/x-msdownload')).to.deep.equal(['attachment-content-mismatch']);
      expect(await verdictFor('qd-05.pdf', pdf, 'image/jpeg')).to.deep.equal(['attachment-content-mismatch']);
      expect(await verdictFor('qd-05.docx', docx, 'application/pdf')).to.deep.equal(['attachment-content-mismatch']);
      expect(await verdictFor('qd-05.pdf', pdf, 'application/pdf')).to.deep.equal([]);
      expect(await verdictFor('qd-05.pdf', pdf, 'application/octet-stream')).to.deep.equal([]);
      expect(await verdictFor('qd-05.pdf', pdf, 'application/x-pdf')).to.deep.equal([]);
      expect(await verdictFor('qd-05.docx', docx, 'application/msword')).to.deep.equal([]);
      expect(await verdictFor('two-pdfs.zip', zip, 'application/x-zip-compressed')).to.deep.equal([]);
    });
    it('no attachment at all is missing-document', async () => {
      expect(codes(await runCheck(attachmentsCheck, await composeMessage({})))).to.deep.equal(['missing-document']);
    });
    it('only a picture: attachment-type, then missing-document', async () => {
      const message = await composeMessage({ attachments: [{ filename: 'scan.jpg', content: fixture('scan.jpg') }] });
      expect(codes(await runCheck(attachmentsCheck, message))).to.deep.equal(['attachment-type', 'missing-document']);
    });
    it('a file inside an attached message/rfc822 is refused', async () => {
      const { composeRaw } = await import('../../helpers/policy.js');
      const inner = await composeRaw({ attachments: [{ filename: 'a.pdf', content: fixture('qd-05.pdf') }] });
      const message = await composeMessage({
        attachments: [
          { filename: 'qd-05.pdf', content: fixture('qd-05.pdf') },
          { filename: 'forwarded.eml', content: inner, contentType: 'message/rfc822' },
        ],
      });
      const report = await runCheck(attachmentsCheck, message);
      expect(report.findings[0]).to.include({ code: 'attachment-type', subject: 'a.pdf' });
      expect(report.findings[0].details).to.include({ problem: 'file inside an embedded message (message/rfc822)' });
    });
    it('the main document is the first allowed file unless a form line names another', async () => {
      const attachments = [
        { filename: 'ghi chú.txt', content: 'x' },
        { filename: 'Phụ lục.pdf', content: fixture('qd-05.pdf') },
        { filename: 'Quyết định.docx', content: fixture('qd-05.docx') },
      ];
      expect((await composeMessage({ attachments })).mainDocument).to.equal(1);
      const named = await composeMessage({ attachments, text: 'Văn bản chính: Quyết định.docx\nSố ký hiệu: 05/QĐ-UBND' });
      expect(named.mainDocument).to.equal(2);
    });
  });
});

describe('PDF active-content scan (policies/files/pdf.ts)', function () {
  it('binary stream data that happens to hold "/JS " or "/AA>" is not active content', async () => {
    const { pdf } = await import('../../helpers/pdf.js');
    const noise = Buffer.from('\x89\x12/JS (x) /AA<< /OpenAction <<>> \xff\x00', 'latin1');
    const image = Buffer.concat([
      Buffer.from(`<< /Type /XObject /Subtype /Image /Length ${noise.length} >>\nstream\n`, 'latin1'),
      noise,
      Buffer.from('\nendstream', 'latin1'),
    ]);
    const doc = pdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
      image,
    ]);
    expect(await inspect('scan.pdf', doc)).to.deep.equal([]);
  });
  it('an action dictionary hidden in a fake stream is still found by its /S type', async () => {
    const { pdf } = await import('../../helpers/pdf.js');
    const hidden = '<< /Length 5 >>\nstream\n<< /S /J#61vaScript /JS (app.alert(1)) >>\nendstream';
    const doc = pdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
      hidden,
    ]);
    expect((await inspect('a.pdf', doc)).map((f) => [f.code, f.details?.names])).to.deep.equal([['active-content', ['JavaScript']]]);
  });
});
