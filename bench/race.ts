// The race (`npm run bench -- race`): the same messages, the same load client (20 concurrent sessions,
// TLS) with a new connection per message and with persistent sessions, against docgate (full shipped
// policy, register, mailbox, fsync; SQLite and PostgreSQL, N processes), Postfix relaying to smtp-sink
// (timed until its queue is empty), and smtp-sink alone (the ceiling; plain TCP, it has no TLS).
// One line per size, mode and docgate configuration, medians over the runs:
//   race <size> <mode> docgate=<msg/s> postfix=<msg/s> sink=<msg/s> ratio=<docgate/postfix> …
// Options (also as BENCH_RACE_<NAME> environment variables): --runs=3 --seconds=8 --sessions=20
// --sizes=5KB,100KB,1MB,100KB-signed --modes=persistent,new-connection --db=sqlite,postgres --processes=1
// (PostgreSQL when DOCGATE_TEST_PG_URL is set) --log=FILE (docgate's info log: each transaction's phases
// and checks in ms). Every load is bounded in messages and seconds.

import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { AGENCIES } from '../test/helpers/env.js';
import { makeTestCa } from '../test/helpers/test-ca.js';
import { drive, type LoadResult } from './race-client.js';
import { raceMessages, RACE_SIZES, type RaceSize } from './race-messages.js';
import { serveSupportsWorkers, startDocgate, startPostfixTarget, startSinkTarget, type Certificate, type Target } from './race-targets.js';
import { percentile, round, type BenchTable } from './report.js';

const MODES = ['persistent', 'new-connection'] as const;
type Mode = (typeof MODES)[number];

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3) ?? process.env[`BENCH_RACE_${name.toUpperCase()}`] ?? fallback;
}

const RUNS = Number(option('runs', '3'));
const SECONDS = Number(option('seconds', '8'));
const SESSIONS = Number(option('sessions', '20'));
const SIZES = option('sizes', RACE_SIZES.join(',')).split(',') as RaceSize[];
const RUN_MODES = option('modes', MODES.join(',')).split(',') as Mode[];
const DBS = option('db', process.env.DOCGATE_TEST_PG_URL ? 'sqlite,postgres' : 'sqlite').split(',') as ('sqlite' | 'postgres')[];
const PROCESSES = option('processes', '1').split(',').map(Number);
const LOG = option('log', '') || undefined;

/** Upper bounds on messages per load; the signed pool is made up front with exactly this many. */
const MAX_MESSAGES: Record<RaceSize, number> = { '5KB': 4000, '100KB': 3000, '1MB': 500, '100KB-signed': 1500 };

interface Measure {
  rate: number;
  p50: number;
  p99: number;
  rss: number;
  errors: number;
  firstError: string;
  /** CPU (user + system, every thread) per accepted message, in ms: docgate only. */
  cpuMs: number;
}

