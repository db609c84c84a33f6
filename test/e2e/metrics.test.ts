// The admin listener: /metrics counts what happened (sessions, messages by outcome and reason, check
// latency, blob bytes, IMAP commands), /healthz answers, /readyz fails once the database is gone, and
// `serve --workers 2` on PostgreSQL serves SMTP and IMAP with the workers' metrics summed by the primary.

import { expect } from 'chai';
import pg from 'pg';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, type TestGateway } from '../helpers/gateway.js';
import { runCli, startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { imapLogin, requirePostgres, sharedPostgresEnv, type SharedEnv } from '../helpers/pg-processes.js';
import { createTestEnv } from '../helpers/env.js';

async function get(port: number, route: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${route}`);
  return { status: res.status, body: await res.text() };
}

/** The value of one sample line (`name{labels} value`), or 0 when the series is absent. */
function sample(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function submit(port: number, fromHeader: string, count: number): Promise<string[]> {
  const client = transport(port, AGENCIES.ubnd.address);
  const replies: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const info = await client
        .sendMail({
          envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] },
          from: fromHeader,
          to: AGENCIES.snv.address,
          subject: `Cong van ${i}`,
          text: `Số ký hiệu: ${i}/UBND-VP\n`,
        })
        .then(
          (r) => r.response,
          (err: Error & { response?: string }) => err.response ?? err.message,
        );
      replies.push(info);
    }
  } finally {
    client.close();
  }
  return replies;
}

describe('Monitoring: metrics, health and readiness', function () {
  this.timeout(180_000);

  describe('one process (SQLite)', () => {
    let tg: TestGateway;
    before(async () => {
      tg = await startTestGateway({ imap: true });
      await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
      await addClerk(tg.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
    });
    after(async () => tg?.stop());

    it('counts sessions, outcomes by reason, check latency, blob bytes and IMAP commands', async () => {
      const port = tg.gateway.admin!.port;
      const before = (await get(port, '/metrics')).body;
      const accepted = await submit(tg.starttlsPort, AGENCIES.ubnd.address, 3);
      const returned = await submit(tg.starttlsPort, `vanthu@${AGENCIES.stttt.domain}`, 2);
      expect(accepted.every((r) => r.startsWith('250 '))).to.equal(true);
      expect(returned.every((r) => r.startsWith('550 '))).to.equal(true);
      const imap = await imapLogin(tg.imapTlsPort, AGENCIES.snv.address);
      await imap.command('SELECT INBOX');
      await imap.command('NOOP');
      await imap.command('UID FETCH 1:* (FLAGS)');
      imap.close();

      const after = (await get(port, '/metrics')).body;
      const delta = (series: string) => sample(after, series) - sample(before, series);
      expect(delta('docgate_messages_total{outcome="accepted",reason="ok"}')).to.equal(3);
      expect(delta('docgate_messages_total{outcome="returned",reason="sender-unauthorized"}')).to.equal(2);
      // nodemailer without a pool: a connection per message.
      expect(delta('docgate_smtp_sessions_total')).to.equal(5);
      expect(delta('docgate_check_duration_seconds_count{check="sender-header"}')).to.equal(5);
      expect(delta('docgate_smtp_data_duration_seconds_count')).to.equal(5);
      expect(delta('docgate_blob_bytes_written_total')).to.be.greaterThan(0);
      expect(delta('docgate_imap_connections_total')).to.equal(1);
      expect(delta('docgate_imap_commands_total{command="LOGIN"}')).to.equal(1);
      expect(delta('docgate_imap_commands_total{command="NOOP"}')).to.equal(1);
      expect(delta('docgate_imap_commands_total{command="UID FETCH"}')).to.equal(1);
      expect(after).to.match(/^# TYPE docgate_queue_jobs gauge$/m);
      expect(after).to.match(/^# TYPE docgate_db_pool_connections gauge$/m);
    });

    it('answers /healthz and /readyz', async () => {
      const port = tg.gateway.admin!.port;
      expect(await get(port, '/healthz')).to.deep.equal({ status: 200, body: 'ok\n' });
      expect(await get(port, '/readyz')).to.deep.equal({ status: 200, body: 'ready\n' });
      expect((await get(port, '/nothing')).status).to.equal(404);
    });

    it('refuses --workers 2 on SQLite with a clear message', async () => {
      const env = createTestEnv();
      try {
        const r = await runCli(['serve', '--workers', '2', '--config', env.configDir, '--data', env.dataDir]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.include('--workers 2 needs PostgreSQL');
      } finally {
        env.cleanup();
      }
    });
  });

  describe('PostgreSQL', () => {
    let temp: TempDatabase | null = null;
    let tg: TestGateway | null = null;
    before(function () {
      requirePostgres(this);
    });
    after(async () => {
      await tg?.stop();
      await temp?.drop();
    });

    it('/readyz fails when the database is unreachable', async () => {
      temp = await createTempDatabase();
      tg = await startTestGateway({ docgate: { database: { url: temp.url } } });
      const port = tg.gateway.admin!.port;
      expect((await get(port, '/readyz')).status).to.equal(200);
      // The database goes away under the running gateway (its connections terminated with it).
      await temp.drop();
      const ready = await get(port, '/readyz');
      expect(ready.status).to.equal(503);
      expect(ready.body).to.match(/^database: /m);
      expect((await get(port, '/healthz')).status).to.equal(200);
    });
  });

  describe('serve --workers 2 on PostgreSQL', function () {
    this.timeout(300_000);
    let shared: SharedEnv | null = null;
    let server: ServeProcess | null = null;
    before(async function () {
      requirePostgres(this);
      shared = await sharedPostgresEnv({}, { [AGENCIES.ubnd.address]: AGENCIES.ubnd.id, [AGENCIES.snv.address]: AGENCIES.snv.id });
      server = await startServe(shared.env.configDir, shared.env.dataDir, 90_000, ['--workers', '2']);
    });
    after(async () => {
      if (server) await stopProcess(server.child);
      await shared?.cleanup();
    });

    it('serves SMTP and IMAP from both workers, with the metrics summed', async () => {
      expect(server!.output()).to.include('2 tiến trình / worker processes');
      const replies = await Promise.all(Array.from({ length: 4 }, () => submit(server!.starttlsPort, AGENCIES.ubnd.address, 2)));
      expect(replies.flat().every((r) => r.startsWith('250 '))).to.equal(true);
      const imap = await imapLogin(server!.imapTlsPort, AGENCIES.snv.address);
      expect((await imap.command('SELECT INBOX')).lines).to.include('* 8 EXISTS');
      imap.close();
      const metrics = await get(server!.adminPort, '/metrics');
      expect(metrics.status).to.equal(200);
      expect(sample(metrics.body, 'docgate_messages_total{outcome="accepted",reason="ok"}')).to.equal(8);
      expect(sample(metrics.body, 'docgate_smtp_sessions_total')).to.equal(8);
      expect((await get(server!.adminPort, '/readyz')).status).to.equal(200);
      // Which worker served which session is the kernel's choice; both took part when each logged a session.
      const pids = new pg.Client({ connectionString: shared!.db.url });
      await pids.connect();
      try {
        const rows = await pids.query<{ n: string }>(
          "SELECT COUNT(DISTINCT application_name) AS n FROM pg_stat_activity WHERE application_name LIKE 'docgate-listen-%' AND datname = current_database()",
        );
        expect(Number(rows.rows[0].n), 'one listening connection per worker').to.equal(2);
      } finally {
        await pids.end();
      }
      const stopped = new Promise<number | null>((resolve) => server!.child.once('exit', (code) => resolve(code)));
      server!.child.kill('SIGTERM');
      expect(await stopped).to.equal(0);
      server = null;
    });
  });
});
