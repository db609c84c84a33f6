// npm run bench -- export: seeds one agency-year of N documents (DOCGATE_BENCH_EXPORT_N, default 10,000)
// through the real register write path, with real stored messages (40 distinct submissions of about
// 20 KB, a PDF each, shared content-addressed as identical submissions would be), then runs
// `docgate export` and `docgate export verify` as child processes and reports their time and peak RSS
// (/usr/bin/time's maximum resident set size). Neither holds anything per document (the ZIP's central
// directory and the manifest are spooled to temp files, verify streams both back), so one bound holds
// for both and for any N (DOCGATE_BENCH_EXPORT_RSS_MB overrides it); the bench fails above it.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { silentLogger } from '../config/log.js';
import { parseMimeBuffer, walk } from '../policies/mime/parser.js';
import { openStorage, type Storage } from '../storage/index.js';
import type { SubmissionRecord } from '../storage/register/types.js';
import { CLI, ensureBuilt, SERVE_ENV } from '../test/helpers/child.js';
import { makePdf } from '../test/helpers/documents.js';
import { AGENCIES, createTestEnv } from '../test/helpers/env.js';
import { round, type BenchTable } from './report.js';

const N = Number(process.env.DOCGATE_BENCH_EXPORT_N ?? 10_000);
const DISTINCT = 40;
const BATCH = 200;
/** Peak RSS `export` and `export verify` may each reach, whatever N (measured ~190–250 MB on a loaded 2-core machine). */
const RSS_BOUND_MB = Number(process.env.DOCGATE_BENCH_EXPORT_RSS_MB ?? 320);
const YEAR = 2026;

interface Sample {
  raw: Buffer;
  sha256: string;
  part: { path: string; sha256: string; size: number; filename: string };
}

async function sample(k: number): Promise<Sample> {
  const boundary = `b-${k}`;
  // ~14 KB of PDF: a page of text stream, varying per sample so each blob is distinct.
  const pdf = makePdf(`Bao cao so ${k} `.repeat(900));
  const filename = `Báo cáo ${k}.pdf`;
  const raw = Buffer.from(
    [
      `From: <vanthu@ubnd.hatinh.gov.vn>`,
      `To: <vanthu@snv.hatinh.gov.vn>`,
      `Subject: Bao cao ${k}`,
      `Message-ID: <bench-${k}@ubnd.hatinh.gov.vn>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=UTF-8',
      '',
      `Số ký hiệu: ${k}/BC-UBND`,
      `--${boundary}`,
      `Content-Type: application/pdf; name="Bao cao ${k}.pdf"`,
      `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'Content-Transfer-Encoding: base64',
      '',
      ...(pdf.toString('base64').match(/.{1,76}/g) ?? []),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
  const parsed = await parseMimeBuffer(raw);
  const node = [...walk(parsed.root)].find((n) => n.filename !== null)!;
  const part = { path: node.path, sha256: node.content!.sha256, size: node.content!.size, filename: node.filename! };
  await parsed.dispose();
  return { raw, sha256: createHash('sha256').update(raw).digest('hex'), part };
}

function record(i: number, s: Sample): SubmissionRecord {
  const trackingId = `DG${YEAR}0101-E${String(i).padStart(9, '0')}`;
  const receivedAt = new Date(Date.UTC(YEAR, 0, 2) + i * 60_000);
  return {
    trackingId,
    receivedAt,
    year: YEAR,
    status: 'accepted',
    reason: 'ok',
    senderAgencyId: AGENCIES.ubnd.id,
    senderAccount: AGENCIES.ubnd.address,
    envelopeFrom: AGENCIES.ubnd.address,
    envelopeRecipients: [AGENCIES.snv.address],
    recipientAgencyIds: [AGENCIES.snv.id],
    message: { blobSha256: s.sha256, blobSize: s.raw.length, prefix: `X-Docgate-Tracking-Id: ${trackingId}\r\n`, structure: null, header: null },
    rfc822MessageId: `<bench-${i}@ubnd.hatinh.gov.vn>`,
    subject: `Bao cao ${i}`,
    metadata: {
      documentNumber: `${i + 1}/BC-UBND`,
      signedDate: receivedAt.toISOString().slice(0, 10),
      signer: 'Nguyễn Văn An',
      documentType: 'Báo cáo',
      summary: `V/v báo cáo số ${i + 1} & <kết quả>`,
      urgency: null,
      confidentiality: null,
    },
    metadataJson: '{}',
    verdictJson: '{}',
    signatureJson: null,
    paperCopyRequired: false,
    files: [
      {
        position: 0,
        partPath: s.part.path,
        filename: s.part.filename,
        size: s.part.size,
        declaredType: 'application/pdf',
        detectedType: 'application/pdf',
        sha256: s.part.sha256,
        role: 'main',
      },
    ],
    note: null,
  };
}

async function seed(storage: Storage, dir: string): Promise<void> {
  await storage.writes.run(async (t) => {
    for (const agency of [AGENCIES.ubnd.id, AGENCIES.snv.id]) await storage.mailboxes.ensureAgencyFolders(t, agency, new Date());
  });
  const samples: Sample[] = [];
  for (let k = 0; k < DISTINCT; k++) {
    const s = await sample(k);
    const temp = path.join(dir, `sample-${k}.eml`);
    writeFileSync(temp, s.raw);
    await storage.blobs.adopt(temp, s.sha256);
    samples.push(s);
  }
  for (let at = 0; at < N; at += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, N - at) }, (_, k) => record(at + k, samples[(at + k) % DISTINCT]));
    await storage.writes.run((t) => storage.register.recordMany(t, docs));
  }
}

