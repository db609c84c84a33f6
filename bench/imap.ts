// IMAP benchmark: 20 clients on an agency INBOX of 10,000 documents (seeded straight into the
// database and blob store), measuring SELECT, FETCH of envelopes and BODYSTRUCTURE, UID SEARCH, and
// the latency from SMTP's 250 to "* n EXISTS" on every IDLE-ing client. Loops are bounded.

import MailComposer from 'nodemailer/lib/mail-composer';
import { parseMimeBuffer, structureOf } from '../gateway/intake/mime/parser.js';
import { storeBlob } from '../storage/mailbox/spool-file.js';
import { AGENCIES } from '../test/helpers/env.js';
import { addClerk, startTestGateway, transport, TEST_PASSWORD, type TestGateway } from '../test/helpers/gateway.js';
import { ImapWire } from '../test/helpers/imap-wire.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';

const DOCUMENTS = 10_000;
const CLIENTS = 20;
const WINDOW = 500;
const DELIVERIES = 40;

async function seed(tg: TestGateway): Promise<void> {
  const { storage } = tg.gateway;
  const inbox = (await storage.mailboxes.find(AGENCIES.snv.id, 'INBOX'))!;
  const at = new Date();
  const messages: Record<string, unknown>[] = [];
  for (let i = 1; i <= DOCUMENTS; i++) {
    const built = await new MailComposer({
      from: `Văn thư UBND <${AGENCIES.ubnd.address}>`,
      to: AGENCIES.snv.address,
      subject: `Công văn số ${i}/UBND-VX về việc triển khai nhiệm vụ`,
      messageId: `<seed-${i}@ubnd.hatinh.gov.vn>`,
      text: `Số ký hiệu: ${i}/UBND-VX\nKính gửi: Sở Nội vụ\nNội dung văn bản số ${i}.`,
      attachments: i % 4 === 0 ? [{ filename: `Văn bản ${i}.pdf`, content: Buffer.from(`%PDF-1.4\n% ${i}\n%%EOF\n`) }] : [],
    })
      .compile()
      .build();
    const bytes = Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    const blob = await storeBlob(storage.blobs, storage.spoolDir, 'seed', bytes);
    const structure = JSON.stringify(structureOf((await parseMimeBuffer(bytes, { decode: false })).root));
    messages.push({ blob_sha256: blob.sha256, blob_size: blob.size, prefix: '', size: blob.size, structure, created_at: at });
  }
  await storage.writes.run(async (t) => {
    const qi = storage.db.sequelize.getQueryInterface();
    for (let i = 0; i < messages.length; i += 500) await qi.bulkInsert('messages', messages.slice(i, i + 500), { transaction: t });
    const [first] = (await storage.db.sequelize.query('SELECT MIN(id) AS id FROM messages', { transaction: t }))[0] as { id: number }[];
    const rows = messages.map((_, i) => ({ mailbox_id: inbox.id, uid: i + 1, message_id: Number(first.id) + i, document_id: null, flags: i % 3 === 0 ? '["\\\\Seen"]' : '[]', modseq: 2, internal_date: at }));
    for (let i = 0; i < rows.length; i += 500) await qi.bulkInsert('mailbox_messages', rows.slice(i, i + 500), { transaction: t });
    await storage.db.sequelize.query('UPDATE mailboxes SET uid_next = :next, highest_modseq = 2 WHERE id = :id', { replacements: { next: DOCUMENTS + 1, id: inbox.id }, transaction: t });
  });
}

async function timed<T>(work: () => Promise<T>, into: number[]): Promise<T> {
  const start = performance.now();
  const value = await work();
  into.push(performance.now() - start);
  return value;
}

function row(operation: string, samples: number[], wallMs: number, units: number, unit: string): BenchRow {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    operation,
    clients: CLIENTS,
    ops: samples.length,
    'p50 ms': round(percentile(sorted, 50)),
    'p99 ms': round(percentile(sorted, 99)),
    [`${unit}/s`]: round((units / wallMs) * 1000, 0),
  };
}

