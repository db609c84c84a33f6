// npm run bench -- register-report: seeds N register documents with report outcomes (refusals,
// signatures, registrations, returns, alerts; bench/register-seed.ts, DOCGATE_BENCH_REPORT_N, default
// 1,000,000) on SQLite, and on PostgreSQL when DOCGATE_TEST_PG_URL is set, then times the year report
// of one agency: the register's aggregates, and the whole XLSX as `docgate report` writes it.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgencyDirectory } from '../config/agencies.js';
import { silentLogger } from '../config/log.js';
import { buildReport } from '../gateway/report/model.js';
import { reportTables } from '../gateway/report/tables.js';
import { reportXlsx } from '../gateway/report/xlsx.js';
import { openDatabase, type Database } from '../storage/db.js';
import { registerReport } from '../storage/register/report.js';
import { query } from '../storage/sql.js';
import { reportWindow } from '../storage/register/report-window.js';
import { createTempDatabase } from '../test/helpers/postgres.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';
import { SEED_AGENCIES, SEED_TIME_ZONE, seedRegister } from './register-seed.js';

const N = Number(process.env.DOCGATE_BENCH_REPORT_N ?? 1_000_000);
const RUNS = Number(process.env.DOCGATE_BENCH_REPORT_RUNS ?? 5);
const AGENCY = SEED_AGENCIES[1];

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Documents already in the register: a kept register (DOCGATE_BENCH_REPORT_DIR / _PG_URL) is seeded once. */
async function documentCount(db: Database): Promise<number> {
  const [row] = await query(db.sequelize, 'SELECT COUNT(*) AS n FROM documents', {});
  return Number(row.n);
}

async function measure(dialect: string, url: string, dir: string): Promise<BenchRow[]> {
  const db: Database = await openDatabase(url, dir, silentLogger);
  try {
    const have = await documentCount(db);
    const seed = await timed(() => seedRegister(db, have, Math.max(0, N - have), { outcomes: true, batch: 500 }));
    if (have < N) await db.sequelize.query('ANALYZE');
    const window = reportWindow('2026-01-01', '2026-12-31', SEED_TIME_ZONE);
    const figures: number[] = [];
    const whole: number[] = [];
    let sent = 0;
    let received = 0;
    for (let k = 0; k < RUNS; k++) {
      const data = await timed(() => registerReport(db.sequelize, window, { only: [AGENCY] }));
      figures.push(data.ms);
      sent = data.value.agencies[0].sent;
      received = data.value.agencies[0].received;
      const xlsx = await timed(async () => {
        const d = await registerReport(db.sequelize, window, { only: [AGENCY] });
        const report = buildReport(d, window, '2026', AGENCY, new AgencyDirectory([]), new Date());
        return reportXlsx(reportTables(report), SEED_TIME_ZONE, 'bench');
      });
      whole.push(xlsx.ms);
    }
    const all = await timed(() => registerReport(db.sequelize, window));
    figures.sort((a, b) => a - b);
    whole.sort((a, b) => a - b);
    return [
      {
        dialect,
        documents: Math.max(have, N),
        seed_docs_per_s: have >= N ? 'kept' : Math.round((N - have) / (seed.ms / 1000)),
        report: `year, one agency (${sent} sent, ${received} received)`,
        p50_ms: round(percentile(figures, 50)),
        max_ms: round(figures[figures.length - 1]),
        xlsx_p50_ms: round(percentile(whole, 50)),
      },
      {
        dialect,
        documents: Math.max(have, N),
        seed_docs_per_s: '',
        report: `year, all ${all.value.agencies.length} agencies (once)`,
        p50_ms: round(all.ms),
        max_ms: '',
        xlsx_p50_ms: '',
      },
    ];
  } finally {
    await db.close();
  }
}

export async function run(): Promise<BenchTable> {
  // DOCGATE_BENCH_REPORT_DIR / DOCGATE_BENCH_REPORT_PG_URL keep the seeded registers for later runs.
  const kept = process.env.DOCGATE_BENCH_REPORT_DIR;
  const dir = kept ?? mkdtempSync(path.join(os.tmpdir(), 'docgate-bench-report-'));
  const rows: BenchRow[] = [];
  const only = process.env.DOCGATE_BENCH_REPORT_DIALECTS?.split(',') ?? ['sqlite', 'postgres'];
  try {
    if (only.includes('sqlite')) rows.push(...(await measure('sqlite', 'sqlite:register.sqlite', dir)));
    if (only.includes('postgres') && process.env.DOCGATE_BENCH_REPORT_PG_URL)
      rows.push(...(await measure('postgres', process.env.DOCGATE_BENCH_REPORT_PG_URL, dir)));
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
    title: `year report over ${N} documents (${RUNS} runs)`,
    rows,
    notes: [
      'seeded through RegisterRepository.recordMany in batches of 500 with seedOutcome (6% refused, 50% signed, 60% registered after 10 min–3 days, 12% returned, alerts for Hỏa tốc)',
      'xlsx: aggregates + tables + exceljs workbook + native chart parts, in memory',
    ],
  };
}
