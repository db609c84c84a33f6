// npm run bench -- register-scale: the register at 1,000,000 documents (DOCGATE_BENCH_SCALE_N), seeded
// once per database with the bulk seed (bench/register-seed.ts, with seedOutcome's refusals,
// registrations, returns and alerts), then on SQLite and on PostgreSQL (DOCGATE_TEST_PG_URL): lookup by
// số ký hiệu, full text of trích yếu without diacritics (newest 100; common and rare words), a year report for one agency, and
// `register verify` of the whole chain (blobs skipped: the seed stores none). Every step is bounded in
// time (the seed by DOCGATE_BENCH_SCALE_SEED_S, each timed loop by STEP_S) and prints what it reached.
// DOCGATE_BENCH_SCALE_DIR keeps the SQLite register between runs, DOCGATE_BENCH_SCALE_PG_URL names a
// PostgreSQL database kept the same way (a kept register is topped up); DOCGATE_BENCH_SCALE_DIALECTS
// picks the databases (sqlite,postgres).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../config/log.js';
import { FileBlobStore } from '../storage/blobs.js';
import { openDatabase, type Database } from '../storage/db.js';
import { registerReport } from '../storage/register/report.js';
import { reportWindow } from '../storage/register/report-window.js';
import { searchRegister, type RegisterQuery } from '../storage/register/search.js';
import { verifyRegister } from '../storage/register/verify.js';
import { query } from '../storage/sql.js';
import { createTempDatabase } from '../test/helpers/postgres.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';
import { SEED_AGENCIES, SEED_TIME_ZONE, seedDocument, seedRegisterBulk } from './register-seed.js';

const N = Number(process.env.DOCGATE_BENCH_SCALE_N ?? 1_000_000);
const SEED_S = Number(process.env.DOCGATE_BENCH_SCALE_SEED_S ?? 1500);
const STEP_S = Number(process.env.DOCGATE_BENCH_SCALE_STEP_S ?? 60);
const LOOKUPS = 300;
const REPORT_RUNS = 3;
const WORDS = ['trien khai', 'dao tao nam 2026', 'chuyen doi so cap xa', 'doan thanh nien', 'dat dai quy iii'];
/** Phrases one document or none holds: the match list path. */
const RARE_WORDS = ['so 123', 'hop dong thue khoan', 'khongcotu'];

interface Timed {
  p50: number;
  p99: number;
  max: number;
  done: number;
  hits: number;
}

/** Runs `count` queries, or as many as fit in STEP_S seconds. */
async function loop(count: number, work: (k: number) => Promise<number>): Promise<Timed> {
  const ms: number[] = [];
  let hits = 0;
  const until = Date.now() + STEP_S * 1000;
  for (let k = 0; k < count && Date.now() < until; k++) {
    const start = process.hrtime.bigint();
    hits += await work(k);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: round(percentile(ms, 50), 2), p99: round(percentile(ms, 99), 2), max: round(ms[ms.length - 1] ?? 0, 1), done: ms.length, hits };
}

async function documentCount(db: Database): Promise<number> {
  const [row] = await query(db.sequelize, 'SELECT COUNT(*) AS n FROM documents', {});
  return Number(row.n);
}

