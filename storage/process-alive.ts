// Whether a process on this machine still runs: lock files and spool directories name their owner's pid.

/** Signal 0 tests existence; EPERM means it exists under another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
