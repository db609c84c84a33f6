// npm run bench -- blobs: SMTP intake with the blobs as files (data/blobs) against the blobs in
// PostgreSQL (`blobs: postgres`), both on a PostgreSQL database, `docgate serve` as a child process
// driven by 20 persistent sessions over implicit TLS (the sender-header policy: intake and storage
// alone). The two stores alternate (files, postgres, files, postgres) so a noisy machine hits both alike.
// Prints msg/s, p50/p99 from end of DATA to 250, the gateway's CPU ms per message (from /proc) and its
// peak RSS. Needs DOCGATE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test). Bounded in
// messages and seconds per run.

import { readFileSync } from 'node:fs';
import { AGENCIES, createTestEnv } from '../test/helpers/env.js';
import { startServe, stopProcess } from '../test/helpers/child.js';
import { createTempDatabase } from '../test/helpers/postgres.js';
import { drive } from './race-client.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';
import { addSenderAccount, messageFactory, messageSize, peakRss } from './smtp.js';

const SESSIONS = 20;
const PASSWORD = 'Mat-khau-do-hieu-nang-1';

/** User + system CPU of a process so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function runOnce(blobs: 'files' | 'postgres', size: number, maxMessages: number, maxSeconds: number): Promise<BenchRow> {
  const db = await createTempDatabase();
  const env = createTestEnv({
    docgate: {
      database: { url: db.url },
      blobs,
      smtp: { listeners: [{ host: '127.0.0.1', port: 0, tls: 'implicit' }], maxConnectionsPerAddress: 200 },
      notices: { receipts: false },
    },
  });
  try {
    await addSenderAccount(env, PASSWORD);
    const server = await startServe(env.configDir, env.dataDir, 90_000);
    let rss = 0;
    let cpu = 0;
    try {
      const before = cpuMs(server.child.pid!);
      const result = await drive(
        { port: server.tlsPort, tls: true, auth: { user: AGENCIES.ubnd.address, pass: PASSWORD } },
        {
          sessions: SESSIONS,
          persistent: true,
          maxMessages,
          maxSeconds,
          envelope: { from: AGENCIES.ubnd.address, to: AGENCIES.snv.address },
          message: messageFactory(size),
        },
      );
      cpu = cpuMs(server.child.pid!) - before;
      rss = peakRss(server.child.pid!);
      const { latencies, errors, elapsed } = result;
      return {
        blobs,
        'bytes/msg': messageSize(size),
        messages: latencies.length,
        errors,
        'msg/s': round(latencies.length / elapsed, 1),
        'p50 ms': round(percentile(latencies, 50), 1),
        'p99 ms': round(percentile(latencies, 99), 1),
        'gateway cpu ms/msg': round(cpu / Math.max(1, latencies.length), 1),
        'peak RSS MB': round(rss, 0),
      };
    } finally {
      await stopProcess(server.child, 'SIGTERM');
    }
  } finally {
    env.cleanup();
    await db.drop();
  }
}

export async function run(): Promise<BenchTable> {
  const rows: BenchRow[] = [];
  for (const [size, maxMessages, maxSeconds] of [
    [100 * 1024, 1500, 10],
    [1024 * 1024, 300, 12],
  ] as const) {
    for (let round = 0; round < 2; round++) {
      for (const blobs of ['files', 'postgres'] as const) rows.push(await runOnce(blobs, size, maxMessages, maxSeconds));
    }
  }
  return {
    title: `blobs as files vs in PostgreSQL: ${SESSIONS} persistent sessions, implicit TLS, sender-header policy, receipts off, PostgreSQL database`,
    rows,
    notes: ['alternating files/postgres twice per size; gateway CPU from /proc/<pid>/stat (PostgreSQL server CPU not included)'],
  };
}
