// The IMAP workload both servers get: 20 logged-in clients on one INBOX of 10,000 messages run SELECT,
// FETCH of envelopes and BODYSTRUCTURE, a full flags resync, UID SEARCH, then all IDLE while new
// messages arrive; each step is timed per client. Loops are bounded; every wait has a timeout.

import MailComposer from 'nodemailer/lib/mail-composer';
import { ImapWire } from '../test/helpers/imap-wire.js';
import { percentile, round, type BenchRow } from './report.js';

export const DOCUMENTS = 10_000;
export const CLIENTS = 20;
const WINDOW = 500;
export const DELIVERIES = 40;

/** The seeded messages: distinct subjects, a quarter with a PDF attachment, CRLF line ends. */
export async function seedMessages(from: string, to: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 1; i <= DOCUMENTS; i++) {
    const built = await new MailComposer({
      from: `Văn thư UBND <${from}>`,
      to,
      subject: `Công văn số ${i}/UBND-VX về việc triển khai nhiệm vụ`,
      messageId: `<seed-${i}@ubnd.hatinh.gov.vn>`,
      date: new Date(Date.UTC(2026, 10, 1, 8, 0, 0) + i * 60_000),
      text: `Số ký hiệu: ${i}/UBND-VX\nKính gửi: Sở Nội vụ\nNội dung văn bản số ${i}.`,
      attachments: i % 4 === 0 ? [{ filename: `Văn bản ${i}.pdf`, content: Buffer.from(`%PDF-1.4\n% ${i}\n%%EOF\n`) }] : [],
    })
      .compile()
      .build();
    out.push(Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'));
  }
  return out;
}

async function timed<T>(work: () => Promise<T>, into: number[]): Promise<T> {
  const start = performance.now();
  const value = await work();
  into.push(performance.now() - start);
  return value;
}

export interface WorkloadTarget {
  server: string;
  connect(): Promise<ImapWire>;
  /** Delivers message n (1-based) and resolves at the moment the server said it has it. */
  deliver(n: number): Promise<number>;
  deliveryLabel: string;
}

export async function runWorkload(target: WorkloadTarget): Promise<BenchRow[]> {
  const clients: ImapWire[] = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(await target.connect());
  const rows: BenchRow[] = [];
  const phase = async (operation: string, unit: string, perClient: number, work: (w: ImapWire, i: number, samples: number[]) => Promise<void>) => {
    const samples: number[] = [];
    const start = performance.now();
    await Promise.all(clients.map((w, i) => work(w, i, samples)));
    const wall = performance.now() - start;
    const sorted = samples.sort((a, b) => a - b);
    rows.push({
      server: target.server,
      operation,
      'p50 ms': round(percentile(sorted, 50)),
      'p99 ms': round(percentile(sorted, 99)),
      throughput: `${round(((perClient * CLIENTS) / wall) * 1000, 0)} ${unit}/s`,
    });
  };
  try {
    await phase('SELECT INBOX (10,000)', 'selects', 1, async (w, _i, s) => {
      const r = await timed(() => w.command('SELECT INBOX', { timeoutMs: 60_000 }), s);
      if (!r.lines.includes(`* ${DOCUMENTS} EXISTS`)) throw new Error(`${target.server}: unexpected SELECT: ${r.lines.join(' | ')}`);
    });
    await phase(`FETCH ${WINDOW} (UID FLAGS ENVELOPE BODYSTRUCTURE)`, 'msgs', WINDOW, async (w, i, s) => {
      const from = ((i * WINDOW) % DOCUMENTS) + 1;
      const r = await timed(() => w.command(`FETCH ${from}:${from + WINDOW - 1} (UID FLAGS ENVELOPE BODYSTRUCTURE)`, { timeoutMs: 120_000 }), s);
      if (r.lines.length !== WINDOW) throw new Error(`${target.server}: FETCH returned ${r.lines.length}`);
    });
    await phase('UID FETCH 1:* (UID FLAGS)', 'msgs', DOCUMENTS, async (w, _i, s) => {
      await timed(() => w.command('UID FETCH 1:* (UID FLAGS)', { timeoutMs: 120_000 }), s);
    });
    await phase('UID SEARCH UNSEEN SINCE 1-Jan-2020', 'searches', 1, async (w, _i, s) => {
      await timed(() => w.command('UID SEARCH UNSEEN SINCE 1-Jan-2020', { timeoutMs: 60_000 }), s);
    });
    await phase('UID SEARCH SUBJECT (Vietnamese, 10,000 msgs)', 'searches', 1, async (w, i, s) => {
      const r = await timed(() => w.command(`UID SEARCH CHARSET UTF-8 SUBJECT "số ${9000 + i}/"`, { timeoutMs: 120_000 }), s);
      if (r.lines[0] !== `* SEARCH ${9000 + i}`) throw new Error(`${target.server}: unexpected SEARCH result: ${r.lines[0]}`);
    });

    for (const w of clients) {
      w.send('IDLE1 IDLE\r\n');
      const line = await w.line(10_000);
      if (line?.text !== '+ idling') throw new Error(`${target.server}: IDLE refused: ${line?.text}`);
    }
    const latencies: number[] = [];
    const start = performance.now();
    for (let n = 1; n <= DELIVERIES; n++) {
      const waits = clients.map(async (w) => {
        for (;;) {
          const line = await w.line(10_000);
          if (!line) throw new Error('connection closed during IDLE');
          if (line.text === `* ${DOCUMENTS + n} EXISTS`) return performance.now();
        }
      });
      const accepted = await target.deliver(n);
      for (const seen of await Promise.all(waits)) latencies.push(Math.max(0, seen - accepted));
    }
    const wall = performance.now() - start;
    const sorted = latencies.sort((a, b) => a - b);
    rows.push({
      server: target.server,
      operation: `${target.deliveryLabel} -> IDLE "* n EXISTS" (${latencies.length})`,
      'p50 ms': round(percentile(sorted, 50)),
      'p99 ms': round(percentile(sorted, 99)),
      throughput: `${round((DELIVERIES / wall) * 1000, 1)} deliveries/s`,
    });
  } finally {
    for (const w of clients) w.close();
  }
  return rows;
}
