// Two `docgate serve` processes on one PostgreSQL database and one data directory take 500 submissions
// from 10 parallel sessions spread over both; one process is killed with SIGKILL mid-run while the other
// goes on, then restarted. Afterwards: every acknowledged document is stored once, every số đến / số đi
// sequence is 1..N, every document is in each recipient's mailbox once, and every relay job (claimed
// with FOR UPDATE SKIP LOCKED by either process) is delivered, a duplicate only after an interrupted attempt.

import { expect } from 'chai';
import { loadConfig } from '../../config/load.js';
import { silentLogger } from '../../config/log.js';
import { openStorage } from '../../storage/index.js';
import { query } from '../../storage/sql.js';
import { registerYear } from '../../policies/text/dates.js';
import { AGENCIES } from '../helpers/env.js';
import { startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { authenticatedSession, type WireClient } from '../helpers/smtp-wire.js';
import { TEST_PASSWORD } from '../helpers/gateway.js';
import { agenciesWithRelay, faultPeer, fastRelay, waitFor, type FaultPeer } from '../helpers/relay.js';
import { requirePostgres, sharedPostgresEnv, type SharedEnv } from '../helpers/pg-processes.js';

const SESSIONS = 10;
const PER_SESSION = 50;
const KILL_AFTER = 150;
const START_MS = 60_000;

function recipientsOf(i: number): string[] {
  if (i % 3 === 0) return [AGENCIES.snv.address, AGENCIES.stttt.address];
  return [i % 3 === 1 ? AGENCIES.snv.address : AGENCIES.stttt.address];
}

describe('Two gateway processes on one PostgreSQL database, one killed mid-run', function () {
  this.timeout(240_000);
  let shared: SharedEnv;
  let peer: FaultPeer;
  const servers: (ServeProcess | null)[] = [null, null];

  before(async function () {
    requirePostgres(this);
    peer = await faultPeer();
    await peer.listen();
    shared = await sharedPostgresEnv(
      {
        docgate: fastRelay({ lease: '2s', concurrency: 4 }),
        agencies: agenciesWithRelay({ url: `smtp://127.0.0.1:${peer.port}?tls=none`, keepMailbox: true }),
      },
      { [AGENCIES.ubnd.address]: AGENCIES.ubnd.id },
    );
  });
  after(async () => {
    await Promise.all(servers.filter((s): s is ServeProcess => s !== null).map((s) => stopProcess(s.child, 'SIGKILL')));
    await peer?.close();
    await shared?.cleanup();
  });

  it('loses nothing and doubles nothing', async () => {
    const start = () => startServe(shared.env.configDir, shared.env.dataDir, START_MS);
    // One after the other: the first start of a data directory creates its TLS certificate once.
    servers[0] = await start();
    servers[1] = await start();
    const acknowledged = new Map<string, { trackingId: string; recipients: string[] }>(); // Message-ID → …
    const inDoubt = new Set<string>();
    let ackedByBWhileADown = 0;
    let killed = false;
    const restarts: Promise<void>[] = [];
    const started = performance.now();

    const sendOne = async (client: WireClient, messageId: string, recipients: string[]): Promise<string | null> => {
      if ((await client.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).code !== 250) return null;
      for (const r of recipients) if ((await client.command(`RCPT TO:<${r}>`)).code !== 250) return null;
      if ((await client.command('DATA')).code !== 354) return null;
      inDoubt.add(messageId);
      client.write(
        `From: ${AGENCIES.ubnd.address}\r\nTo: ${recipients.join(', ')}\r\nSubject: scale-out\r\nMessage-ID: <${messageId}>\r\n\r\nSố ký hiệu: 01/UBND-VX\r\nNoi dung ${messageId}\r\n.\r\n`,
      );
      const reply = await client.reply(30_000);
      const match = /ma theo doi (DG\d{8}-[A-Z2-9]{10})/.exec(reply.text);
      return reply.code === 250 && match ? match[1] : null;
    };

    const session = async (s: number) => {
      let client: WireClient | null = null;
      let on = -1;
      for (let i = 0; i < PER_SESSION; i++) {
        const messageId = `multi-${s}-${i}@ubnd.hatinh.gov.vn`;
        const recipients = recipientsOf(i);
        for (let attempt = 0; attempt < 50; attempt++) {
          try {
            // Its own process when it is up, else the other one.
            const target = servers[s % 2] ? s % 2 : 1 - (s % 2);
            const server = servers[target];
            if (!server) throw new Error('no process up');
            if (on !== target) {
              client?.close();
              client = null;
            }
            client ??= await authenticatedSession(server.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
            on = target;
            const trackingId = await sendOne(client, messageId, recipients);
            if (trackingId) {
              acknowledged.set(messageId, { trackingId, recipients });
              if (killed && !servers[0] && target === 1) ackedByBWhileADown++;
            }
            inDoubt.delete(messageId);
            break;
          } catch {
            client?.close();
            client = null;
            // Once its data was sent, a message without an answer is in doubt: never resent.
            if (inDoubt.has(messageId)) break;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        if (!killed && acknowledged.size >= KILL_AFTER) {
          killed = true;
          const victim = servers[0]!;
          servers[0] = null;
          const restart = stopProcess(victim.child, 'SIGKILL').then(async () => {
            // B alone for a while, then A comes back on the same database and data directory.
            await new Promise((r) => setTimeout(r, 1_500));
            servers[0] = await start();
          });
          restarts.push(restart);
        }
      }
      client?.close();
    };

    await Promise.all(Array.from({ length: SESSIONS }, (_, s) => session(s)));
    await Promise.all(restarts);
    const elapsed = (performance.now() - started) / 1000;
    console.log(
      `      ${acknowledged.size} of ${SESSIONS * PER_SESSION} acknowledged (${inDoubt.size} in doubt) in ${elapsed.toFixed(1)} s; ${ackedByBWhileADown} by B while A was down`,
    );
    expect(killed).to.equal(true);
    expect(ackedByBWhileADown, 'B went on while A was down').to.be.greaterThan(0);
    expect(acknowledged.size).to.be.greaterThan(SESSIONS * PER_SESSION * 0.9);

    const config = loadConfig({ configDir: shared.env.configDir, dataDir: shared.env.dataDir });
    const storage = await openStorage(config, silentLogger);
    try {
      const sequelize = storage.db.sequelize;
      const relayed = [...acknowledged.values()].filter((a) => a.recipients.includes(AGENCIES.snv.address));
      // Relay jobs are worked by both processes; wait until all are done (bounded).
      await waitFor(
        'relay jobs delivered',
        async () => {
          const [row] = await query<{ n: unknown }>(sequelize, "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'relay' AND status = 'delivered'", {});
          return Number(row.n) >= relayed.length;
        },
        60_000,
      );

      const documents = await query<{ id: string; rfc822_message_id: string; status: string }>(
        sequelize,
        "SELECT id, rfc822_message_id, status FROM documents WHERE rfc822_message_id LIKE '<multi-%'",
        {},
      );
      const byMessageId = new Map<string, number>();
      for (const d of documents) byMessageId.set(d.rfc822_message_id, (byMessageId.get(d.rfc822_message_id) ?? 0) + 1);
      for (const [messageId, count] of byMessageId) expect(count, `${messageId} stored once`).to.equal(1);
      const statusOf = new Map(documents.map((d) => [d.id, d.status]));
      for (const [messageId, a] of acknowledged) {
        expect(byMessageId.get(`<${messageId}>`), messageId).to.equal(1);
        expect(statusOf.get(a.trackingId), a.trackingId).to.equal('accepted');
      }

      // Numbering: every book is 1..N without a gap or a double.
      const year = registerYear(new Date(), 'Asia/Ho_Chi_Minh');
      for (const [agency, book] of [
        [AGENCIES.snv.id, 'incoming'],
        [AGENCIES.stttt.id, 'incoming'],
        [AGENCIES.ubnd.id, 'outgoing'],
      ] as const) {
        const numbers = (await storage.register.book(agency, book, year)).map((e) => e.number);
        expect(numbers, `${agency} ${book}`).to.deep.equal(Array.from({ length: numbers.length }, (_, k) => k + 1));
      }

      // Each document once in each recipient agency's mailbox.
      const placed = await query<{ document_id: string; agency_id: string; n: unknown }>(
        sequelize,
        `SELECT mm.document_id, b.agency_id, COUNT(*) AS n FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id
         WHERE mm.document_id IS NOT NULL GROUP BY mm.document_id, b.agency_id`,
        {},
      );
      const copies = new Map(placed.map((p) => [`${p.document_id} ${p.agency_id}`, Number(p.n)]));
      const agencyOf = new Map<string, string>(Object.values(AGENCIES).map((a) => [a.address, a.id]));
      for (const a of acknowledged.values()) {
        for (const r of a.recipients) expect(copies.get(`${a.trackingId} ${agencyOf.get(r)}`), `${a.trackingId} in ${r}`).to.equal(1);
      }

      // Relay: one job per document for Sở Nội vụ, delivered; the peer has each, twice only after a retried attempt.
      const jobs = await query<{ document_id: string; status: string; attempts: unknown }>(
        sequelize,
        "SELECT document_id, status, attempts FROM jobs WHERE kind = 'relay'",
        {},
      );
      const jobsOf = new Map<string, number>();
      for (const j of jobs) jobsOf.set(j.document_id, (jobsOf.get(j.document_id) ?? 0) + 1);
      for (const a of relayed) expect(jobsOf.get(a.trackingId), `${a.trackingId} one job`).to.equal(1);
      expect(jobs.every((j) => j.status === 'delivered')).to.equal(true);
      const received = new Map<string, number>();
      for (const m of peer.received) {
        const id = /^X-Docgate-Tracking-Id: (\S+)\r$/m.exec(m.data.toString('latin1'))![1];
        received.set(id, (received.get(id) ?? 0) + 1);
      }
      for (const a of relayed) expect(received.get(a.trackingId) ?? 0, `${a.trackingId} relayed`).to.be.at.least(1);
      // Every copy the peer holds is one attempt: a job sent k times was claimed at least k times
      // (a kill, or a lease that ran out on a loaded machine, before the outcome was recorded).
      const attemptsOf = new Map(jobs.map((j) => [j.document_id, Number(j.attempts)]));
      for (const [trackingId, copies] of received) {
        expect(copies, `${trackingId}: copies relayed at most its attempts`).to.be.at.most(attemptsOf.get(trackingId) ?? 0);
      }
    } finally {
      await storage.close();
    }
  });
});
