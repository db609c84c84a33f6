// `docgate serve --workers N`: the primary forks N gateway processes (node:cluster) that share the SMTP
// and IMAP listeners, restarts one that dies, forwards SIGTERM/SIGINT (stop) and SIGHUP (reload), and
// serves the admin listener for all of them (metrics summed across workers). Workers are full gateways
// on one PostgreSQL database; SQLite has one writer, so it is refused with more than one worker.

import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config/load.js';
import type { Logger } from '../config/log.js';
import { pingDatabaseUrl } from '../storage/change-feed.js';
import { readinessProblems, startAdminListener, type RunningAdmin } from './metrics/admin.js';
import type { Registry } from 'prom-client';

/** What a worker tells the primary once it serves: the lines `serve` prints (listeners). */
interface ReadyMessage {
  type: 'docgate:ready';
  lines: string[];
}

function isReady(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'docgate:ready';
}

const STOP_GRACE_MS = 30_000;
const RESTART_FIRST_MS = 500;
const RESTART_LAST_MS = 10_000;
/** A worker that lived this long before dying is restarted without back-off. */
const HEALTHY_MS = 10_000;

/** The refusal text when the configuration cannot run several workers; null when it can. */
export function workersRefusal(config: Config, workers: number): string | null {
  if (workers <= 1 || !config.docgate.database.url.startsWith('sqlite:')) return null;
  return (
    `--workers ${workers} can PostgreSQL: SQLite chi co mot tien trinh ghi; dat database.url = postgres://... hoac chay mot tien trinh / ` +
    `--workers ${workers} needs PostgreSQL: SQLite has a single writer; set database.url to postgres://... or run one process`
  );
}

/** In a worker: answer the primary's metric requests from this registry, and say when serving. */
export function joinCluster(registry: Registry, lines: string[]): void {
  AggregatorRegistry.setRegistries(registry);
  // prom-client starts answering the primary's requests when a worker creates an AggregatorRegistry.
  new AggregatorRegistry();
  process.send?.({ type: 'docgate:ready', lines } satisfies ReadyMessage);
}

export interface ClusterPrimary {
  /** The listener lines of the first worker to serve (all workers share the same listeners). */
  lines: string[];
  admin: RunningAdmin | null;
  stop(signal: NodeJS.Signals): Promise<void>;
}

/** Forks the workers and resolves once each of them serves; rejects if one dies before that. */
export async function startClusterPrimary(config: Config, workers: number, log: Logger): Promise<ClusterPrimary> {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let restartMs = RESTART_FIRST_MS;
  const born = new Map<Worker, number>();
  const ready = new Set<Worker>();
  let lines: string[] = [];

  const fork = () => {
    const worker = cluster.fork();
    born.set(worker, Date.now());
    worker.on('message', (message: unknown) => {
      if (!isReady(message)) return;
      ready.add(worker);
      if (lines.length === 0) lines = message.lines;
    });
    return worker;
  };

  // Startup: every worker must come up once, or the start fails as a single process would.
  await new Promise<void>((resolve, reject) => {
    const onExit = (worker: Worker, code: number | null, signal: string | null) => {
      if (ready.has(worker)) return;
      cluster.off('exit', onExit);
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      reject(new Error(`worker ${worker.process.pid} exited before serving (code ${code}, signal ${signal})`));
    };
    cluster.on('exit', onExit);
    const onMessage = (w: Worker, message: unknown) => {
      if (!isReady(message)) return;
      ready.add(w);
      if (ready.size < workers) return;
      cluster.off('exit', onExit);
      cluster.off('message', onMessage);
      resolve();
    };
    cluster.on('message', onMessage);
    // The first worker alone does what a first start does once (TLS certificate, signing identity,
    // migrations, folders); the others start when it serves.
    fork();
    const rest = (_w: Worker, message: unknown) => {
      if (!isReady(message)) return;
      cluster.off('message', rest);
      for (let i = 1; i < workers; i++) fork();
    };
    cluster.on('message', rest);
  });

  // From now on a dead worker is replaced; one that keeps dying at once waits longer each time.
  cluster.on('exit', (worker, code, signal) => {
    ready.delete(worker);
    const lived = Date.now() - (born.get(worker) ?? 0);
    born.delete(worker);
    if (stopping) return;
    restartMs = lived >= HEALTHY_MS ? RESTART_FIRST_MS : Math.min(restartMs * 2, RESTART_LAST_MS);
    log.warn('worker died, restarting', { pid: worker.process.pid, code, signal, restartInMs: restartMs });
    setTimeout(() => {
      if (!stopping) fork();
    }, restartMs).unref();
  });
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });

  let admin: RunningAdmin | null = null;
  const adminConfig = config.docgate.admin;
  if (adminConfig.enabled) {
    try {
      admin = await startAdminListener(
        adminConfig.host,
        adminConfig.port,
        {
          metrics: async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() }),
          async problems() {
            const problems = await readinessProblems((ms) => pingDatabaseUrl(config.docgate.database.url, ms), config.dataDir);
            if (ready.size < workers) problems.push(`workers: ${ready.size} of ${workers} serving`);
            return problems;
          },
        },
        log.child({ component: 'admin' }),
      );
    } catch (err) {
      log.error(`Khong mo duoc cong quan tri ${adminConfig.host}:${adminConfig.port} / cannot open the admin listener`, { err: (err as Error).message });
    }
  }

  return {
    lines,
    admin,
    async stop(signal: NodeJS.Signals) {
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(
        alive.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.process.exitCode !== null || w.process.signalCode !== null) return resolve();
              const timer = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
              w.process.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              w.process.kill(signal === 'SIGINT' ? 'SIGTERM' : signal);
            }),
        ),
      );
      await admin?.close();
    },
  };
}
