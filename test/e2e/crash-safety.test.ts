// A message answered with 250 is never lost: the gateway runs as a child process and is killed with
// SIGKILL at random moments while 10 sessions send 300 messages; afterwards every acknowledged message is
// stored, registered and in the mailbox exactly once, and nothing half-written is visible.

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { loadConfig } from '../../config/load.js';
import { silentLogger } from '../../config/log.js';
import { openStorage, type Storage } from '../../storage/index.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { query } from '../../storage/sql.js';
import { createTestEnv, AGENCIES, type TestEnv } from '../helpers/env.js';
import { addAccountWithCli, startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { authenticatedSession, type WireClient } from '../helpers/smtp-wire.js';
import { TEST_PASSWORD } from '../helpers/gateway.js';

/** Mailbox rows of documents (or of one), without the receipts and notices in the senders' Thông báo. */
async function copiesOf(storage: Storage, documentId: string | null): Promise<number> {
  const rows = await query<{ n: unknown }>(
    storage.db.sequelize,
    `SELECT COUNT(*) AS n FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id WHERE b.name <> :notices${documentId ? ' AND mm.document_id = :id' : ''}`,
    { notices: FOLDERS.notices.name, ...(documentId ? { id: documentId } : {}) },
  );
  return Number(rows[0].n);
}

const SESSIONS = 10;
const PER_SESSION = 30;
const KILLS = 3;

describe('Crash safety (kill -9 during load)', function () {
  this.timeout(180_000);
  let env: TestEnv;
  let server: ServeProcess | null = null;

  before(async () => {
    env = createTestEnv();
    await addAccountWithCli(env, AGENCIES.ubnd.address, AGENCIES.ubnd.id, TEST_PASSWORD);
  });
  after(async () => {
    if (server) await stopProcess(server.child, 'SIGKILL');
    env.cleanup();
  });

  it('keeps every acknowledged message exactly once across three SIGKILLs', async () => {
    server = await startServe(env.configDir, env.dataDir);
    let ready: Promise<void> = Promise.resolve();
    const acknowledged = new Map<string, string>(); // Message-ID → tracking id
    let done = false;

    const inDoubt = new Set<string>();
    const sendOne = async (client: WireClient, messageId: string, recipient: string): Promise<string | null> => {
      if ((await client.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).code !== 250) return null;
      if ((await client.command(`RCPT TO:<${recipient}>`)).code !== 250) return null;
      if ((await client.command('DATA')).code !== 354) return null;
      inDoubt.add(messageId);
      const body = `Số ký hiệu: 01/UBND-VX\r\nNoi dung ${messageId} ${'x'.repeat(70)}\r\n${'y'.repeat(70)}\r\n`;
      client.write(`From: ${AGENCIES.ubnd.address}\r\nTo: ${recipient}\r\nSubject: crash test\r\nMessage-ID: <${messageId}>\r\n\r\n${body}.\r\n`);
      const reply = await client.reply(15_000);
      const match = /ma theo doi (DG\d{8}-[A-Z2-9]{10})/.exec(reply.text);
      return reply.code === 250 && match ? match[1] : null;
    };

    const session = async (s: number) => {
      let client: WireClient | null = null;
      for (let i = 0; i < PER_SESSION; i++) {
        const messageId = `crash-${s}-${i}@ubnd.hatinh.gov.vn`;
        const recipient = i % 2 === 0 ? AGENCIES.snv.address : AGENCIES.stttt.address;
        for (let attempt = 0; attempt < 40; attempt++) {
          try {
            await ready;
            client ??= await authenticatedSession(server!.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
            const trackingId = await sendOne(client, messageId, recipient);
            if (trackingId) acknowledged.set(messageId, trackingId);
            inDoubt.delete(messageId);
            break;
          } catch (err) {
            if (process.env.DEBUG_CRASH) console.log(String(err));
            client?.close();
            client = null;
            await new Promise((r) => setTimeout(r, 100));
            // Once its data was sent, a message without an answer is in doubt: never resent.
            if (inDoubt.has(messageId)) break;
          }
        }
      }
      client?.close();
    };

    const killer = async () => {
      for (let k = 0; k < KILLS && !done; k++) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
        let release!: () => void;
        ready = new Promise<void>((r) => (release = r));
        await stopProcess(server!.child, 'SIGKILL');
        server = await startServe(env.configDir, env.dataDir);
        release();
      }
    };

    const sessions = Promise.all(Array.from({ length: SESSIONS }, (_, s) => session(s))).then(() => {
      done = true;
    });
    await Promise.all([sessions, killer()]);
    await stopProcess(server.child, 'SIGKILL');
    server = null;
    if (process.env.DEBUG_CRASH) console.log(`acknowledged ${acknowledged.size}, in doubt ${inDoubt.size}, of ${SESSIONS * PER_SESSION}`);
    expect(acknowledged.size, 'most messages were acknowledged').to.be.greaterThan(SESSIONS * PER_SESSION * 0.5);

    const config = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
    const storage = await openStorage(config, silentLogger);
    try {
      const m = storage.db.models;
      const documents = (await m.Document.findAll()).map((d) => d.get({ plain: true }));
      const byMessageId = new Map<string, number>();
      for (const d of documents) byMessageId.set(d.rfc822MessageId ?? '', (byMessageId.get(d.rfc822MessageId ?? '') ?? 0) + 1);
      for (const [messageId, count] of byMessageId) expect(count, `${messageId} stored once`).to.equal(1);
      for (const [messageId, trackingId] of acknowledged) {
        expect(byMessageId.get(`<${messageId}>`), messageId).to.equal(1);
        expect(documents.find((d) => d.id === trackingId)?.status, trackingId).to.equal('accepted');
      }
      // Every document present is whole: message, blob with the right digest, both register entries, both mailbox rows.
      for (const d of documents) {
        const message = (await m.Message.findByPk(d.messageRowId!))!.get({ plain: true });
        const blob = await storage.blobs.read(message.blobSha256);
        expect(createHash('sha256').update(blob).digest('hex')).to.equal(message.blobSha256);
        expect(blob.length).to.equal(message.blobSize);
        const entries = await storage.register.entriesOf(d.id);
        expect(entries.map((e) => e.book).sort()).to.deep.equal(['incoming', 'outgoing']);
        expect(await copiesOf(storage, d.id)).to.equal(2);
      }
      // Numbers stay consecutive after the crashes.
      const year = entriesYear(documents[0]?.receivedAt);
      for (const agency of [AGENCIES.snv, AGENCIES.stttt]) {
        const numbers = (await storage.register.book(agency.id, 'incoming', year)).map((e) => e.number);
        expect(numbers).to.deep.equal(Array.from({ length: numbers.length }, (_, k) => k + 1));
      }
      expect(await copiesOf(storage, null)).to.equal(documents.length * 2);
    } finally {
      await storage.close();
    }
    // Restarting cleans what a killed session left in the spool.
    server = await startServe(env.configDir, env.dataDir);
    // Only the new process's own spool (directory + owner file) remains, and it is empty.
    const spool = readdirSync(`${env.dataDir}/spool`);
    expect(spool.filter((name) => !name.startsWith(`${server!.child.pid}-`))).to.deep.equal([]);
    expect(spool).to.have.length(2);
    for (const name of spool.filter((n) => !n.endsWith('.owner'))) expect(readdirSync(`${env.dataDir}/spool/${name}`)).to.deep.equal([]);
  });
});

function entriesYear(at: Date | undefined): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(at ?? new Date()));
}
