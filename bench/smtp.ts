// SMTP intake throughput: `docgate serve` as a child process, driven by 20 concurrent pipelining
// sessions over implicit TLS with messages of 5 KB, 100 KB and 1 MB, on persistent sessions and with a
// new connection per message. Prints msg/s, p50/p99 from end of DATA to the 250, and the gateway's peak
// RSS. Each scenario has a fresh gateway and data directory, and is bounded in messages and seconds.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { AGENCIES, createTestEnv, REPO_ROOT } from '../test/helpers/env.js';
import { runCli, startServe, stopProcess } from '../test/helpers/child.js';
import { drive, type LoadResult } from './race-client.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';
import { loadConfig } from '../config/load.js';
import { silentLogger } from '../config/log.js';
import { openStorage } from '../storage/index.js';
import { query } from '../storage/sql.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20);
const PASSWORD = 'Mat-khau-do-hieu-nang-1';

interface Scenario {
  label: string;
  size: number;
  persistent: boolean;
  maxMessages: number;
  maxSeconds: number;
  /** The shipped config/policy.yaml (every check), instead of the intake slice alone (sender-header). */
  samplePolicy?: boolean;
  /** notices.receipts (default on): off compares intake without the background signing of receipts. */
  receipts?: boolean;
}

const SCENARIOS: Scenario[] = [
  { label: '5 KB persistent', size: 5 * 1024, persistent: true, maxMessages: 4000, maxSeconds: 12 },
  { label: '5 KB persistent, receipts off', size: 5 * 1024, persistent: true, maxMessages: 4000, maxSeconds: 12, receipts: false },
  { label: '100 KB persistent', size: 100 * 1024, persistent: true, maxMessages: 3000, maxSeconds: 12 },
  { label: '100 KB persistent, receipts off', size: 100 * 1024, persistent: true, maxMessages: 3000, maxSeconds: 12, receipts: false },
  { label: '1 MB persistent', size: 1024 * 1024, persistent: true, maxMessages: 400, maxSeconds: 15 },
  { label: '100 KB persistent, sample policy', size: 100 * 1024, persistent: true, maxMessages: 3000, maxSeconds: 12, samplePolicy: true },
  { label: '1 MB persistent, sample policy', size: 1024 * 1024, persistent: true, maxMessages: 400, maxSeconds: 15, samplePolicy: true },
  { label: '5 KB new connection', size: 5 * 1024, persistent: false, maxMessages: 600, maxSeconds: 10 },
  { label: '100 KB new connection', size: 100 * 1024, persistent: false, maxMessages: 600, maxSeconds: 10 },
  { label: '1 MB new connection', size: 1024 * 1024, persistent: false, maxMessages: 200, maxSeconds: 12 },
];