async function measure(start: () => Promise<Target>, size: RaceSize, mode: Mode, message: (n: number) => Buffer): Promise<Measure> {
  const target = await start();
  let result: LoadResult;
  let rate: number;
  let rss: number;
  let cpuMs: number;
  try {
    const cpuBefore = target.cpuSeconds();
    const began = performance.now();
    result = await drive(target.endpoint, {
      sessions: SESSIONS,
      persistent: mode === 'persistent',
      maxMessages: MAX_MESSAGES[size],
      maxSeconds: SECONDS,
      envelope: { from: AGENCIES.ubnd.address, to: AGENCIES.snv.address },
      message,
    });
    const drained = await target.drained(60);
    const seconds = (performance.now() - began) / 1000;
    if (!drained) result.firstError ||= 'queue not empty after 60 s';
    rate = result.latencies.length / seconds;
    rss = target.peakRss();
    cpuMs = ((target.cpuSeconds() - cpuBefore) * 1000) / result.latencies.length;
  } finally {
    await target.stop();
  }
  return {
    rate,
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    rss,
    errors: result.errors,
    firstError: result.firstError,
    cpuMs,
  };
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (v: number, digits = 1) => (Number.isNaN(v) ? 'n/a' : String(round(v, digits)));

interface Contender {
  key: string;
  label: string;
  start?: (cert: Certificate) => Promise<Target>;
  skipped?: string;
}

async function contenders(): Promise<Contender[]> {
  const list: Contender[] = [];
  const workers = PROCESSES.some((n) => n > 1) ? await serveSupportsWorkers() : true;
  for (const db of DBS)
    for (const processes of PROCESSES) {
      const key = `docgate-${db}-${processes}`;
      const label = `db=${db} processes=${processes}`;
      if (processes > 1 && !workers) list.push({ key, label, skipped: `docgate serve has no --workers option in this build` });
      else if (db === 'sqlite' && processes > 1) list.push({ key, label, skipped: 'several processes need PostgreSQL' });
      else list.push({ key, label, start: (certificate) => startDocgate({ db, processes, certificate, log: LOG }) });
    }
  return list;
}

export async function run(): Promise<BenchTable> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-race-'));
  const ca = await makeTestCa(dir, '127.0.0.1');
  const certificate = { certFile: ca.certFile, keyFile: ca.keyFile };
  const docgates = await contenders();
  const results = new Map<string, Measure[]>();
  const notes: string[] = [];
  const record = (key: string, m: Measure) => results.set(key, [...(results.get(key) ?? []), m]);
  const messages = new Map(SIZES.map((size) => [size, raceMessages(size, MAX_MESSAGES[size])]));
  try {
    for (let runIndex = 1; runIndex <= RUNS; runIndex++)
      for (const size of SIZES)
        for (const mode of RUN_MODES) {
          const message = messages.get(size)!;
          const progress = (who: string, m: Measure) =>
            process.stderr.write(
              `  run ${runIndex} ${size} ${mode} ${who}: ${fmt(m.rate)} msg/s p50 ${fmt(m.p50)} ms p99 ${fmt(m.p99)} ms${Number.isNaN(m.cpuMs) ? '' : ` cpu ${fmt(m.cpuMs)} ms/msg`}${m.errors ? ` errors=${m.errors} (${m.firstError})` : ''}\n`,
            );
          const cell = `${size}-${mode}`;
          for (const [who, start] of [
            ['sink', startSinkTarget],
            ['postfix', () => startPostfixTarget(certificate)],
          ] as const) {
            try {
              const m = await measure(start, size, mode, message);
              record(`${who}-${cell}`, m);
              progress(who, m);
            } catch (err) {
              notes.push(`${who} ${cell} run ${runIndex}: ${(err as Error).message.split('\n')[0]}`);
            }
          }
          for (const docgate of docgates) {
            if (!docgate.start) continue;
            try {
              const m = await measure(() => docgate.start!(certificate), size, mode, message);
              record(`${docgate.key}-${cell}`, m);
              progress(`docgate ${docgate.label}`, m);
            } catch (err) {
              notes.push(`docgate ${docgate.label} ${cell} run ${runIndex}: ${(err as Error).message.split('\n')[0]}`);
            }
          }
        }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (key: string, field: keyof Omit<Measure, 'firstError'>) => median((results.get(key) ?? []).map((m) => m[field]));
  for (const size of SIZES)
    for (const mode of RUN_MODES) {
      const cell = `${size}-${mode}`;
      const postfix = med(`postfix-${cell}`, 'rate');
      const sink = med(`sink-${cell}`, 'rate');
      for (const docgate of docgates) {
        const head = `race ${size} ${mode}`;
        if (!docgate.start) {
          process.stdout.write(`${head} skipped ${docgate.label}: ${docgate.skipped}\n`);
          continue;
        }
        const key = `${docgate.key}-${cell}`;
        const rate = med(key, 'rate');
        const errors = (results.get(key) ?? []).reduce((n, m) => n + m.errors, 0);
        process.stdout.write(
          `${head} docgate=${fmt(rate)} postfix=${fmt(postfix)} sink=${fmt(sink)} ratio=${Number.isNaN(rate / postfix) ? 'n/a' : (rate / postfix).toFixed(2)}` +
            ` ${docgate.label} p50/p99=${fmt(med(key, 'p50'))}/${fmt(med(key, 'p99'))}ms postfix-p50/p99=${fmt(med(`postfix-${cell}`, 'p50'))}/${fmt(med(`postfix-${cell}`, 'p99'))}ms` +
            ` peak-rss=${fmt(med(key, 'rss'), 0)}MB${errors ? ` errors=${errors}` : ''}\n`,
        );
      }
    }
  return {
    title: `${SESSIONS} sessions, medians of ${RUNS} run(s), ${SECONDS} s per load; msg/s; latency from end of DATA to 250`,
    rows: [],
    notes: [
      'docgate and Postfix over implicit TLS with the same certificate; smtp-sink over plain TCP (it has no TLS). Postfix is timed until its queue is empty.',
      ...notes,
    ],
  };
}
