// The PDF text layer is read in a worker thread (policies/pdf/text-pool.ts): the main document's text
// comes from that thread, the limits still apply there, and a thread that dies mid-read fails that read
// as a timeout does (a PdfTextError, so no document text) while the next PDF is read by a new thread.

import { expect } from 'chai';
import { threadId } from 'node:worker_threads';
import { ByteBudget } from '../../../policies/files/budget.js';
import { mainDocumentText } from '../../../policies/files/document-text.js';
import { extractPdfText, PdfTextError } from '../../../policies/pdf/text.js';
import { extractPdfTextInWorker, pdfTextWorkers, WORKER_MAX_BYTES } from '../../../policies/pdf/text-pool.js';
import { composeMessage } from '../../helpers/policy.js';
import { vietnameseTextPdf } from '../../fixtures/pdf/make-fixtures.js';

const HEADER = ['ỦY BAN NHÂN DÂN', 'TỈNH HÀ TĨNH', 'Số: 14/QĐ-UBND', 'Hà Tĩnh, ngày 02 tháng 12 năm 2026', 'QUYẾT ĐỊNH'];
const LIMITS = { maxPages: 500, maxChars: 512 * 1024, timeoutMs: 30_000 };

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (err: unknown) => err,
  );

/** Seventy pages of text (under WORKER_MAX_BYTES): a read that lasts long enough to be killed. */
function longPdf(tag: string): Buffer {
  const page = (n: number) => Array.from({ length: 50 }, (_, i) => `${tag} trang ${n} dòng ${i}: văn bản dài có dấu tiếng Việt`);
  const pdf = vietnameseTextPdf(
    [...HEADER, tag],
    false,
    Array.from({ length: 70 }, (_, n) => page(n)),
  ).buf;
  expect(pdf.length).to.be.below(WORKER_MAX_BYTES);
  return pdf;
}

describe('PDF text layer in a worker thread', function () {
  this.timeout(120_000);

  it('reads the text in another thread, the same text the main thread reads', async () => {
    const pdf = vietnameseTextPdf([...HEADER, 'Đọc trong luồng phụ']).buf;
    const inWorker = await extractPdfTextInWorker(pdf, LIMITS);
    expect(threadId).to.equal(0);
    expect(inWorker.threadId).to.be.greaterThan(0);
    const { threadId: _thread, ...text } = inWorker;
    expect(text).to.deep.equal(await extractPdfText(pdf, LIMITS));
    expect(text.text).to.include('Đọc trong luồng phụ');
    // The caller's bytes stay usable: the worker got a transferred copy.
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
  });

  it('applies the time limit and the abort signal in the worker', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const stopped = await failure(extractPdfTextInWorker(vietnameseTextPdf(HEADER).buf, { ...LIMITS, signal: aborted.signal }));
    expect(stopped).to.be.instanceOf(PdfTextError);
    expect((stopped as Error).message).to.equal('text extraction aborted');
    const slow = await failure(extractPdfTextInWorker(longPdf('Chậm'), { ...LIMITS, timeoutMs: 1 }));
    expect(slow).to.be.instanceOf(PdfTextError);
    expect((slow as Error).message).to.match(/longer than 1 ms/);
    const midway = new AbortController();
    const cut = failure(extractPdfTextInWorker(longPdf('Bị hủy'), { ...LIMITS, signal: midway.signal }));
    midway.abort();
    expect(await cut).to.be.instanceOf(PdfTextError);
    const after = await extractPdfTextInWorker(vietnameseTextPdf([...HEADER, 'Sau khi hủy']).buf, LIMITS);
    expect(after.text).to.include('Sau khi hủy');
  });

  it('a thread killed mid-read fails that read with a PdfTextError; the next read gets a new thread', async () => {
    const reading = failure(extractPdfTextInWorker(longPdf('Luồng bị giết'), LIMITS));
    const workers = pdfTextWorkers();
    expect(workers).to.have.length(1);
    const killed = workers[0].threadId;
    await workers[0].terminate();
    const err = await reading;
    expect(err).to.be.instanceOf(PdfTextError);
    const next = await extractPdfTextInWorker(vietnameseTextPdf([...HEADER, 'Luồng mới']).buf, LIMITS);
    expect(next.text).to.include('Luồng mới');
    expect(next.threadId).to.not.equal(killed);
    // A submission's main document is read there too: its read dies with the thread and the submission
    // has no document text (as after a timeout; on the main thread the read would go on); the next reads.
    const budget = new ByteBudget(1 << 26);
    const ctx = () => ({ services: { memoryBudget: budget }, signal: new AbortController().signal });
    const doomed = await composeMessage({ text: 'Số ký hiệu: 14/QĐ-UBND', attachments: [{ filename: 'qd.pdf', content: longPdf('Văn bản mất') }] });
    const lost = mainDocumentText(doomed, ctx());
    while (pdfTextWorkers().length === 0 || budget.inUse === 0) await new Promise((r) => setTimeout(r, 5));
    await pdfTextWorkers()[0].terminate();
    expect(await lost).to.equal(null);
    expect(budget.inUse).to.equal(0);
    const fine = await composeMessage({
      text: 'Số ký hiệu: 14/QĐ-UBND',
      attachments: [{ filename: 'qd.pdf', content: vietnameseTextPdf([...HEADER, 'Văn bản sau']).buf }],
    });
    expect((await mainDocumentText(fine, ctx()))?.text).to.include('Văn bản sau');
  });
});