async function measure(dialect: string, url: string, dir: string): Promise<BenchRow[]> {
  const db = await openDatabase(url, dir, silentLogger);
  try {
    const have = await documentCount(db);
    const seedStart = Date.now();
    const added = await seedRegisterBulk(db, have, Math.max(0, N - have), { outcomes: true, deadline: seedStart + SEED_S * 1000 });
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const documents = have + added;
    if (added > 0) await db.sequelize.query('ANALYZE');
    const row = (step: string, t: Timed | null, extra: Partial<BenchRow> = {}): BenchRow => ({
      dialect,
      documents,
      step,
      p50_ms: t?.p50 ?? '',
      p99_ms: t?.p99 ?? '',
      max_ms: t?.max ?? '',
      done: t?.done ?? '',
      rows: t?.hits ?? '',
      rate: '',
      ...extra,
    });
    const rows: BenchRow[] = [
      row(`seed (${added} added in ${round(seedSeconds, 0)} s)`, null, { rate: added > 0 ? `${Math.round(added / seedSeconds)} docs/s` : 'kept' }),
    ];
    const pick = (k: number) => seedDocument(Math.floor((k * 7919) % documents));
    const search = (q: RegisterQuery) => searchRegister(db.sequelize, q).then((r) => r.length);
    rows.push(row('lookup by số ký hiệu', await loop(LOOKUPS, (k) => search({ documentNumber: pick(k).metadata.documentNumber!, limit: 100 }))));
    rows.push(row('full text, no diacritics (newest 100)', await loop(LOOKUPS, (k) => search({ text: WORDS[k % WORDS.length], limit: 100 }))));
    rows.push(row('full text, words of one document or none', await loop(LOOKUPS, (k) => search({ text: RARE_WORDS[k % RARE_WORDS.length], limit: 100 }))));
    rows.push(
      row(
        'full text in one agency’s sổ đi',
        await loop(LOOKUPS, (k) => search({ text: WORDS[k % WORDS.length], agencyId: pick(k).senderAgencyId, book: 'outgoing', limit: 100 })),
      ),
    );
    const window = reportWindow('2026-01-01', '2026-12-31', SEED_TIME_ZONE);
    rows.push(
      row(
        'year report, one agency',
        await loop(REPORT_RUNS, async () => (await registerReport(db.sequelize, window, { only: [SEED_AGENCIES[1]] })).agencies[0].sent),
      ),
    );
    const verified = await verifyRegister(db.sequelize, new FileBlobStore(path.join(dir, 'blobs')), { anchors: [], blobs: false });
    if (verified.break) throw new Error(`seeded register does not verify: ${JSON.stringify(verified.break)}`);
    const t = verified.timings;
    rows.push(
      row(`verify: chain walk (${verified.events} events, ${t.chainStretches} thread${t.chainStretches === 1 ? '' : 's'})`, null, {
        done: round(t.chainSeconds, 1),
        rate: `${Math.round(verified.events / t.chainSeconds)}/s wall, ${Math.round(verified.events / t.chainCpuSeconds)}/s CPU`,
      }),
    );
    const checked = verified.documents + verified.entries;
    rows.push(
      row(`verify: rows (${checked})`, null, {
        done: round(t.rowsSeconds, 1),
        rate: `${Math.round(checked / t.rowsSeconds)}/s wall, ${Math.round(checked / t.rowsCpuSeconds)}/s CPU`,
      }),
    );
    return rows;
  } finally {
    await db.close();
  }
}

export async function run(): Promise<BenchTable> {
  const kept = process.env.DOCGATE_BENCH_SCALE_DIR;
  const dir = kept ?? mkdtempSync(path.join(os.tmpdir(), 'docgate-bench-scale-'));
  const only = process.env.DOCGATE_BENCH_SCALE_DIALECTS?.split(',') ?? ['sqlite', 'postgres'];
  const rows: BenchRow[] = [];
  try {
    if (only.includes('sqlite')) rows.push(...(await measure('sqlite', 'sqlite:scale.sqlite', dir)));
    if (only.includes('postgres') && process.env.DOCGATE_BENCH_SCALE_PG_URL)
      rows.push(...(await measure('postgres', process.env.DOCGATE_BENCH_SCALE_PG_URL, dir)));
    else if (only.includes('postgres') && process.env.DOCGATE_TEST_PG_URL) {
      const temp = await createTempDatabase();
      try {
        rows.push(...(await measure('postgres', temp.url, dir)));
      } finally {
        await temp.drop();
      }
    }
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `register at scale: ${N} documents aimed (seed limit ${SEED_S} s, each timed step ${STEP_S} s)`,
    rows,
    notes: [
      'done: queries run within the step limit (verify: seconds); rate of verify in events or rows per second, wall and this process’s CPU',
      'seed: 5,000 documents per transaction (SQLite multi-row INSERTs, PostgreSQL unnest of column arrays), the next batch built while the database writes this one; FTS5 / tsvector and every index kept',
    ],
  };
}
