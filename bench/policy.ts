// npm run bench -- policy: the policy pipeline (sample config/policy.yaml without clamd and the
// register look-up) on 100 KB and 1 MB submissions carrying a DOCX and a zip of PDFs: messages per
// second and CPU ms per message, parse + InboundMessage + every check. Then peak RSS of the whole
// gateway while 20 clients submit 20 MB messages at once over SMTP (the files streamed from disk by
// the clients, so the figure is the gateway's). Every loop is bounded in count and time.

import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgencyDirectory } from '../config/agencies.js';
import { policySchema } from '../policies/policy-file.js';
import { createLogger } from '../config/log.js';
import { buildInboundMessage } from '../policies/build-message.js';
import { parseMimeBuffer } from '../policies/mime/parser.js';
import { PolicyEngine } from '../policies/engine.js';
import { CHECK_DEFINITIONS } from '../policies/registry.js';
import { ByteBudget } from '../policies/files/budget.js';
import { AGENCIES, REPO_ROOT } from '../test/helpers/env.js';
import { transport } from '../test/helpers/gateway.js';
import { SERVE_ENV } from '../test/helpers/child.js';
import { samplePolicy } from '../test/helpers/policy-e2e.js';
import { openTrust } from '../test/helpers/smime.js';
import { makeDocx } from '../test/helpers/documents.js';
import { composeRaw, fixture, FORM_LINES, testConfig, TEST_NOW } from '../test/helpers/policy.js';
import { storedZip } from '../test/helpers/zip.js';
import { round, type BenchRow, type BenchTable } from './report.js';

/** A PDF padded with an incompressible stream to about `size` bytes (so the zip is as large). */
function paddedPdf(size: number): Buffer {
  const base = fixture('qd-05.pdf').toString('latin1');
  const pad = randomBytes(Math.max(0, size - base.length)).toString('latin1');
  const insert = `9 0 obj\n<< /Length ${pad.length} >>\nstream\n${pad}\nendstream\nendobj\n`;
  const at = base.indexOf('\n') + 1; // after the %PDF- header line: the trailer stays last
  return Buffer.from(base.slice(0, at) + insert + base.slice(at), 'latin1');
}

async function submission(size: number): Promise<Buffer> {
  const zip = storedZip([
    { name: 'Phụ lục 1.pdf', data: paddedPdf(size / 2) },
    { name: 'Phụ lục 2.pdf', data: paddedPdf(size / 4) },
  ]);
  return composeRaw({
    attachments: [
      { filename: 'Quyết định.docx', content: fixture('qd-05.docx') },
      { filename: 'Phụ lục.zip', content: zip },
    ],
  });
}

async function throughput(label: string, raw: Buffer): Promise<BenchRow> {
  const config = testConfig();
  const agencies = new AgencyDirectory(config.agencies);
  // No register here: the checks that look documents up in it (duplicate, document-reference) are left out.
  const usesRegister = (id: string) => (CHECK_DEFINITIONS[id]?.needs as readonly string[] | undefined)?.includes('register') ?? false;
  const policy = policySchema.parse({ ...samplePolicy(), checks: samplePolicy().checks.filter((c) => !usesRegister(c.id)) });
  const engine = new PolicyEngine(policy, {
    timeZone: config.docgate.timezone,
    agencies,
    log: createLogger('silent'),
    now: () => TEST_NOW,
    services: { memoryBudget: new ByteBudget(64 * 1024 * 1024), trust: await openTrust() },
  });
  const sender = { account: AGENCIES.ubnd.address, agency: agencies.get(AGENCIES.ubnd.id)!, remoteAddress: '127.0.0.1' };
  const once = async () => {
    const mime = await parseMimeBuffer(raw, { tempDir: os.tmpdir() });
    const message = await buildInboundMessage({
      trackingId: 'DG20261121-BENCHBENCH',
      receivedAt: TEST_NOW,
      envelope: { mailFrom: sender.account, rcptTo: [AGENCIES.snv.address] },
      sender,
      recipientAgencies: [agencies.get(AGENCIES.snv.id)!],
      raw: { path: '/dev/null', size: raw.length, sha256: '' },
      mime,
    });
    const verdict = await engine.evaluate(message);
    await mime.dispose();
    if (verdict.action !== 'accept') throw new Error(`bench message not accepted: ${verdict.reason} ${JSON.stringify(verdict.details)}`);
  };
  await once();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  while (count < 400 && performance.now() - started < 4000) {
    await once();
    count++;
  }
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    case: label,
    messages: count,
    'msg/s': round((count * 1000) / wall, 1),
    'cpu ms/msg': round((used.user + used.system) / 1000 / count, 2),
    'wall ms/msg': round(wall / count, 2),
  };
}

