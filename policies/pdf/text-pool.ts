// PDF text layers are read in one worker thread (piscina) beside the main thread: pdfjs was the largest
// single CPU cost of a submission, and on the main thread it left the second core idle.
//
// Memory, against the 20 x 20 MB under 300 MB bound: only PDFs up to WORKER_MAX_BYTES come here (see
// policies/files/document-text.ts); ONE thread, so one extra V8 heap with pdfjs and one
// PDF parsed at a time (the rest wait in the queue, each still holding the memory budget reservation its
// caller made, so the queue is bounded by inspection.memoryBudget, not by count); the bytes go over as
// the one copy pdfjs needs anyway, transferred (not cloned), so the worker holds no more than the main
// thread did; the thread's heap is capped by resourceLimits, so a hostile PDF kills the thread, not the
// gateway; and the thread (with pdfjs) exits after a minute without PDFs.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { PdfTextError, type PdfTextLimits } from './text.js';
import type { PdfTextResult, PdfTextTask } from './text-worker.js';

/**
 * The thread's old generation, in MiB: pdfjs holds one page's objects at a time (page.cleanup() after
 * each), and a PDF of at most WORKER_MAX_BYTES that needs more is hostile; it kills the thread and its
 * read fails as a slow one does.
 */
const WORKER_HEAP_MB = 128;
// The young generation is left at V8's size: capped at 8 MiB it cost ~35 % more CPU per PDF (more
// scavenges; pdfjs allocates fast) for a peak RSS within the bench's noise (369 vs 387 MB).
const IDLE_MS = 60_000;

/**
 * PDFs larger than this are read on the main thread, as before. Measured (bench/policy, 20 x 20 MB whose
 * main documents are 4 MB PDFs, load ~11 on 2 cores): 346 MB peak RSS on the main thread, 369-387 MB with
 * every PDF in the worker, since the main thread then goes on reading the other large submissions while
 * pdfjs works beside it. The CPU that matters for throughput is the many small documents (the race's are
 * 72 KB); a large one on the main thread paces the intake of the other large ones as it always did.
 */
export const WORKER_MAX_BYTES = 1024 * 1024;

let pool: Piscina<PdfTextTask, PdfTextResult> | null = null;

function workerFile(): string {
  // dist/ holds the compiled .js beside this file; under tsx (tests, benches) only the .ts exists, and
  // the worker inherits the parent's --import tsx from process.execArgv.
  const js = fileURLToPath(new URL('./text-worker.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./text-worker.ts', import.meta.url));
}

function thePool(): Piscina<PdfTextTask, PdfTextResult> {
  if (pool) return pool;
  pool = new Piscina<PdfTextTask, PdfTextResult>({
    filename: workerFile(),
    minThreads: 0,
    maxThreads: 1,
    concurrentTasksPerWorker: 1,
    idleTimeout: IDLE_MS,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  // A thread that dies with no task is replaced on the next run; the event is not the gateway's end.
  pool.on('error', () => undefined);
  return pool;
}

/** The pool's live threads (none before the first PDF or after IDLE_MS): tests kill one with them. */
export function pdfTextWorkers(): Worker[] {
  return pool ? pool.threads : [];
}

/**
 * extractPdfText in the worker thread. Inside it the page, character and time limits apply as on the
 * main thread; from here an abort of `limits.signal`, or twice the time limit counted from the call
 * (the wait behind another PDF included), ends the task and the thread with it, which the pool replaces.
 * Any failure (a limit, an unreadable PDF, a thread out of heap or killed) is a PdfTextError.
 */
export async function extractPdfTextInWorker(data: Buffer, limits: PdfTextLimits): Promise<PdfTextResult> {
  const { signal, ...rest } = limits;
  const backstop = AbortSignal.timeout(2 * rest.timeoutMs);
  const stop = signal ? AbortSignal.any([signal, backstop]) : backstop;
  // The copy pdfjs needs anyway, made here and moved over: the caller's buffer (often a slice of a
  // pooled one) stays attached.
  const copy = new Uint8Array(data);
  try {
    return await thePool().run({ data: copy, limits: rest }, { signal: stop, transferList: [copy.buffer] });
  } catch (err) {
    if (backstop.aborted && !signal?.aborted) throw new PdfTextError(`text extraction took longer than ${rest.timeoutMs} ms`);
    if (signal?.aborted) throw new PdfTextError('text extraction aborted');
    throw new PdfTextError((err as Error).message);
  }
}
