// SQLite has no advisory locks: two processes migrating one new file at once would both create the
// tables. A lock file next to the database (created with O_EXCL, holding the owner's pid) serialises
// them; a lock whose owner is gone is taken over.

import { open, readFile, rm, stat } from 'node:fs/promises';
import { processAlive } from '../process-alive.js';

async function stale(lockPath: string): Promise<boolean> {
  const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
  if (pid > 0) return !processAlive(pid);
  // Created but no pid yet: only stale if its creator died right there (older than a minute).
  const info = await stat(lockPath).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > 60_000;
}

export async function withLockFile(lockPath: string, work: () => Promise<void>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await stale(lockPath)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`migration lock ${lockPath} held too long; remove it if no docgate process is running`, { cause: err });
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
