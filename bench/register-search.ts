// npm run bench -- register-search: seeds N register documents (DOCGATE_BENCH_REGISTER_N, default
// 100,000; bench/register-seed.ts) on SQLite, and on PostgreSQL when DOCGATE_TEST_PG_URL is set, then
// times the two lookups an inspector does most: by số ký hiệu, and full text without diacritics.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../config/log.js';
import { openDatabase, type Database } from '../storage/db.js';
import { searchRegister, type RegisterQuery } from '../storage/register/search.js';
import { createTempDatabase } from '../test/helpers/postgres.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';
import { seedDocument, seedRegister } from './register-seed.js';

const N = Number(process.env.DOCGATE_BENCH_REGISTER_N ?? 100_000);
const LOOKUPS = 300;

async function time(db: Database, queries: RegisterQuery[]): Promise<{ p50: number; p99: number; hits: number }> {
  const ms: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const start = process.hrtime.bigint();
    hits += (await searchRegister(db.sequelize, q)).length;
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: round(percentile(ms, 50), 2), p99: round(percentile(ms, 99), 2), hits };
}

async function measure(dialect: string, url: string, dir: string): Promise<BenchRow[]> {
  const db = await openDatabase(url, dir, silentLogger);
  try {
    const started = Date.now();
    await seedRegister(db, 0, N);
    const seedSeconds = (Date.now() - started) / 1000;
    // A register in service has planner statistics (PostgreSQL's autovacuum); right after a bulk seed it
    // has none, and PostgreSQL then hash-joins the whole register_entries table (31 ms instead of 0.06 ms).
    await db.sequelize.query('ANALYZE');
    const pick = (k: number) => seedDocument(Math.floor((k * 7919) % N));
    const byRef = await time(
      db,
      Array.from({ length: LOOKUPS }, (_, k) => ({ documentNumber: pick(k).metadata.documentNumber!, limit: 100 })),
    );
    const words = ['trien khai', 'dao tao nam 2026', 'chuyen doi so cap xa', 'doan thanh nien', 'dat dai quy iii'];
    const text = await time(
      db,
      Array.from({ length: LOOKUPS }, (_, k) => ({ text: words[k % words.length], limit: 100 })),
    );
    const textInAgency = await time(
      db,
      Array.from({ length: LOOKUPS }, (_, k) => ({ text: words[k % words.length], agencyId: pick(k).senderAgencyId, book: 'outgoing' as const, limit: 100 })),
    );
    return [
      { dialect, documents: N, seed_docs_per_s: Math.round(N / seedSeconds), lookup: 'by số ký hiệu', p50_ms: byRef.p50, p99_ms: byRef.p99, rows: byRef.hits },
      { dialect, documents: N, seed_docs_per_s: '', lookup: 'full text, no diacritics (newest 100)', p50_ms: text.p50, p99_ms: text.p99, rows: text.hits },
      {
        dialect,
        documents: N,
        seed_docs_per_s: '',
        lookup: 'full text in one agency’s sổ đi',
        p50_ms: textInAgency.p50,
        p99_ms: textInAgency.p99,
        rows: textInAgency.hits,
      },
    ];
  } finally {
    await db.close();
  }
}

export async function run(): Promise<BenchTable> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-bench-register-'));
  const rows: BenchRow[] = [];
  try {
    rows.push(...(await measure('sqlite', 'sqlite:register.sqlite', dir)));
    if (process.env.DOCGATE_TEST_PG_URL) {
      const temp = await createTempDatabase();
      try {
        rows.push(...(await measure('postgres', temp.url, dir)));
      } finally {
        await temp.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `register lookups over ${N} documents (${LOOKUPS} queries each)`,
    rows,
    notes: ['each document: 1 sổ đi + 1–2 sổ đến entries, seeded through RegisterRepository.recordMany in batches of 200'],
  };
}
