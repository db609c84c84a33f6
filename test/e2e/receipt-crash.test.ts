// A receipt survives kill -9 right after the 250: the acceptance receipt is a job written in the
// acceptance transaction and signed afterwards, so a gateway killed the moment the client reads its 250
// (before the receipt was made) sends it after the restart, exactly once.

import { expect } from 'chai';
import { loadConfig } from '../../config/load.js';
import { silentLogger } from '../../config/log.js';
import { openStorage } from '../../storage/index.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { query } from '../../storage/sql.js';
import { createTestEnv, AGENCIES, type TestEnv } from '../helpers/env.js';
import { addAccountWithCli, startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { authenticatedSession } from '../helpers/smtp-wire.js';
import { TEST_PASSWORD } from '../helpers/gateway.js';

const SESSIONS = 4;
const PER_SESSION = 6;

async function withStorage<T>(env: TestEnv, work: (storage: Awaited<ReturnType<typeof openStorage>>) => Promise<T>): Promise<T> {
  const storage = await openStorage(loadConfig({ configDir: env.configDir, dataDir: env.dataDir }), silentLogger);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

describe('receipts across kill -9 right after the 250', function () {
  this.timeout(180_000);
  let env: TestEnv;
  let server: ServeProcess | null = null;

  before(async () => {
    // A short lease: a job claimed by the killed process is made again soon after the restart.
    env = createTestEnv({ docgate: { notices: { lease: '2s', pollInterval: '200ms' } } });
    await addAccountWithCli(env, AGENCIES.ubnd.address, AGENCIES.ubnd.id, TEST_PASSWORD);
  });
  after(async () => {
    if (server) await stopProcess(server.child, 'SIGKILL');
    env.cleanup();
  });

  it('every acknowledged document gets its acceptance receipt once, also the one whose 250 preceded the kill', async () => {
    server = await startServe(env.configDir, env.dataDir);
    // Several sessions at once: the acceptances commit in groups, the receipts are signed one job at a
    // time, so the kill right after the last 250 finds receipts still to be made.
    const acknowledged: string[] = [];
    let killed = false;
    const session = async (s: number) => {
      const client = await authenticatedSession(server!.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
      try {
        for (let i = 0; i < PER_SESSION && !killed; i++) {
          expect((await client.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).code).to.equal(250);
          expect((await client.command(`RCPT TO:<${AGENCIES.snv.address}>`)).code).to.equal(250);
          expect((await client.command('DATA')).code).to.equal(354);
          client.write(
            `From: ${AGENCIES.ubnd.address}\r\nTo: ${AGENCIES.snv.address}\r\nSubject: receipt crash ${s}-${i}\r\nMessage-ID: <receipt-crash-${s}-${i}@ubnd.hatinh.gov.vn>\r\n\r\nSố ký hiệu: 0${i + 1}/UBND-VX\r\nNoi dung ${s} ${i}\r\n.\r\n`,
          );
          const reply = await client.reply(30_000);
          const id = /ma theo doi (DG\d{8}-[A-Z2-9]{10})/.exec(reply.text)?.[1];
          expect(reply.code, reply.text).to.equal(250);
          acknowledged.push(id!);
          if (acknowledged.length === SESSIONS * PER_SESSION) {
            // The last 250: kill at once.
            killed = true;
            server!.child.kill('SIGKILL');
          }
        }
      } finally {
        client.close();
      }
    };
    await Promise.all(Array.from({ length: SESSIONS }, (_, s) => session(s)));
    await stopProcess(server.child, 'SIGKILL');
    server = null;

    const pending = await withStorage(env, async (storage) => {
      const jobs = await storage.queue.list({ kind: 'notice' });
      expect(jobs.map((j) => j.documentId).sort(), 'a notice job committed with each acceptance').to.deep.equal([...acknowledged].sort());
      return jobs.filter((j) => j.status !== 'delivered').length;
    });
    expect(pending, 'receipts were still to be made when the process died').to.be.greaterThan(0);

    server = await startServe(env.configDir, env.dataDir);
    const deadline = Date.now() + 60_000;
    let receipts: Map<string, number> = new Map();
    while (Date.now() < deadline) {
      receipts = await withStorage(env, async (storage) => {
        const rows = await query<{ document_id: unknown; prefix: unknown; blob_sha256: unknown }>(
          storage.db.sequelize,
          `SELECT mm.document_id, m.blob_sha256 FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id JOIN messages m ON m.id = mm.message_id
            WHERE b.agency_id = :agency AND b.name = :notices`,
          { agency: AGENCIES.ubnd.id, notices: FOLDERS.notices.name },
        );
        const counts = new Map<string, number>();
        for (const r of rows) {
          const head = (await storage.blobs.read(String(r.blob_sha256))).subarray(0, 300).toString('latin1');
          if (/^X-Docgate-Status: receipt-accepted\r$/m.test(head)) counts.set(String(r.document_id), (counts.get(String(r.document_id)) ?? 0) + 1);
        }
        return counts;
      });
      if (acknowledged.every((id) => receipts.has(id))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const id of acknowledged) expect(receipts.get(id), `acceptance receipt of ${id}`).to.equal(1);
    await withStorage(env, async (storage) => {
      for (const id of acknowledged) expect((await storage.register.eventsOf(id)).filter((e) => e.status === 'receipt-accepted')).to.have.length(1);
    });
  });
});
