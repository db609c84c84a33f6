// npm run bench -- register-chain: seeds N register documents (DOCGATE_BENCH_CHAIN_N, default 100,000;
// bench/register-seed.ts, each append chained) on SQLite, and on PostgreSQL when DOCGATE_TEST_PG_URL is
// set, then times `register verify` of the whole chain and rows (blobs skipped: the seed has none).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../config/log.js';
import { FileBlobStore } from '../storage/blobs.js';
import { openDatabase } from '../storage/db.js';
import { verifyRegister } from '../storage/register/verify.js';
import { createTempDatabase } from '../test/helpers/postgres.js';
import { round, type BenchRow, type BenchTable } from './report.js';
import { seedRegister } from './register-seed.js';

const N = Number(process.env.DOCGATE_BENCH_CHAIN_N ?? 100_000);

async function measure(dialect: string, url: string, dir: string): Promise<BenchRow> {
  const db = await openDatabase(url, dir, silentLogger);
  try {
    const seeded = Date.now();
    await seedRegister(db, 0, N);
    const seedSeconds = (Date.now() - seeded) / 1000;
    await db.sequelize.query('ANALYZE');
    const started = Date.now();
    const result = await verifyRegister(db.sequelize, new FileBlobStore(path.join(dir, 'blobs')), { anchors: [], blobs: false });
    const seconds = (Date.now() - started) / 1000;
    if (result.break) throw new Error(`seeded register does not verify: ${JSON.stringify(result.break)}`);
    return {
      dialect,
      documents: N,
      events: result.events,
      seed_docs_per_s: Math.round(N / seedSeconds),
      verify_s: round(seconds, 1),
      events_per_s: Math.round(result.events / seconds),
      rows_per_s: Math.round((result.events + result.documents + result.entries) / seconds),
    };
  } finally {
    await db.close();
  }
}

export async function run(): Promise<BenchTable> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-bench-chain-'));
  const rows: BenchRow[] = [];
  try {
    rows.push(await measure('sqlite', 'sqlite:chain.sqlite', dir));
    if (process.env.DOCGATE_TEST_PG_URL) {
      const temp = await createTempDatabase();
      try {
        rows.push(await measure('postgres', temp.url, dir));
      } finally {
        await temp.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `register verify over ${N} documents`,
    rows,
    notes: ['verify: chain walk (every hash and link) + every documents and register_entries row compared with its snapshot; blobs not re-hashed'],
  };
}
