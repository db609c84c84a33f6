// The text layer of a PDF, read with pdfjs-dist's Node build (text positions and ToUnicode maps, no
// rendering), one line per text line, bounded in pages, characters and time. A scan (images only) has
// no text layer: the result says so and the text is empty.

export interface PdfText {
  text: string;
  pages: number;
  /** False when no page has any text (a scanned document). */
  hasTextLayer: boolean;
}

export interface PdfTextLimits {
  maxPages: number;
  maxChars: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export class PdfTextError extends Error {}

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
}

export function extractPdfText(data: Buffer, limits: PdfTextLimits): Promise<PdfText> {
  // pdfjs takes ownership of (and may detach) the array it is given: hand it a copy.
  return readOwnedPdfText(new Uint8Array(data), limits);
}

/** extractPdfText on bytes nobody else reads (a worker's transferred copy): pdfjs takes them as they are. */
export async function readOwnedPdfText(owned: Uint8Array, limits: PdfTextLimits): Promise<PdfText> {
  // Loaded on first use: pdfjs is large and most submissions carry no PDF.
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: owned,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let timer: NodeJS.Timeout | undefined;
  let abort = (): void => undefined;
  const deadline = new Promise<never>((_, reject) => {
    const stop = (why: string) => {
      void task.destroy();
      reject(new PdfTextError(why));
    };
    abort = () => stop('text extraction aborted');
    if (limits.signal?.aborted) abort();
    limits.signal?.addEventListener('abort', abort, { once: true });
    timer = setTimeout(() => stop(`text extraction took longer than ${limits.timeoutMs} ms`), limits.timeoutMs);
  });
  // pdfjs's Node build parses in this thread, often without yielding to timers: the deadline is also
  // checked between steps, so a slow document stops at the next page at the latest.
  const started = Date.now();
  const late = () => {
    if (Date.now() - started > limits.timeoutMs) throw new PdfTextError(`text extraction took longer than ${limits.timeoutMs} ms`);
  };
  const work = (async (): Promise<PdfText> => {
    const pdf = await task.promise;
    late();
    const pages = Math.min(pdf.numPages, limits.maxPages);
    let text = '';
    let hasTextLayer = false;
    for (let n = 1; n <= pages && text.length < limits.maxChars; n++) {
      if (limits.signal?.aborted) break;
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      late();
      for (const item of content.items as TextItemLike[]) {
        if (typeof item.str !== 'string') continue;
        if (item.str.trim() !== '') hasTextLayer = true;
        text += item.str + (item.hasEOL ? '\n' : '');
      }
      text += '\n';
      page.cleanup();
    }
    return { text: hasTextLayer ? text.slice(0, limits.maxChars).normalize('NFC') : '', pages: pdf.numPages, hasTextLayer };
  })();
  try {
    return await Promise.race([work, deadline]);
  } catch (err) {
    if (err instanceof PdfTextError) throw err;
    throw new PdfTextError(`unreadable PDF text: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', abort);
    work.catch(() => undefined);
    await task.destroy();
  }
}