async function gatewayRss(label: string, makeMessages: () => Promise<Buffer[]>, expectCode = '250'): Promise<BenchRow> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-bench-'));
  // The gateway runs from the tsc build, as `npm start` runs it (npm run bench builds first).
  const child = fork(path.join(REPO_ROOT, 'dist/bench/policy-gateway.js'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...SERVE_ENV },
  });
  const messages: { port?: number; baseline?: number; peak?: number }[] = [];
  child.on('message', (m) => messages.push(m as never));
  const next = async () => {
    const deadline = Date.now() + 30_000;
    while (messages.length === 0) {
      if (Date.now() > deadline) throw new Error('gateway child did not answer');
      await new Promise((r) => setTimeout(r, 20));
    }
    return messages.shift()!;
  };
  try {
    const { port } = await next();
    const files: string[] = [];
    for (const [i, raw] of (await makeMessages()).entries()) {
      const file = path.join(dir, `m${i}.eml`);
      writeFileSync(file, raw);
      files.push(file);
    }
    const started = performance.now();
    const results = await Promise.all(
      files.map(async (file) => {
        const client = transport(port!, AGENCIES.ubnd.address);
        try {
          return (await client.sendMail({ envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] }, raw: { path: file } })).response;
        } catch (err) {
          return (err as { response?: string }).response ?? (err as Error).message;
        } finally {
          client.close();
        }
      }),
    );
    const wall = performance.now() - started;
    child.send('report');
    const { baseline, peak, heapUsed, heapTotal, external } = (await next()) as {
      baseline: number;
      peak: number;
      heapUsed: number;
      heapTotal: number;
      external: number;
    };
    const accepted = results.filter((r) => r.startsWith(expectCode)).length;
    return {
      case: label,
      messages: `${accepted}/${results.length} ${expectCode}`,
      'msg/s': round((accepted * 1000) / wall, 2),
      'wall ms total': round(wall, 0),
      'gateway rss idle MB': round(baseline / 1048576, 0),
      'gateway peak rss MB': round(peak / 1048576, 0),
      'heap used (total) / external at peak MB': `${round(heapUsed / 1048576, 0)} (${round(heapTotal / 1048576, 0)}) / ${round(external / 1048576, 0)}`,
      ...(accepted < results.length ? { unexpected: results.find((r) => !r.startsWith(expectCode))!.slice(0, 80) } : {}),
      ...(expectCode !== '250' ? { reply: results[0].slice(0, 60) } : {}),
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Twenty ~20 MB compliant submissions: base64 of ~14.6 MB of attachments; distinct numbers, so none is a
 * duplicate. The main document is a DOCX whose own "Số: …" and date lines match the form lines (the
 * metadata check cross-checks them: a padded copy of qd-05.pdf as the main document says 05/QĐ-UBND, and
 * every message answered 550 metadata-invalid); the large PDFs follow it, alone and in a zip.
 */
async function twentyLarge(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < 20; i++) {
    const number = `${200 + i}/QĐ-UBND`;
    const zip = storedZip([{ name: 'Phụ lục.pdf', data: paddedPdf(10 * 1024 * 1024) }]);
    const main = await makeDocx([
      'ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH',
      `Số: ${number}`,
      'Hà Tĩnh, ngày 21 tháng 11 năm 2026',
      'QUYẾT ĐỊNH',
      'V/v triển khai văn bản điện tử',
      'Nguyễn Văn An',
    ]);
    out.push(
      await composeRaw({
        messageId: `<bench.${i}.${Date.now()}@ubnd.hatinh.gov.vn>`,
        text: FORM_LINES.map((line) => line.replace('05/QĐ-UBND', number)).join('\n'),
        attachments: [
          { filename: 'Quyết định.docx', content: main },
          { filename: 'Phụ lục 1.pdf', content: paddedPdf(4 * 1024 * 1024) },
          { filename: 'Phụ lục 2.zip', content: zip },
        ],
      }),
    );
  }
  return out;
}

