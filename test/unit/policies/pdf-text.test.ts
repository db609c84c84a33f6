// What a PDF says counts: the text layer (pdfjs-dist) of the main PDF feeds the metadata cross-check
// and the confidentiality check as a DOCX's text does; a scan (no text layer) passes; the extraction
// is bounded by time and by the inspection memory budget.

import { expect } from 'chai';
import { confidentialityCheck } from '../../../policies/checks/confidentiality.js';
import { metadataCheck } from '../../../policies/checks/metadata.js';
import { pdfSignatureCheck } from '../../../policies/checks/pdf-signature.js';
import { ByteBudget } from '../../../policies/files/budget.js';
import { mainDocumentText } from '../../../policies/files/document-text.js';
import { extractPdfText, PdfTextError } from '../../../policies/pdf/text.js';
import { codes, composeMessage, runCheck } from '../../helpers/policy.js';
import { openTrust } from '../../helpers/smime.js';
import { scannedPdf, sign, SIGNERS, vietnameseTextPdf } from '../../fixtures/pdf/make-fixtures.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HEADER = ['ỦY BAN NHÂN DÂN', 'TỈNH HÀ TĨNH', 'Số: 12/QĐ-UBND', 'Hà Tĩnh, ngày 20 tháng 11 năm 2026', 'QUYẾT ĐỊNH', 'Về việc triển khai văn bản điện tử'];
const form = (number: string) =>
  [`Số ký hiệu: ${number}`, 'Ngày ký: 20/11/2026', 'Loại văn bản: Quyết định', 'Trích yếu: V/v triển khai văn bản điện tử'].join('\n');

