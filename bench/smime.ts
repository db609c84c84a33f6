// S/MIME verification throughput on one core: the smime-signature check on parsed messages (the MIME
// parse and intake are not counted), with a warm chain cache (an agency's clerks sign with the same
// certificates) and a cold one (every message's certificates parsed and its path validated afresh).
// Bounded: each case runs at most MAX_ITERATIONS messages or MAX_MS milliseconds.

import os from 'node:os';
import path from 'node:path';
import { smimeSignatureCheck } from '../policies/checks/smime-signature.js';
import type { TrustStore } from '../policies/smime/trust-store.js';
import { agencies, fixturePath, loadMessage, openTrust, silentLog, TEST_NOW } from '../test/helpers/smime.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';

const MAX_ITERATIONS = 20_000;
const MAX_MS = 2_500;

const CASES = [
  { name: 'openssl-detached-100k.eml', label: 'detached RSA-2048, 100 KB' },
  { name: 'openssl-detached-ec256.eml', label: 'detached ECDSA P-256, 5 KB' },
  { name: 'gpgsm-opaque.eml', label: 'opaque (gpgsm BER) RSA-2048, 5 KB' },
  { name: 'openssl-detached-two-signers.eml', label: 'detached, two signers, 7 KB' },
];

async function measure(name: string, trust: TrustStore, cold: boolean): Promise<{ rate: number; p50: number; p99: number; count: number; size: number }> {
  const message = await loadMessage(fixturePath(name));
  const options = smimeSignatureCheck.options.parse({});
  const ctx = {
    timeZone: 'Asia/Ho_Chi_Minh',
    agencies,
    options,
    now: () => TEST_NOW,
    log: silentLog,
    signal: new AbortController().signal,
    services: { trust },
  };
  const times: number[] = [];
  try {
    // One untimed run so the warm case starts warm (and both start with JIT-compiled code).
    await smimeSignatureCheck.run(message, ctx);
    const started = performance.now();
    while (times.length < MAX_ITERATIONS && performance.now() - started < MAX_MS) {
      if (cold) trust.dropCaches();
      const t0 = performance.now();
      const report = await smimeSignatureCheck.run(message, ctx);
      times.push(performance.now() - t0);
      if (!Array.isArray(report) && report.findings.length > 0) throw new Error(`${name}: unexpected findings ${JSON.stringify(report.findings)}`);
    }
    const total = performance.now() - started;
    times.sort((a, b) => a - b);
    const { statSync } = await import('node:fs');
    return {
      rate: (times.length / total) * 1000,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      count: times.length,
      size: statSync(fixturePath(name)).size,
    };
  } finally {
    await message.dispose();
  }
}

export async function run(): Promise<BenchTable> {
  const trust = await openTrust(undefined, 60_000);
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    for (const cold of [false, true]) {
      const r = await measure(c.name, trust, cold);
      rows.push({
        message: c.label,
        size: `${round(r.size / 1024, 0)} KiB`,
        cache: cold ? 'cold' : 'warm',
        'msg/s': Math.round(r.rate),
        'p50 ms': round(r.p50, 3),
        'p99 ms': round(r.p99, 3),
        messages: r.count,
      });
    }
  }
  return {
    title: 'S/MIME verification per second, one core (check only: layout, CMS, digest, signatures, path, CRLs, binding)',
    rows,
    notes: [
      `${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; each case ≤ ${MAX_ITERATIONS} messages or ${MAX_MS} ms`,
      'warm: validated paths and parsed certificates cached on the trust snapshot; cold: dropped before every message',
      `fixtures: ${path.relative(process.cwd(), fixturePath(''))}`,
    ],
  };
}
