// Each process spools into its own directory, data/spool/<pid>-<random>/, announced by an owner file
// data/spool/<pid>-<random>.owner ("pid hostname incarnation"). At start a process removes only the directories
// of owners that are gone, so two gateways sharing a data directory never delete each other's
// in-flight files. An owner on another host cannot be checked and is left alone (a leak, not a loss).

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const OWNER = '.owner';
/** Tells this process from an earlier one with the same pid (pid 1 in a restarted container). */
const INCARNATION = randomBytes(8).toString('hex');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerGone(root: string, id: string): Promise<boolean> {
  const text = await readFile(path.join(root, id + OWNER), 'utf8').catch(() => null);
  // A directory without an owner file is from before per-process spools, or its owner died creating it.
  if (text === null) return true;
  const [pidText, host, incarnation] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (host !== os.hostname()) return false;
  // Our own pid: ours (another storage in this process) or a previous incarnation's.
  if (pid === process.pid) return incarnation !== INCARNATION;
  return !alive(pid);
}

/** Removes spool directories (and loose files) whose owner process is not alive; returns how many. */
export async function cleanDeadSpools(root: string, own = ''): Promise<number> {
  await mkdir(root, { recursive: true });
  let removed = 0;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const name = entry.name;
    if (name === own || name === own + OWNER) continue;
    if (entry.isDirectory()) {
      if (!(await ownerGone(root, name))) continue;
      await rm(path.join(root, name), { recursive: true, force: true });
      await rm(path.join(root, name + OWNER), { force: true });
      removed++;
    } else if (name.endsWith(OWNER)) {
      // An owner file whose directory is gone: remove it once its owner is gone too.
      const id = name.slice(0, -OWNER.length);
      if (await ownerGone(root, id)) await rm(path.join(root, name), { force: true });
    } else {
      // A loose file from a version that spooled into data/spool/ itself (older gateways are not
      // supported running next to per-process spools).
      await rm(path.join(root, name), { force: true });
      removed++;
    }
  }
  return removed;
}

export interface ProcessSpool {
  dir: string;
  /** Removes this process's directory and owner file (at close, when nothing is in flight). */
  release(): Promise<void>;
}

/** Creates this process's spool directory; the owner file is written before the directory exists. */
export async function claimSpoolDir(root: string): Promise<ProcessSpool> {
  await mkdir(root, { recursive: true });
  const id = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const owner = path.join(root, id + OWNER);
  await writeFile(owner, `${process.pid} ${os.hostname()} ${INCARNATION}\n`, { flag: 'wx' });
  const dir = path.join(root, id);
  await mkdir(dir);
  return {
    dir,
    async release() {
      await rm(dir, { recursive: true, force: true });
      await rm(owner, { force: true });
    },
  };
}