/** Runs the CLI under /usr/bin/time: exit code, wall seconds and peak RSS in MB. */
function timed(args: string[]): Promise<{ code: number; seconds: number; rssMb: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, CLI, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // The allocator settings `npm start` uses (README): freed zlib and parse buffers go back to the system.
      env: { ...process.env, ...SERVE_ENV },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? NaN);
      resolve({ code: code ?? -1, seconds: Number(process.hrtime.bigint() - started) / 1e9, rssMb: round(kb / 1024, 1), stderr });
    });
  });
}

export async function run(): Promise<BenchTable> {
  ensureBuilt();
  const env = createTestEnv();
  try {
    const config = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
    const storage = await openStorage(config, silentLogger);
    const seedStart = Date.now();
    try {
      await seed(storage, env.root);
    } finally {
      await storage.close();
    }
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const out = path.join(env.root, 'export.zip');
    const dirs = ['--config', env.configDir, '--data', env.dataDir];
    const exported = await timed(['export', '--agency', AGENCIES.snv.id, '--year', String(YEAR), out, ...dirs]);
    if (exported.code !== 0) throw new Error(`export failed (${exported.code}): ${exported.stderr}`);
    const verified = await timed(['export', 'verify', out, ...dirs]);
    if (verified.code !== 0) throw new Error(`export verify failed (${verified.code}): ${verified.stderr}`);
    const zipMb = round(statSync(out).size / 1024 / 1024, 1);
    for (const [step, r] of [
      ['export', exported],
      ['export verify', verified],
    ] as const)
      if (!(r.rssMb <= RSS_BOUND_MB)) throw new Error(`${step} peak RSS ${r.rssMb} MB is over the bound of ${RSS_BOUND_MB} MB`);
    return {
      title: `export of one agency-year: ${N} documents (seeded in ${round(seedSeconds, 1)} s), ZIP ${zipMb} MB`,
      rows: [
        {
          step: 'export',
          documents: N,
          seconds: round(exported.seconds, 1),
          docs_per_s: Math.round(N / exported.seconds),
          peak_rss_mb: exported.rssMb,
          bound_mb: RSS_BOUND_MB,
        },
        {
          step: 'export verify',
          documents: N,
          seconds: round(verified.seconds, 1),
          docs_per_s: Math.round(N / verified.seconds),
          peak_rss_mb: verified.rssMb,
          bound_mb: RSS_BOUND_MB,
        },
      ],
      notes: [`peak RSS asserted: export and export verify <= ${RSS_BOUND_MB} MB each, at any N`],
    };
  } finally {
    env.cleanup();
  }
}
