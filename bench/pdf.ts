// PDF throughput on one core: the pdf-signature check on a 1 MB PDF signed twice (leader + seal, the
// second in an incremental update), with a warm chain cache and a cold one, and the text layer of a
// 20-page Vietnamese PDF with pdfjs-dist. Parsing the message is not counted. Bounded: each case runs at
// most MAX_ITERATIONS times or MAX_MS milliseconds.

import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pdfSignatureCheck } from '../policies/checks/pdf-signature.js';
import { ByteBudget } from '../policies/files/budget.js';
import { extractPdfText } from '../policies/pdf/text.js';
import { composeMessage } from '../test/helpers/policy.js';
import { agencies, openTrust, silentLog } from '../test/helpers/smime.js';
import { addSecondSignature, issue, sign, SIGNERS, unsignedDoc, vietnameseTextPdf } from '../test/fixtures/pdf/make-fixtures.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';

const MAX_ITERATIONS = 5_000;
const MAX_MS = 3_000;

async function loop(work: () => Promise<void>, before?: () => void): Promise<{ rate: number; p50: number; p99: number; count: number }> {
  await work();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < MAX_ITERATIONS && performance.now() - started < MAX_MS) {
    before?.();
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  return { rate: (times.length / total) * 1000, p50: percentile(times, 50), p99: percentile(times, 99), count: times.length };
}

export async function run(): Promise<BenchTable> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'docgate-bench-pdf-'));
  try {
    const filler = `\n% ${'x'.repeat(120)}`.repeat(8_300);
    const seal = issue(work, 'seal', '/C=VN/O=UBND tinh Ha Tinh/CN=UBND tinh Ha Tinh', '1.3.6.1.5.5.7.3.36');
    const pdf = addSecondSignature(
      sign(unsignedDoc(undefined, `BT /F1 14 Tf 72 770 Td (So: 05/QD-UBND) Tj ET${filler}`), SIGNERS.good, { work }),
      seal,
      work,
    ).buf;
    const trust = await openTrust(undefined, 60_000);
    const message = await composeMessage({ attachments: [{ filename: 'qd.pdf', content: pdf }] });
    const ctx = {
      timeZone: 'Asia/Ho_Chi_Minh',
      agencies,
      options: pdfSignatureCheck.options.parse({}),
      now: () => new Date(),
      log: silentLog,
      signal: new AbortController().signal,
      services: { trust, memoryBudget: new ByteBudget(256 * 1024 * 1024) },
    };
    const verify = async () => {
      const report = await pdfSignatureCheck.run(message, ctx);
      if (Array.isArray(report) || report.findings.length > 0) throw new Error(`unexpected findings ${JSON.stringify(report)}`);
    };
    const rows: BenchRow[] = [];
    for (const cold of [false, true]) {
      const r = await loop(verify, cold ? () => trust.dropCaches() : undefined);
      rows.push({
        case: 'verify 2 signatures',
        size: `${round(pdf.length / 1024 / 1024, 2)} MB`,
        cache: cold ? 'cold' : 'warm',
        'per s': Math.round(r.rate),
        'p50 ms': round(r.p50, 2),
        'p99 ms': round(r.p99, 2),
        runs: r.count,
      });
    }
    const lines = Array.from({ length: 40 }, (_, i) => `Điều ${i + 1}. Ủy ban nhân dân tỉnh Hà Tĩnh triển khai văn bản điện tử, số thứ tự ${i}`);
    const textPdf = vietnameseTextPdf(
      lines,
      false,
      Array.from({ length: 19 }, () => lines),
    ).buf;
    const r = await loop(async () => {
      const text = await extractPdfText(textPdf, { maxPages: 500, maxChars: 512 * 1024, timeoutMs: 30_000 });
      if (!text.hasTextLayer || text.pages !== 20) throw new Error('unexpected text extraction result');
    });
    rows.push({
      case: 'text layer, 20 pages',
      size: `${round(textPdf.length / 1024, 0)} KiB`,
      cache: '',
      'per s': round(r.rate, 1),
      'p50 ms': round(r.p50, 2),
      'p99 ms': round(r.p99, 2),
      runs: r.count,
    });
    return {
      title: 'PDF signatures and text per second, one core (check only; message parse not counted)',
      rows,
      notes: [
        `${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; each case ≤ ${MAX_ITERATIONS} runs or ${MAX_MS} ms`,
        'verify: object scan, /ByteRange rules, changes after signing, two CMS verifications over the ranges, paths, CRLs',
        'warm: validated paths and parsed certificates cached on the trust snapshot; cold: dropped before every run',
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