/**
 * The same twenty, but each main document a PDF of `mainSize` (padded qd-05.pdf, distinct bytes, so no
 * read is answered from the text cache): every message has its text layer read by pdfjs, the case where
 * that reading's own memory (the worker thread's heap for a small one, the copies of the bytes) adds to
 * the peak. The PDF's own text says 05/QĐ-UBND, so the metadata cross-check answers 550 metadata-invalid
 * after reading it.
 */
async function twentyLargePdfMain(mainSize: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < 20; i++) {
    const number = `${300 + i}/QĐ-UBND`;
    const zip = storedZip([{ name: 'Phụ lục.pdf', data: paddedPdf(10 * 1024 * 1024) }]);
    out.push(
      await composeRaw({
        messageId: `<bench.pdf.${i}.${Date.now()}@ubnd.hatinh.gov.vn>`,
        text: FORM_LINES.map((line) => line.replace('05/QĐ-UBND', number)).join('\n'),
        attachments: [
          { filename: 'Quyết định.pdf', content: paddedPdf(mainSize) },
          { filename: 'Phụ lục 1.pdf', content: paddedPdf(4 * 1024 * 1024) },
          { filename: 'Phụ lục 2.zip', content: zip },
        ],
      }),
    );
  }
  return out;
}

/** One ~24 MB message whose zip holds ~17 GB of zeros in a few members (deflate's best ratio). */
async function zipBomb(): Promise<Buffer[]> {
  const { deflateRawSync } = await import('node:zlib');
  const zeros = Buffer.alloc(256 * 1024 * 1024);
  const packed = deflateRawSync(zeros, { level: 9 });
  const members = Array.from({ length: Math.floor((17 * 1024 * 1024) / packed.length) }, (_, i) => ({ name: `zeros-${i}.pdf`, packed, size: zeros.length }));
  const { deflatedZip } = await import('../test/helpers/zip.js');
  const bomb = deflatedZip(members);
  return [
    await composeRaw({
      attachments: [
        { filename: 'Quyết định.pdf', content: fixture('qd-05.pdf') },
        { filename: 'Hồ sơ.zip', content: bomb },
      ],
    }),
  ];
}

export async function run(): Promise<BenchTable> {
  const only = process.env.DOCGATE_BENCH_ONLY;
  const rows: BenchRow[] = [];
  if (only !== 'rss' && only !== 'rss-pdf')
    rows.push(
      await throughput('100 KB (docx + zip of 2 PDFs)', await submission(100 * 1024)),
      await throughput('1 MB (docx + zip of 2 PDFs)', await submission(1024 * 1024)),
    );
  if (only !== 'throughput' && only !== 'rss-pdf') {
    rows.push(await gatewayRss('20 x 20 MB concurrent over SMTP', twentyLarge));
    rows.push(await gatewayRss('one 24 MB zip bomb (17 GB of zeros)', zipBomb, '550'));
  }
  if (only !== 'throughput') {
    rows.push(await gatewayRss('20 x 20 MB, main document a 4 MB PDF (text read)', () => twentyLargePdfMain(4 * 1024 * 1024), '550'));
    rows.push(await gatewayRss('20 x 20 MB, main document a 72 KB PDF (text read)', () => twentyLargePdfMain(72 * 1024), '550'));
  }
  return {
    title: 'policy pipeline: parse + checks (sample policy.yaml, no clamd, no register look-up); peak RSS under load',
    rows,
    notes: [
      'peak RSS is the gateway process alone, run from dist/ with the allocator settings of npm start (MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=131072); clients in the bench process, streaming from disk',
      'inspection.memoryBudget 32 MiB, messages of 2 MiB or more parsed and checked 4 at a time; BENCH_POLICY=minimal (sender-header only) shows the cost of SMTP, TLS, spool and MIME parsing alone',
    ],
  };
}
