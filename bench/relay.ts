// Relay throughput and latency at 100 KB, in one run: docgate relaying to a real Postfix (its Maildir),
// docgate relaying to an SMTP sink, and, as the baseline, Postfix relaying the same messages to the same
// sink. Latency is from the 250 the submitter got to the peer's 250 (docgate: the job's recorded finish;
// the baseline: the sink's arrival time). Submissions use persistent sessions. Needs root and the Debian package postfix; bounded in messages and seconds.

import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { AGENCIES } from '../test/helpers/env.js';
import { addClerk, startTestGateway, TEST_PASSWORD, type TestGateway } from '../test/helpers/gateway.js';
import { startPostfix } from '../test/helpers/postfix.js';
import { agenciesWithRelay, fastRelay } from '../test/helpers/relay.js';
import { freePort } from '../test/helpers/ports.js';
import { messageFactory } from './smtp.js';
import { percentile, round, type BenchRow, type BenchTable } from './report.js';

const SIZE = 100 * 1024;
const MESSAGES = Number(process.env.BENCH_RELAY_MESSAGES ?? 300);
const SENDERS = 10;
const MAX_SECONDS = 60;

interface Sink {
  port: number;
  /** Message-ID → arrival time (ms). */
  arrivals: Map<string, number>;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const port = await freePort();
  const arrivals = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    size: 50 * 1024 * 1024,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 64 * 1024) head += c.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^Message-ID: (<[^>]+>)/im.exec(head)?.[1];
        if (id) arrivals.set(id, Date.now());
        callback(null, 'ok');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Sends MESSAGES messages over SENDERS parallel sessions; returns Message-ID → time of the 250 and the response. */
async function submitAll(send: (raw: Buffer) => Promise<string>, make: (n: number) => Buffer): Promise<Map<string, { at: number; response: string }>> {
  const acked = new Map<string, { at: number; response: string }>();
  let next = 0;
  const deadline = Date.now() + MAX_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < MESSAGES && Date.now() < deadline) {
        const raw = make(next++);
        const id = /^Message-ID: (<[^>]+>)/im.exec(raw.toString('latin1'))![1];
        const response = await send(raw);
        acked.set(id, { at: Date.now(), response });
      }
    }),
  );
  return acked;
}

function row(label: string, latencies: number[], first: number, last: number, delivered: number): BenchRow {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    scenario: label,
    messages: delivered,
    'msg/s': round(delivered / Math.max(0.001, (last - first) / 1000)),
    'p50 ms': round(percentile(sorted, 50)),
    'p99 ms': round(percentile(sorted, 99)),
  };
}

async function waitUntil(done: () => Promise<boolean> | boolean, seconds = MAX_SECONDS): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (!(await done()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}

async function docgateRun(label: string, url: string, make: (n: number) => Buffer): Promise<BenchRow> {
  const tg: TestGateway = await startTestGateway({
    docgate: fastRelay({ concurrency: 8, pollInterval: '200ms' }),
    agencies: agenciesWithRelay({ url, keepMailbox: false }),
  });
  try {
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    // Persistent submission sessions: the submitter's greeting wait must not be what limits the relay.
    const clients = Array.from({ length: SENDERS }, () =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: tg.starttlsPort,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: AGENCIES.ubnd.address, pass: TEST_PASSWORD },
        pool: true,
        maxConnections: 1,
      }),
    );
    let c = 0;
    const first = Date.now();
    const acked = await submitAll(
      async (raw) => (await clients[c++ % SENDERS].sendMail({ envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] }, raw })).response,
      make,
    );
    for (const client of clients) client.close();
    await waitUntil(async () => (await tg.gateway.storage.queue.list({ status: ['delivered'] })).length >= acked.size);
    const jobs = await tg.gateway.storage.queue.list({ status: ['delivered'] });
    const byTracking = new Map(jobs.map((j) => [j.documentId, j.finishedAt!.getTime()]));
    const latencies: number[] = [];
    let last = first;
    for (const ack of acked.values()) {
      const tracking = /(DG\d{8}-[A-Z2-9]{10})/.exec(ack.response)?.[1];
      const at = tracking ? byTracking.get(tracking) : undefined;
      if (at === undefined) continue;
      latencies.push(at - ack.at);
      last = Math.max(last, at);
    }
    return row(label, latencies, first, last, latencies.length);
  } finally {
    await tg.stop();
  }
}

async function postfixBaseline(make: (n: number) => Buffer): Promise<BenchRow> {
  const sink = await startSink();
  const postfix = await startPostfix([`nobody@${AGENCIES.stttt.domain}`], { relayTo: sink.port });
  try {
    const clients = Array.from({ length: SENDERS }, () =>
      nodemailer.createTransport({ host: '127.0.0.1', port: postfix.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 }),
    );
    let c = 0;
    const first = Date.now();
    const acked = await submitAll(
      async (raw) => (await clients[c++ % SENDERS].sendMail({ envelope: { from: AGENCIES.ubnd.address, to: ['vanthu@relay.example'] }, raw })).response,
      make,
    );
    for (const client of clients) client.close();
    await waitUntil(() => [...acked.keys()].every((id) => sink.arrivals.has(id)));
    const latencies: number[] = [];
    let last = first;
    for (const [id, ack] of acked) {
      const at = sink.arrivals.get(id);
      if (at === undefined) continue;
      latencies.push(at - ack.at);
      last = Math.max(last, at);
    }
    return row('Postfix → sink (baseline, same messages)', latencies, first, last, latencies.length);
  } finally {
    await postfix.stop();
    await sink.close();
  }
}

export async function run(): Promise<BenchTable> {
  const make = messageFactory(SIZE);
  const rows: BenchRow[] = [];
  const notes: string[] = [
    `${MESSAGES} messages of ~100 KB over ${SENDERS} submitting sessions; docgate relay concurrency 8 over pooled connections (the node sink waits 100 ms before each greeting, Postfix does not)`,
  ];
  const sink = await startSink();
  try {
    rows.push(await docgateRun('docgate → sink', `smtp://127.0.0.1:${sink.port}?tls=none`, make));
  } finally {
    await sink.close();
  }
  try {
    const postfix = await startPostfix([AGENCIES.snv.address]);
    try {
      rows.push(await docgateRun('docgate → Postfix (STARTTLS off, Maildir)', `smtp://127.0.0.1:${postfix.port}?tls=none`, make));
    } finally {
      await postfix.stop();
    }
    rows.push(await postfixBaseline(make));
  } catch (err) {
    notes.push(`Postfix rows skipped: ${(err as Error).message}`);
  }
  return { title: "relay at 100 KB: throughput and time from docgate's 250 to the peer's 250", rows, notes };
}
