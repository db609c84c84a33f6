// Urgent-alert fixtures: a scriptable SMS webhook (node:http on loopback) recording every call, the
// alerts section of docgate.yaml pointing at it (secret in a file), and agencies whose recipient (Sở
// Nội vụ) has two leaders.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEST_AGENCIES_YAML } from './env.js';

interface WebhookCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Date.now() when the request's body was complete. */
  at: number;
}

export interface FakeSmsGateway {
  port: number;
  calls: WebhookCall[];
  /** Answers to the next calls, in order: an HTTP status, or 'hang' (never answers); then `fallback`. */
  script: (number | 'hang')[];
  fallback: number | 'hang';
  close(): Promise<void>;
}

export async function fakeSmsGateway(): Promise<FakeSmsGateway> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const gw: FakeSmsGateway = { port: 0, calls: [], script: [], fallback: 200, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: the test shows what arrived.
      }
      gw.calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() });
      const answer = gw.script.length > 0 ? gw.script.shift()! : gw.fallback;
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: answer === 200 ? 0 : answer, message: answer === 200 ? 'OK' : 'error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gw.port = (server.address() as AddressInfo).port;
  gw.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return gw;
}

export const SMS_SECRET = 'bi-mat-sms-0123456789';

/** Writes the webhook's secret file into the config directory (as an administrator would). */
export function writeSmsSecret(configDir: string): void {
  mkdirSync(path.join(configDir, 'secrets'), { recursive: true });
  writeFileSync(path.join(configDir, 'secrets/sms-token'), `${SMS_SECRET}\n`, { mode: 0o600 });
}

/** docgate.yaml's alerts section: the fake webhook, optionally an SMTP sink for e-mails, fast retries. */
export function alertsConfig(o: {
  webhookPort: number;
  smtpPort?: number;
  encoding?: 'gsm7' | 'ucs2';
  timeout?: string;
  over?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    alerts: {
      sms: {
        url: `http://127.0.0.1:${o.webhookPort}/api/v1/sms/send`,
        method: 'POST',
        headers: { Authorization: 'Bearer {secret}', 'X-Brandname': 'UBND-HATINH' },
        secretFile: 'secrets/sms-token',
        body: { phone: '{phone}', message: '{text}', brandname: 'UBND-HATINH', ref: '{soKyHieu}', agency: '{agency}', trackingId: '{documentId}' },
        encoding: o.encoding ?? 'gsm7',
        timeout: o.timeout ?? '400ms',
      },
      ...(o.smtpPort ? { email: { url: `smtp://127.0.0.1:${o.smtpPort}?tls=none`, from: 'docgate <canhbao@docgate.test>', timeout: '5s' } } : {}),
      schedule: ['100ms'],
      maxAttempts: 4,
      pollInterval: '100ms',
      lease: '2s',
      ...o.over,
    },
  };
}

export const SNV_LEADERS = [
  { name: 'Trần Thị Bình', phone: '+84912000002', email: 'giamdoc@snv.hatinh.gov.vn' },
  { name: 'Lê Văn Cường', phone: '0912 000 003' },
];

/** The test agencies with two leaders at Sở Nội vụ (the recipient of the helpers' documents). */
export function agenciesWithLeaders(): unknown {
  return {
    agencies: TEST_AGENCIES_YAML.agencies.map((a) => (a.id === '000.01.00.H27' ? { ...a, leaders: SNV_LEADERS } : a)),
  };
}
