// PDF text layers are read in a pool of worker threads (piscina), so pdfjs, the largest CPU cost of a
// document's checks, runs beside the main thread instead of on it. The caller keeps its memory budget
// reservation while a worker holds the copy, so the budget stays global. One thread per core beside the
// main thread's (each holds its own pdfjs: memory), made on first use, closed when idle for minutes.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { PdfTextError, type PdfText, type PdfTextLimits } from './text.js';
import type { PdfTextTask } from './text-worker.js';

let pool: Piscina<PdfTextTask, PdfText> | null = null;

function workerFile(): string {
  // dist/ has the compiled .js; tests and benches run the TypeScript sources (tsx is inherited by the worker).
  const js = fileURLToPath(new URL('./text-worker.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./text-worker.ts', import.meta.url));
}

function thePool(): Piscina<PdfTextTask, PdfText> {
  pool ??= new Piscina<PdfTextTask, PdfText>({
    filename: workerFile(),
    minThreads: 0,
    maxThreads: Math.max(1, availableParallelism() - 1),
    idleTimeout: 5 * 60_000,
  });
  return pool;
}

/** extractPdfText in a worker thread; an abort of `limits.signal` ends the task (and its thread). */
export async function extractPdfTextInWorker(data: Buffer, limits: PdfTextLimits): Promise<PdfText> {
  const { signal, ...rest } = limits;
  // A copy the worker takes over: the caller's buffer (often a slice of a pooled one) is not detached.
  const copy = new Uint8Array(data);
  try {
    return await thePool().run({ data: copy, limits: rest }, { signal: signal ?? null, transferList: [copy.buffer] });
  } catch (err) {
    throw new PdfTextError((err as Error).message);
  }
}
