// npm run bench -- register-chain: seeds N register documents (DOCGATE_BENCH_CHAIN_N, default 100,000;
// bench/register-seed.ts's bulk seed, every event chained) on SQLite, and on PostgreSQL when
// DOCGATE_TEST_PG_URL is set, then times `register verify` of the whole chain and rows (blobs skipped:
// the seed stores none), and separately the blob check over B distinct stored messages of S KB
// (DOCGATE_BENCH_CHAIN_BLOBS, default 2,000 × 100 KB, written to the blob store; page-cache warm).

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../config/log.js';
import { FileBlobStore } from '../storage/blobs.js';
import { openDatabase } from '../storage/db.js';
import { verifyRegister } from '../storage/register/verify.js';
import { createTempDatabase } from '../test/helpers/postgres.js';
import { round, type BenchRow, type BenchTable } from './report.js';
import { seedRegisterBulk, type SeedBlob } from './register-seed.js';

const N = Number(process.env.DOCGATE_BENCH_CHAIN_N ?? 100_000);
const BLOBS = Number(process.env.DOCGATE_BENCH_CHAIN_BLOBS ?? 2000);
const BLOB_KB = 100;
/** Seeding stops (between transactions) after this long; the figures are for what it reached. */
const SEED_LIMIT_S = Number(process.env.DOCGATE_BENCH_CHAIN_SEED_S ?? 900);

/** B distinct random blobs in the store; document i points at blob i % B. */
function writeBlobs(root: string): SeedBlob {
  const shas: string[] = [];
  for (let k = 0; k < BLOBS; k++) {
    const bytes = randomBytes(BLOB_KB * 1024);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const dir = path.join(root, sha.slice(0, 2), sha.slice(2, 4));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, sha), bytes);
    shas.push(sha);
  }
  return (i) => ({ sha256: shas[i % shas.length], size: BLOB_KB * 1024 });
}

async function measure(dialect: string, url: string, blobUrl: string, dir: string): Promise<BenchRow[]> {
  const db = await openDatabase(url, dir, silentLogger);
  const blobRoot = path.join(dir, `blobs-${dialect}`);
  try {
    const seeded = Date.now();
    const documents = await seedRegisterBulk(db, 0, N, { deadline: seeded + SEED_LIMIT_S * 1000 });
    const seedSeconds = (Date.now() - seeded) / 1000;
    await db.sequelize.query('ANALYZE');
    const store = new FileBlobStore(blobRoot);
    const result = await verifyRegister(db.sequelize, store, { anchors: [], blobs: false });
    if (result.break) throw new Error(`seeded register does not verify: ${JSON.stringify(result.break)}`);
    const t = result.timings;
    const rows: BenchRow[] = [
      {
        dialect,
        step: 'chain walk',
        documents,
        rows: result.events,
        seconds: round(t.chainSeconds, 2),
        per_s: Math.round(result.events / t.chainSeconds),
        mb_per_s: '',
        seed_docs_per_s: Math.round(documents / seedSeconds),
      },
      {
        dialect,
        step: 'rows vs snapshots',
        documents,
        rows: result.documents + result.entries,
        seconds: round(t.rowsSeconds, 2),
        per_s: Math.round((result.documents + result.entries) / t.rowsSeconds),
        mb_per_s: '',
        seed_docs_per_s: '',
      },
    ];
    // The blob check on its own register: BLOBS documents pointing at BLOBS distinct stored messages.
    const small = await openDatabase(blobUrl, dir, silentLogger);
    try {
      {
        const blob = writeBlobs(blobRoot);
        await seedRegisterBulk(small, 0, BLOBS, { blob });
        const b = await verifyRegister(small.sequelize, store, { anchors: [], blobs: true });
        if (b.break) throw new Error(`seeded blobs do not verify: ${JSON.stringify(b.break)}`);
        rows.push({
          dialect,
          step: `blob check (${BLOBS} × ${BLOB_KB} KB)`,
          documents: BLOBS,
          rows: b.blobs,
          seconds: round(b.timings.blobSeconds, 2),
          per_s: Math.round(b.blobs / b.timings.blobSeconds),
          mb_per_s: round(b.timings.blobBytes / 1048576 / b.timings.blobSeconds, 0),
          seed_docs_per_s: '',
        });
      }
    } finally {
      await small.close();
    }
    return rows;
  } finally {
    await db.close();
  }
}

export async function run(): Promise<BenchTable> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-bench-chain-'));
  const rows: BenchRow[] = [];
  try {
    rows.push(...(await measure('sqlite', 'sqlite:chain.sqlite', 'sqlite:chain-blobs.sqlite', dir)));
    if (process.env.DOCGATE_TEST_PG_URL) {
      const temp = await createTempDatabase();
      const blobs = await createTempDatabase();
      try {
        rows.push(...(await measure('postgres', temp.url, blobs.url, dir)));
      } finally {
        await temp.drop();
        await blobs.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `register verify over ${N} documents (seed limit ${SEED_LIMIT_S} s)`,
    rows,
    notes: [
      'chain walk: every event re-hashed and linked; rows: every documents and register_entries row compared with the snapshot the chain recorded',
      'blob check: a separate register whose documents point at distinct stored messages, re-hashed 8 at a time beside the row check',
    ],
  };
}
