// IMAP benchmark: 20 clients on an agency INBOX of 10,000 documents (seeded straight into the
// database and blob store), measuring SELECT, FETCH of envelopes and BODYSTRUCTURE, UID SEARCH, and
// the latency from SMTP's 250 to "* n EXISTS" on every IDLE-ing client; then the same workload on
// Debian's dovecot-imapd when it is installed. Loops are bounded.

import { parseMimeBuffer, structureOf } from '../policies/mime/parser.js';
import { headerBlockOf } from '../gateway/intake/header-block.js';
import { bufferSource, renderUnstored } from '../gateway/imap/fetch/rendering.js';
import { storeBlob } from '../storage/mailbox/spool-file.js';
import { loadConfig } from '../config/load.js';
import { silentLogger } from '../config/log.js';
import { hashPassword } from '../storage/accounts/password.js';
import { openStorage } from '../storage/index.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../test/helpers/env.js';
import { startServe, stopProcess, type ServeProcess } from '../test/helpers/child.js';
import { transport, TEST_PASSWORD } from '../test/helpers/gateway.js';
import { ImapWire } from '../test/helpers/imap-wire.js';
import { dovecotRows } from './imap-dovecot.js';
import { CLIENTS, DOCUMENTS, runWorkload, seedMessages } from './imap-workload.js';
import { round, type BenchTable } from './report.js';

const COLD = process.env.DOCGATE_BENCH_IMAP_COLD === '1';

/** Agency folders, two clerks and 10,000 messages in the INBOX, written straight into the store. */
async function seed(env: TestEnv, bytesList: Buffer[]): Promise<void> {
  const config = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
  const storage = await openStorage(config, silentLogger);
  try {
    const passwordHash = await hashPassword(TEST_PASSWORD);
    await storage.writes.run(async (t) => {
      for (const agency of config.agencies) await storage.mailboxes.ensureAgencyFolders(t, agency.id, new Date());
      for (const a of [AGENCIES.ubnd, AGENCIES.snv])
        await storage.accounts.create(t, { email: a.address, agencyId: a.id, passwordHash, mustChangePassword: false, now: new Date() });
    });
    const inbox = (await storage.mailboxes.find(AGENCIES.snv.id, 'INBOX'))!;
    const at = new Date();
    const messages: Record<string, unknown>[] = [];
    for (const bytes of bytesList) {
      const blob = await storeBlob(storage.blobs, storage.spoolDir, 'seed', bytes);
      const root = (await parseMimeBuffer(bytes, { decode: false })).root;
      const structure = structureOf(root);
      const header = headerBlockOf(bytes, root.bodyStart);
      // What delivery stores (gateway/imap/fetch/prerender.ts): the rendered ENVELOPE / BODY /
      // BODYSTRUCTURE; DOCGATE_BENCH_IMAP_COLD=1 leaves them out (rows stored before migration 016).
      const rendered = COLD
        ? {}
        : await renderUnstored(bufferSource(bytes), { prefix: Buffer.alloc(0), blobSha256: blob.sha256, size: blob.size, structure, header });
      messages.push({
        blob_sha256: blob.sha256,
        blob_size: blob.size,
        prefix: '',
        size: blob.size,
        structure: JSON.stringify(structure),
        header,
        imap_envelope: rendered.ENVELOPE ?? null,
        imap_body: rendered.BODY ?? null,
        imap_bodystructure: rendered.BODYSTRUCTURE ?? null,
        created_at: at,
      });
    }
    await storage.writes.run(async (t) => {
      const qi = storage.db.sequelize.getQueryInterface();
      for (let i = 0; i < messages.length; i += 500) await qi.bulkInsert('messages', messages.slice(i, i + 500), { transaction: t });
      const [first] = (await storage.db.sequelize.query('SELECT MIN(id) AS id FROM messages', { transaction: t }))[0] as { id: number }[];
      const rows = messages.map((_, i) => ({
        mailbox_id: inbox.id,
        uid: i + 1,
        message_id: Number(first.id) + i,
        document_id: null,
        flags: i % 3 === 0 ? '["\\\\Seen"]' : '[]',
        modseq: 2,
        internal_date: at,
      }));
      for (let i = 0; i < rows.length; i += 500) await qi.bulkInsert('mailbox_messages', rows.slice(i, i + 500), { transaction: t });
      await storage.db.sequelize.query('UPDATE mailboxes SET uid_next = :next, highest_modseq = 2 WHERE id = :id', {
        replacements: { next: DOCUMENTS + 1, id: inbox.id },
        transaction: t,
      });
    });
  } finally {
    await storage.close();
  }
}

export async function run(): Promise<BenchTable> {
  const composeStart = performance.now();
  const messages = await seedMessages(AGENCIES.ubnd.address, AGENCIES.snv.address);
  const composeMs = performance.now() - composeStart;
  // The gateway runs as `npm start` runs it: its own process, from dist/, so clients and server do not
  // share an event loop (dovecot below gets the same).
  const env = createTestEnv({ imap: true, docgate: { imap: { maxConnectionsPerAccount: 100 } } });
  const notes: string[] = [];
  let rows;
  let server: ServeProcess | null = null;
  try {
    const seedStart = performance.now();
    await seed(env, messages);
    notes.push(
      `composed ${DOCUMENTS} messages in ${round(composeMs / 1000, 1)} s; seeded docgate (blobs + rows) in ${round((performance.now() - seedStart) / 1000, 1)} s`,
    );
    server = await startServe(env.configDir, env.dataDir, 120_000);
    const tg = server;
    const smtp = transport(tg.starttlsPort, AGENCIES.ubnd.address);
    try {
      rows = await runWorkload({
        server: 'docgate',
        deliveryLabel: 'SMTP 250',
        async connect() {
          const w = await ImapWire.connect(tg.imapTlsPort, { tls: true });
          await w.greeting();
          await w.login(AGENCIES.snv.address, TEST_PASSWORD);
          return w;
        },
        async deliver(n) {
          await smtp.sendMail({ from: AGENCIES.ubnd.address, to: AGENCIES.snv.address, subject: `Khẩn ${n}`, text: 'Văn bản khẩn' });
          return performance.now();
        },
      });
    } finally {
      smtp.close();
    }
  } finally {
    if (server) await stopProcess(server.child);
    env.cleanup();
  }
  const dovecot = process.env.DOCGATE_BENCH_IMAP_DOVECOT === '0' ? 'DOCGATE_BENCH_IMAP_DOVECOT=0: dovecot skipped' : await dovecotRows(messages);
  if (typeof dovecot === 'string') notes.push(dovecot);
  else rows.push(...dovecot);
  notes.push(
    'latency: docgate from nodemailer receiving "250" (after commit) to EXISTS on each IDLE client (aim: p99 < 100 ms); dovecot from the rename into Maildir/new',
  );
  const mode = COLD ? 'renderings not stored (cold)' : 'renderings stored as at delivery';
  return { title: `${CLIENTS} clients, one INBOX of ${DOCUMENTS.toLocaleString('en')} messages, TLS (docgate on SQLite, ${mode})`, rows, notes };
}
