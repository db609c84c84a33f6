// Gauges read at each scrape: the relay queue (from the shared database, so the same in every
// process: aggregated by max), the database pool and the open IMAP connections of this process.

import type { Storage } from '../../storage/index.js';
import type { GatewayMetrics } from './metrics.js';

export function registerGatewayGauges(metrics: GatewayMetrics, storage: Storage, imapConnections: () => number): void {
  // One query per scrape serves both queue gauges.
  let depth: Promise<Awaited<ReturnType<Storage['queue']['depth']>>> | null = null;
  const queueDepth = () => (depth ??= storage.queue.depth().finally(() => setTimeout(() => (depth = null), 0)));
  metrics.gauge({
    name: 'docgate_queue_jobs',
    help: 'Unfinished jobs (relay) by kind and status (queued, sending)',
    labelNames: ['kind', 'status'] as const,
    aggregator: 'max',
    async collect(set) {
      for (const row of await queueDepth()) set({ kind: row.kind, status: row.status }, row.count);
    },
  });
  metrics.gauge({
    name: 'docgate_queue_oldest_age_seconds',
    help: 'Age of the oldest unfinished job, by kind (0 when none)',
    labelNames: ['kind'] as const,
    aggregator: 'max',
    async collect(set) {
      const oldest = new Map<string, number>();
      for (const row of await queueDepth()) {
        if (row.oldest) oldest.set(row.kind, Math.min(oldest.get(row.kind) ?? Infinity, row.oldest.getTime()));
      }
      for (const [kind, at] of oldest) set({ kind }, Math.max(0, (Date.now() - at) / 1000));
    },
  });
  metrics.gauge({
    name: 'docgate_db_pool_connections',
    help: 'PostgreSQL pool connections by state (used, idle, waiting for one)',
    labelNames: ['state'] as const,
    collect(set) {
      const stats = storage.db.poolStats();
      if (!stats) return;
      set({ state: 'used' }, stats.used);
      set({ state: 'idle' }, stats.idle);
      set({ state: 'waiting' }, stats.waiting);
    },
  });
  metrics.gauge({
    name: 'docgate_imap_connections_active',
    help: 'IMAP connections open now',
    collect(set) {
      set({}, imapConnections());
    },
  });
  metrics.counterFrom({
    name: 'docgate_blob_bytes_written_total',
    help: 'Bytes of new message blobs written and fsynced',
    read: () => storage.blobs.bytesWritten,
  });
}
