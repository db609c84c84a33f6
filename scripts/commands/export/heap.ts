// Keeps a long export's memory at its working set. Measured (bench/export.ts, heap snapshots and
// process.memoryUsage): what an export keeps alive is small (the ZIP central directory archiver holds,
// ~1 KB a file, and the page at hand), but V8 sizes its heap from its allocation rate and collects the
// old generation rarely, so the garbage of parsed messages, streams' 64 KB read buffers (outside the
// heap, freed only with their JS objects) and query rows piled up to ~25 KB a document (426 MB at
// 10,000). A full collection every page bounds it: ~1 ms per document of CPU for a flat RSS.

import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** A full garbage collection now (V8's own, exposed at run time: the CLI is started without --expose-gc). */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
