// Removes blobs no row refers to: left when a commit fails after the blob was adopted, or a process
// died between adoption and commit. A blob is removed only when it is older than the grace period
// (adopt() refreshes the mtime of a blob it reuses, so an in-flight transaction's blob is always
// young) and still unreferenced when checked again inside the serialized write path at delete time.

import type { Logger } from '../config/log.js';
import { isReferenced, referencedBlobs } from './blob-audit.js';
import type { Storage } from './index.js';

export async function sweepOrphans(storage: Pick<Storage, 'db' | 'blobs' | 'writes'>, options: { graceMs: number; now?: number }): Promise<string[]> {
  const cutoff = (options.now ?? Date.now()) - options.graceMs;
  const referenced = await referencedBlobs(storage.db.sequelize);
  const candidates = (await storage.blobs.list()).filter((f) => !referenced.has(f.sha256) && f.mtimeMs < cutoff);
  const removed: string[] = [];
  for (const file of candidates) {
    // Checked again in the write path: a commit of this process referring to it is either done or not begun.
    await storage.writes.run(async (t) => {
      if (await isReferenced(storage.db.sequelize, file.sha256, t)) return;
      // Still old at delete time too: another process may have reused it since the listing.
      await storage.blobs.remove(file.sha256, t, cutoff);
      removed.push(file.sha256);
    });
  }
  return removed;
}

/** Sweeps at start and then every `intervalMs` (0: only at start); stop() waits for a running sweep. */
export function startOrphanSweeper(
  storage: Pick<Storage, 'db' | 'blobs' | 'writes'>,
  options: { intervalMs: number; graceMs: number; log: Logger },
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const sweep = () => {
    if (stopped) return;
    running = sweepOrphans(storage, { graceMs: options.graceMs })
      .then((removed) => {
        if (removed.length > 0) options.log.info('orphan blobs removed', { count: removed.length });
      })
      .catch((err) => options.log.warn('orphan blob sweep failed', { err }));
  };
  sweep();
  const timer = options.intervalMs > 0 ? setInterval(sweep, options.intervalMs) : null;
  timer?.unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
