// The piscina task of policies/pdf/text-pool.ts: the text layer of one PDF, read in the pool's thread.

import { threadId } from 'node:worker_threads';
import { readOwnedPdfText, type PdfText, type PdfTextLimits } from './text.js';

export interface PdfTextTask {
  /** A copy transferred to this thread: pdfjs takes it without copying again. */
  data: Uint8Array;
  limits: Omit<PdfTextLimits, 'signal'>;
}

export interface PdfTextResult extends PdfText {
  /** The thread that read it (0 would be the main thread): tests show the work left the main thread. */
  threadId: number;
}

export default async function pdfTextTask(task: PdfTextTask): Promise<PdfTextResult> {
  return { ...(await readOwnedPdfText(task.data, task.limits)), threadId };
}
