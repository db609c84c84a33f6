// The piscina task of policies/pdf/text-pool.ts: the text layer of one PDF, in a worker thread.

import { extractPdfText, type PdfText, type PdfTextLimits } from './text.js';

export interface PdfTextTask {
  data: Uint8Array;
  limits: Omit<PdfTextLimits, 'signal'>;
}

export default function pdfTextTask(task: PdfTextTask): Promise<PdfText> {
  return extractPdfText(Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength), task.limits);
}
