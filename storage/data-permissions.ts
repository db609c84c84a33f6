// The data directory holds password hashes, the register and every document: owner-only access.
// New files get it from the umask the CLI sets (0o077); this brings existing trees (made by older
// versions or under another umask) to 0700 directories and 0600 files.

import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

const DATA_DIR_MODE = 0o700;
const DATA_FILE_MODE = 0o600;
/** What the process umask must mask so that files and directories it creates are owner-only. */
export const DATA_UMASK = 0o077;

async function restrict(target: string): Promise<number> {
  const stat = await lstat(target).catch(() => null);
  // Symlinks are left alone: chmod would follow them out of the data directory.
  if (!stat || stat.isSymbolicLink()) return 0;
  let changed = 0;
  const wanted = stat.isDirectory() ? DATA_DIR_MODE : DATA_FILE_MODE;
  if ((stat.mode & 0o777) !== wanted) {
    await chmod(target, wanted).catch(() => undefined);
    changed++;
  }
  if (stat.isDirectory()) {
    const entries = await readdir(target).catch(() => [] as string[]);
    for (const entry of entries) changed += await restrict(path.join(target, entry));
  }
  return changed;
}

/** Creates the data directory when missing and makes everything in it owner-only; returns how many entries changed. */
export async function restrictDataDir(dataDir: string): Promise<number> {
  await mkdir(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  return restrict(dataDir);
}
