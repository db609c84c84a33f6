// Urgent alerts: time from the 250 a clerk gets for a Hỏa tốc document to the SMS webhook's call for the
// recipient's leader (node:http on loopback answering 200 at once), over ~50 documents submitted one
// after another on one session, and the same with 5 sessions at once. Bounded in documents and seconds.

import { AGENCIES } from '../test/helpers/env.js';
import { addClerk, startTestGateway, transport } from '../test/helpers/gateway.js';
import { alertsConfig, fakeSmsGateway, writeSmsSecret } from '../test/helpers/alerts.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';

const DOCUMENTS = Number(process.env.BENCH_ALERT_DOCUMENTS ?? 50);
const MAX_SECONDS = 60;

function document(n: number): Buffer {
  return Buffer.from(
    `From: ${AGENCIES.ubnd.address}\r\nTo: ${AGENCIES.snv.address}\r\nSubject: Cong dien hoa toc ${n}\r\nMessage-ID: <alert-bench-${n}-${Date.now()}@ubnd.hatinh.gov.vn>\r\n` +
      `Date: Wed, 02 Dec 2026 08:00:00 +0700\r\n\r\nSo ky hieu: ${n + 1}/CD-UBND\r\nDo khan: Hoa toc\r\nTrich yeu: V/v ung pho bao so ${n}\r\n`,
  );
}

export async function run(): Promise<BenchTable> {
  const sms = await fakeSmsGateway();
  const leaders = { agencies: [] as unknown[] };
  const { TEST_AGENCIES_YAML } = await import('../test/helpers/env.js');
  leaders.agencies = TEST_AGENCIES_YAML.agencies.map((a) =>
    a.id === AGENCIES.snv.id ? { ...a, leaders: [{ name: 'Trần Thị Bình', phone: '+84912000002' }] } : a,
  );
  const tg = await startTestGateway({ docgate: alertsConfig({ webhookPort: sms.port, timeout: '10s', over: { pollInterval: '1s' } }), agencies: leaders });
  writeSmsSecret(tg.env.configDir);
  await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  const rows: BenchRow[] = [];
  try {
    for (const sessions of [1, 5]) {
      const acked = new Map<string, number>();
      const clients = Array.from({ length: sessions }, () => transport(tg.starttlsPort, AGENCIES.ubnd.address));
      const deadline = Date.now() + MAX_SECONDS * 1000;
      let next = 0;
      sms.calls.length = 0;
      await Promise.all(
        clients.map(async (client) => {
          while (next < DOCUMENTS && Date.now() < deadline) {
            const info = await client.sendMail({ envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] }, raw: document(next++) });
            acked.set(/(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)![1], Date.now());
          }
        }),
      );
      for (const c of clients) c.close();
      while (sms.calls.length < acked.size && Date.now() < deadline + 30_000) await new Promise((r) => setTimeout(r, 20));
      const latencies = sms.calls
        .map((c) => c.at - (acked.get((c.body as { trackingId: string }).trackingId) ?? NaN))
        .filter((x) => Number.isFinite(x))
        .sort((a, b) => a - b);
      rows.push({
        sessions,
        documents: acked.size,
        'webhook calls': latencies.length,
        'p50 ms': round(percentile(latencies, 50)),
        'p99 ms': round(percentile(latencies, 99)),
        'max ms': round(latencies.at(-1) ?? NaN),
      });
    }
  } finally {
    await tg.stop();
    await sms.close();
  }
  return {
    title: '250 → SMS webhook call for a Hỏa tốc document (one leader, webhook answering 200 at once)',
    rows,
    notes: [
      'the acceptance wakes the alert worker after its commit; pollInterval (1 s here) only bounds a missed wake-up',
      'the 250 time is taken when the client has the reply, so a negative figure would mean the webhook was called first',
    ],
  };
}