/** A PDF of about `size` bytes: real structure (objects, xref, trailer), filled with a binary stream. */
export function paddedPdf(size: number): Buffer {
  const noise = Buffer.alloc(Math.max(0, size - 400));
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  const length = () => parts.reduce((n, b) => n + b.length, 0);
  const add = (text: string | Buffer) => parts.push(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  for (const [i, body] of [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
  ].entries()) {
    offsets.push(length());
    add(`${i + 1} 0 obj\n${body}\nendobj\n`);
  }
  offsets.push(length());
  add(`4 0 obj\n<< /Length ${noise.length} >>\nstream\n`);
  add(noise);
  add('\nendstream\nendobj\n');
  const xref = length();
  add(`xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  add(`trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * A copy of a base64 PDF whose bytes differ for every n: eight characters at the start of its middle
 * line (inside the padding stream, so the PDF stays valid) spell n. Without it every message would
 * carry the same file, and a cache keyed by the file's hash would make the figures unlike real traffic.
 */
export function distinctAttachment(base64: Buffer, n: number): Buffer {
  const copy = Buffer.from(base64);
  const lines = Math.floor(copy.length / 78);
  let at = Math.floor(lines / 2) * 78;
  for (let k = 0, v = n; k < 8; k++, v = Math.floor(v / 64)) copy[at++] = BASE64.charCodeAt(v % 64);
  return copy;
}

/**
 * Document-shaped messages of about `size` bytes that the sample policy accepts: form lines with a
 * distinct số ký hiệu per message (no duplicates), then a base64 PDF. The attachment is encoded once.
 */
export function messageFactory(size: number): (n: number) => Buffer {
  const tail = Buffer.from('\r\n--b--\r\n');
  // base64 with a CRLF every 76 characters: 4/3 × 78/76 of the raw size; the headers take ~700 bytes.
  const pdf = paddedPdf(Math.max(600, Math.floor((((size - 700) * 3) / 4) * (76 / 78))));
  const attachment = Buffer.from(pdf.toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, ''));
  const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date());
  const run = Date.now().toString(36);
  return (n) => {
    const head = [
      `From: ${AGENCIES.ubnd.address}`,
      `To: ${AGENCIES.snv.address}`,
      `Subject: =?UTF-8?B?${Buffer.from(`V/v triển khai công văn số ${n}`).toString('base64')}?=`,
      `Message-ID: <bench-${run}-${n}@ubnd.hatinh.gov.vn>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      `Số ký hiệu: ${n + 10}/UBND-VX`,
      `Ngày ký: ${today}`,
      'Loại văn bản: Công văn',
      '--b',
      `Content-Type: application/pdf; name="cong-van-${n}.pdf"`,
      `Content-Disposition: attachment; filename="cong-van-${n}.pdf"`,
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n');
    return Buffer.concat([Buffer.from(head), distinctAttachment(attachment, n), tail]);
  };
}

/** Size of the messages a scenario sends (they are built to be close to the nominal size). */
export function messageSize(size: number): number {
  return messageFactory(size)(0).length;
}

export function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Acceptance receipts the gateway made while the scenario ran (they are signed after the 250, in the background). */
async function receiptsIn(env: { configDir: string; dataDir: string }): Promise<number> {
  const storage = await openStorage(loadConfig(env), silentLogger);
  try {
    const rows = await query<{ n: unknown }>(storage.db.sequelize, "SELECT COUNT(*) AS n FROM register_events WHERE status = 'receipt-accepted'", {});
    return Number(rows[0].n);
  } finally {
    await storage.close();
  }
}

/** Adds the bench's sending clerk (UBND, a permanent password) to a test environment, or throws. */
export async function addSenderAccount(env: { configDir: string; dataDir: string }, password: string): Promise<void> {
  const added = await runCli(
    [
      'account',
      'add',
      AGENCIES.ubnd.address,
      '--agency',
      AGENCIES.ubnd.id,
      '--password-stdin',
      '--permanent',
      '--config',
      env.configDir,
      '--data',
      env.dataDir,
    ],
    `${password}\n`,
  );
  if (added.code !== 0) throw new Error(`account add failed: ${added.stderr}`);
}

async function runScenario(scenario: Scenario): Promise<BenchRow> {
  const env = createTestEnv({
    docgate: {
      smtp: { listeners: [{ host: '127.0.0.1', port: 0, tls: 'implicit' }], maxConnectionsPerAddress: 200 },
      notices: { receipts: scenario.receipts ?? true },
    },
    ...(scenario.samplePolicy ? { policy: parse(readFileSync(path.join(REPO_ROOT, 'config/policy.yaml'), 'utf8')) } : {}),
  });
  await addSenderAccount(env, PASSWORD);
  const server = await startServe(env.configDir, env.dataDir, 90_000);
  let result: LoadResult;
  let rss: number;
  let receiptsMade: number;
  try {
    result = await drive(
      { port: server.tlsPort, tls: true, auth: { user: AGENCIES.ubnd.address, pass: PASSWORD } },
      {
        sessions: SESSIONS,
        persistent: scenario.persistent,
        maxMessages: scenario.maxMessages,
        maxSeconds: scenario.maxSeconds,
        envelope: { from: AGENCIES.ubnd.address, to: AGENCIES.snv.address },
        message: messageFactory(scenario.size),
      },
    );
  } finally {
    rss = peakRss(server.child.pid!);
    await stopProcess(server.child, 'SIGTERM');
    receiptsMade = await receiptsIn(env);
    env.cleanup();
  }
  const { latencies, errors, firstError, elapsed } = result;
  return {
    scenario: scenario.label,
    'bytes/msg': messageSize(scenario.size),
    messages: latencies.length,
    errors,
    'msg/s': round(latencies.length / elapsed, 1),
    'p50 ms': round(percentile(latencies, 50), 1),
    'p99 ms': round(percentile(latencies, 99), 1),
    'peak RSS MB': round(rss, 0),
    'receipts signed by the end': receiptsMade,
    ...(firstError ? { 'first error': firstError } : {}),
  };
}

export async function run(): Promise<BenchTable> {
  const rows: BenchRow[] = [];
  const only = process.env.BENCH_SMTP_ONLY;
  for (const scenario of SCENARIOS) {
    if (only && !scenario.label.includes(only)) continue;
    rows.push(await runScenario(scenario));
  }
  return {
    title: `${SESSIONS} concurrent sessions, implicit TLS, fsync durability, SQLite (latency: end of DATA to 250)`,
    rows,
    notes: [
      'submission listeners greet at once (greetDelay 0): before, smtp-server waited a fixed 100 ms per connection, ~10 msg/s per session with a connection per message.',
      'Client and gateway share the 2 cores of this machine.',
    ],
  };
}
