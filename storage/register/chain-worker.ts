// A worker thread of `register verify`: walks one stretch of the event chain (chain-walk.ts) on a
// connection of its own and posts the result back. Re-hashing is CPU work and so is turning driver rows
// into objects: on one thread the walk ran at one core's speed.

import { parentPort, workerData } from 'node:worker_threads';
import { STOP_WALK, walkStretch, type ChainStretch, type StretchResult } from './chain-walk.js';
import { openRawReaderAt, type RawTarget } from './raw-reads.js';

export interface ChainWorkerInput {
  target: RawTarget;
  stretch: ChainStretch;
}

export type ChainWorkerOutput = { ok: StretchResult } | { error: string };

const { target, stretch } = workerData as ChainWorkerInput;
// Stopped by a message, never by Worker.terminate(): a thread torn down while its sqlite3 connection
// is open aborts the whole process (node-sqlite3's close callback throws into a dying environment).
let stopRequested = false;
parentPort!.on('message', (m) => {
  if (m === STOP_WALK) stopRequested = true;
});
parentPort!.unref();
let out: ChainWorkerOutput;
try {
  const reader = await openRawReaderAt(target);
  try {
    out = { ok: await walkStretch(reader, stretch, () => stopRequested) };
  } finally {
    await reader.close();
  }
} catch (err) {
  out = { error: (err as Error).stack ?? String(err) };
}
parentPort!.postMessage(out);