export async function run(): Promise<BenchTable> {
  const tg = await startTestGateway({ imap: true, docgate: { imap: { maxConnectionsPerAccount: 100 } } });
  try {
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    await addClerk(tg.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
    const seedStart = performance.now();
    await seed(tg);
    const seedMs = performance.now() - seedStart;

    const clients: ImapWire[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const w = await ImapWire.connect(tg.imapTlsPort, { tls: true });
      await w.greeting();
      await w.login(AGENCIES.snv.address, TEST_PASSWORD);
      clients.push(w);
    }
    const rows: BenchRow[] = [];
    const phase = async (name: string, unit: string, units: (i: number) => number, work: (w: ImapWire, i: number, samples: number[]) => Promise<void>) => {
      const samples: number[] = [];
      const start = performance.now();
      await Promise.all(clients.map((w, i) => work(w, i, samples)));
      const wall = performance.now() - start;
      rows.push(row(name, samples, wall, clients.reduce((n, _, i) => n + units(i), 0), unit));
    };

    await phase('SELECT INBOX (10,000)', 'selects', () => 1, async (w, _i, s) => {
      const r = await timed(() => w.command('SELECT INBOX', { timeoutMs: 60_000 }), s);
      if (!r.lines.includes(`* ${DOCUMENTS} EXISTS`)) throw new Error(`unexpected SELECT: ${r.lines.join(' | ')}`);
    });
    await phase(`FETCH ${WINDOW} (UID FLAGS ENVELOPE BODYSTRUCTURE)`, 'msgs', () => WINDOW, async (w, i, s) => {
      const from = ((i * WINDOW) % DOCUMENTS) + 1;
      const r = await timed(() => w.command(`FETCH ${from}:${from + WINDOW - 1} (UID FLAGS ENVELOPE BODYSTRUCTURE)`, { timeoutMs: 120_000 }), s);
      if (r.lines.length !== WINDOW) throw new Error(`FETCH returned ${r.lines.length}`);
    });
    await phase('UID FETCH 1:* (UID FLAGS) (full resync)', 'msgs', () => DOCUMENTS, async (w, _i, s) => {
      await timed(() => w.command('UID FETCH 1:* (UID FLAGS)', { timeoutMs: 120_000 }), s);
    });
    await phase('UID SEARCH UNSEEN SINCE 1-Jan-2020', 'searches', () => 1, async (w, _i, s) => {
      await timed(() => w.command('UID SEARCH UNSEEN SINCE 1-Jan-2020', { timeoutMs: 60_000 }), s);
    });
    await phase('UID SEARCH SUBJECT (header, 10,000 msgs)', 'searches', () => 1, async (w, i, s) => {
      const r = await timed(() => w.command(`UID SEARCH CHARSET UTF-8 SUBJECT "số ${9000 + i}/"`, { timeoutMs: 120_000 }), s);
      if (r.lines[0] !== `* SEARCH ${9000 + i}`) throw new Error(`unexpected SEARCH result: ${r.lines[0]}`);
    });

    // Delivery to IDLE: every client IDLEs; each SMTP 250 must turn into "* n EXISTS" on all of them.
    for (const w of clients) {
      w.send('IDLE1 IDLE\r\n');
      const line = await w.line(10_000);
      if (line?.text !== '+ idling') throw new Error(`IDLE refused: ${line?.text}`);
    }
    const latencies: number[] = [];
    const smtp = transport(tg.starttlsPort, AGENCIES.ubnd.address);
    const deliveryStart = performance.now();
    for (let n = 1; n <= DELIVERIES; n++) {
      const waits = clients.map(async (w) => {
        for (;;) {
          const line = await w.line(10_000);
          if (line?.text === `* ${DOCUMENTS + n} EXISTS`) return performance.now();
          if (!line) throw new Error('connection closed during IDLE');
        }
      });
      await smtp.sendMail({ from: AGENCIES.ubnd.address, to: AGENCIES.snv.address, subject: `Khẩn ${n}`, text: 'Văn bản khẩn' });
      const accepted = performance.now();
      for (const seen of await Promise.all(waits)) latencies.push(Math.max(0, seen - accepted));
    }
    const deliveryWall = performance.now() - deliveryStart;
    smtp.close();
    const sorted = [...latencies].sort((a, b) => a - b);
    rows.push({
      operation: 'SMTP 250 -> IDLE "* n EXISTS"',
      clients: CLIENTS,
      ops: latencies.length,
      'p50 ms': round(percentile(sorted, 50)),
      'p99 ms': round(percentile(sorted, 99)),
      'deliveries/s': round((DELIVERIES / deliveryWall) * 1000, 1),
    });
    for (const w of clients) w.close();
    return {
      title: `${CLIENTS} clients, one agency INBOX of ${DOCUMENTS.toLocaleString('en')} documents (SQLite, TLS)`,
      rows,
      notes: [
        `seeded ${DOCUMENTS} messages (blobs + rows) in ${round(seedMs / 1000, 1)} s`,
        'IDLE latency: from the moment nodemailer got "250" to the EXISTS line on each IDLE client (aim: p99 < 100 ms)',
      ],
    };
  } finally {
    await tg.stop();
  }
}
