// npm run bench -- portal-report: the administrator's report page and XLSX download of the portal over
// HTTPS (loopback, the PortalClient of the tests), on a SQLite register seeded with report outcomes
// (bench/register-seed.ts, DOCGATE_BENCH_PORTAL_N documents, default 20,000): wall time per request and
// the CPU time the (in-process) gateway spent on it, for one agency's year and, once, all agencies.

import { silentLogger } from '../config/log.js';
import { openDatabase } from '../storage/db.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';
import { SEED_AGENCIES, seedRegister } from './register-seed.js';
import { addClerk, TEST_PASSWORD } from '../test/helpers/gateway.js';
import { AGENCIES } from '../test/helpers/env.js';
import { PortalClient, startPortalGateway } from '../test/helpers/portal.js';

const N = Number(process.env.DOCGATE_BENCH_PORTAL_N ?? 20_000);
const RUNS = Math.min(20, Number(process.env.DOCGATE_BENCH_PORTAL_RUNS ?? 5));
const ADMIN = `quantri@${AGENCIES.ubnd.domain}`;

async function timed(client: PortalClient, path: string): Promise<{ ms: number; cpuMs: number; status: number; bytes: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const res = await client.get(path);
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, status: res.status, bytes: res.body.length };
}

export async function run(): Promise<BenchTable> {
  const pg = await startPortalGateway({
    beforeStart: async (env) => {
      const db = await openDatabase('sqlite:docgate.sqlite', env.dataDir, silentLogger);
      try {
        await seedRegister(db, 0, N, { outcomes: true, batch: 500 });
      } finally {
        await db.close();
      }
    },
  });
  const rows: BenchRow[] = [];
  try {
    await addClerk(pg.gateway, ADMIN, AGENCIES.ubnd.id);
    await pg.gateway.storage.writes.run((t) => pg.gateway.storage.accounts.setRole(t, ADMIN, 'admin', new Date()));
    const client = new PortalClient(pg.baseUrl);
    await client.login(ADMIN, TEST_PASSWORD);
    const agency = SEED_AGENCIES[1];
    for (const [what, path, runs] of [
      ['report page, one agency, year', `/admin/reports?period=2026&agency=${agency}`, RUNS],
      ['XLSX download, one agency, year', `/admin/reports.xlsx?period=2026&agency=${agency}`, RUNS],
      ['report page, all agencies, year', '/admin/reports?period=2026', 1],
    ] as const) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await timed(client, path));
      if (results.some((r) => r.status !== 200)) throw new Error(`${path}: status ${results.map((r) => r.status).join(',')}`);
      const ms = results.map((r) => r.ms).sort((a, b) => a - b);
      const cpu = results.map((r) => r.cpuMs).sort((a, b) => a - b);
      rows.push({
        request: what,
        runs,
        p50_ms: round(percentile(ms, 50)),
        max_ms: round(ms[ms.length - 1]),
        cpu_p50_ms: round(percentile(cpu, 50)),
        kib: round(results[0].bytes / 1024),
      });
    }
  } finally {
    await pg.stop();
  }
  return {
    title: `portal report pages over ${N} seeded documents (SQLite)`,
    rows,
    notes: ['client and gateway in one process: cpu_p50_ms is both (TLS, the aggregates, rendering or the workbook)'],
  };
}
