// The admin listener (docgate.yaml `admin`, 127.0.0.1:9464 by default): Prometheus metrics on /metrics,
// liveness on /healthz (the process answers) and readiness on /readyz (the database answers and the data
// directory takes a durable write). Plain node:http: three fixed routes, nothing for a framework to do.

import { open, unlink } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from '../../config/log.js';

export interface AdminSources {
  /** The exposition text and its content type. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** What keeps the gateway from serving now; empty when ready. */
  problems(): Promise<string[]>;
}

export interface RunningAdmin {
  host: string;
  port: number;
  close(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 2_000;

/** The readiness checks shared by a gateway process and the cluster primary. */
export async function readinessProblems(ping: (timeoutMs: number) => Promise<void>, dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  await ping(PROBE_TIMEOUT_MS).catch((err: Error) => problems.push(`database: ${err.message}`));
  const probe = path.join(dataDir, `.readyz-${process.pid}`);
  try {
    const file = await open(probe, 'w', 0o600);
    try {
      await file.write('ready\n');
      await file.sync();
    } finally {
      await file.close();
    }
    await unlink(probe);
  } catch (err) {
    problems.push(`data directory: ${(err as Error).message}`);
  }
  return problems;
}

export async function startAdminListener(host: string, port: number, sources: AdminSources, log: Logger): Promise<RunningAdmin> {
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '').split('?')[0];
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
    if (route === '/healthz') return send(200, 'text/plain; charset=utf-8', 'ok\n');
    if (route === '/readyz') {
      void sources.problems().then(
        (problems) =>
          problems.length === 0 ? send(200, 'text/plain; charset=utf-8', 'ready\n') : send(503, 'text/plain; charset=utf-8', problems.join('\n') + '\n'),
        (err: Error) => send(503, 'text/plain; charset=utf-8', `${err.message}\n`),
      );
      return;
    }
    if (route === '/metrics') {
      void sources.metrics().then(
        (m) => send(200, m.contentType, m.body),
        (err: Error) => {
          log.warn('metrics collection failed', { err: err.message });
          send(500, 'text/plain; charset=utf-8', `${err.message}\n`);
        },
      );
      return;
    }
    send(404, 'text/plain; charset=utf-8', 'not found: /metrics, /healthz, /readyz\n');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  log.info('admin listening', { host, port: bound });
  return {
    host,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