describe('PDF text layer', function () {
  this.timeout(60_000);
  let work: string;
  before(() => (work = mkdtempSync(path.join(os.tmpdir(), 'docgate-pdftext-'))));
  after(() => rmSync(work, { recursive: true, force: true }));

  const message = (pdf: Buffer, number = '12/QĐ-UBND', extra: Parameters<typeof composeMessage>[0] = {}) =>
    composeMessage({ text: form(number), attachments: [{ filename: 'qd.pdf', content: pdf }], ...extra });

  it('extracts Vietnamese text line by line (NFC)', async () => {
    const pdf = await extractPdfText(vietnameseTextPdf(HEADER).buf, { maxPages: 10, maxChars: 10_000, timeoutMs: 10_000 });
    expect(pdf.hasTextLayer).to.equal(true);
    expect(pdf.text.split('\n').slice(0, HEADER.length)).to.deep.equal(HEADER);
  });

  it('a signed PDF whose text says Số: 12/QĐ-UBND while the form says 13 is metadata-invalid; 12 passes', async () => {
    const signed = sign(vietnameseTextPdf(HEADER, true), SIGNERS.good, { work }).buf;
    const trust = await openTrust();
    expect(codes(await runCheck(pdfSignatureCheck, await message(signed), {}, { now: new Date(), services: { trust } }))).to.deep.equal([]);
    const report = await runCheck(metadataCheck, await message(signed, '13/QĐ-UBND'));
    expect(codes(report)).to.deep.equal(['metadata-invalid']);
    expect(report.findings[0].details).to.include({ field: 'documentNumber', document: 'qd.pdf' });
    expect(String(report.findings[0].details?.problem)).to.include('12/QĐ-UBND');
    expect(codes(await runCheck(metadataCheck, await message(signed, '12/QĐ-UBND')))).to.deep.equal([]);
    expect(codes(await runCheck(metadataCheck, await message(signed, '13/QĐ-UBND'), { crossCheckFormats: ['docx'] }))).to.deep.equal([]);
  });

  it('a PDF stamped MẬT is confidential-document; the same PDF without the stamp passes', async () => {
    const stamped = vietnameseTextPdf([...HEADER.slice(0, 3), 'MẬT', ...HEADER.slice(3)]).buf;
    const report = await runCheck(confidentialityCheck, await message(stamped));
    expect(codes(report)).to.deep.equal(['confidential-document']);
    expect(codes(await runCheck(confidentialityCheck, await message(vietnameseTextPdf(HEADER).buf)))).to.deep.equal([]);
    expect(codes(await runCheck(confidentialityCheck, await message(stamped), { documentText: false }))).to.deep.equal([]);
  });

  it('a scanned PDF (no text layer) is recorded as such and passes both checks', async () => {
    const scan = await message(scannedPdf(), '13/QĐ-UBND');
    const text = await mainDocumentText(scan, { services: { memoryBudget: new ByteBudget(1 << 26) }, signal: new AbortController().signal });
    expect(text).to.include({ file: 'qd.pdf', text: '', textLayer: false });
    expect(codes(await runCheck(metadataCheck, scan))).to.deep.equal([]);
    expect(codes(await runCheck(confidentialityCheck, await message(scannedPdf())))).to.deep.equal([]);
  });

  it('extraction holds the memory budget while it runs and honours its time limit', async () => {
    const budget = new ByteBudget(1 << 26);
    // A PDF no other test has read: a file read before is answered from the cache, without parsing.
    const msg = await message(vietnameseTextPdf([...HEADER, 'Bản đo ngân sách bộ nhớ']).buf);
    let peak = 0;
    const watched = {
      reserve: async (bytes: number, signal?: AbortSignal) => {
        const release = await budget.reserve(bytes, signal);
        peak = Math.max(peak, budget.inUse);
        return release;
      },
    };
    await mainDocumentText(msg, { services: { memoryBudget: watched }, signal: new AbortController().signal });
    expect(peak).to.be.at.least(msg.attachments[0].size * 4);
    expect(budget.inUse).to.equal(0);
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (err: unknown) => err,
      );
    const aborted = new AbortController();
    aborted.abort();
    expect(
      await failure(extractPdfText(vietnameseTextPdf(HEADER).buf, { maxPages: 10, maxChars: 10_000, timeoutMs: 10_000, signal: aborted.signal })),
    ).to.be.instanceOf(PdfTextError);
    const long = vietnameseTextPdf(Array.from({ length: 3000 }, (_, i) => `Dòng thứ ${i} của văn bản dài, có dấu tiếng Việt`)).buf;
    const slow = await failure(extractPdfText(long, { maxPages: 10, maxChars: 10_000_000, timeoutMs: 1 }));
    expect(slow).to.be.instanceOf(PdfTextError);
    expect((slow as Error).message).to.match(/longer than 1 ms/);
  });

  it('the same file again is answered from the cache: same text, no second parse, no budget held', async () => {
    const pdf = vietnameseTextPdf([...HEADER, 'Bản đọc hai lần']).buf;
    let reservations = 0;
    const counted = (budget: ByteBudget) => ({
      reserve: async (bytes: number, signal?: AbortSignal) => {
        reservations++;
        return budget.reserve(bytes, signal);
      },
    });
    const ctx = () => ({ services: { memoryBudget: counted(new ByteBudget(1 << 26)) }, signal: new AbortController().signal });
    const first = await mainDocumentText(await message(pdf), ctx());
    expect(reservations).to.be.greaterThan(0);
    reservations = 0;
    const again = await mainDocumentText(await message(pdf), ctx());
    expect(reservations).to.equal(0);
    expect(again).to.deep.equal(first);
    expect(again?.text).to.include('Bản đọc hai lần');
    // An aborted read is not kept: the next submission of that file reads it for itself.
    const other = vietnameseTextPdf([...HEADER, 'Bản đọc bị hủy']).buf;
    const aborted = new AbortController();
    aborted.abort();
    expect(await mainDocumentText(await message(other), { services: { memoryBudget: new ByteBudget(1 << 26) }, signal: aborted.signal })).to.equal(null);
    const read = await mainDocumentText(await message(other), ctx());
    expect(read?.text).to.include('Bản đọc bị hủy');
  });
});
