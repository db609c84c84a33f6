// The main document's own text and fonts (DOCX paragraphs, XLSX shared strings, the PDF text layer),
// read once per submission and shared by the confidentiality, legacy-encoding and metadata checks.
// Legacy .doc/.xls text is not extracted (it needs the binary formats' text tables): for those, the form
// lines and the Subject are what the checks read. A scanned PDF has no text layer: empty text, passes.

import type { Attachment, InboundMessage } from '../message.js';
import { withAttachmentBytes, type BytesContext } from './content.js';
import { extensionOf } from './names.js';
import { inspectOoxml } from './ooxml.js';
import { isMainThread } from 'node:worker_threads';
import { extractPdfText } from '../pdf/text.js';
import { extractPdfTextInWorker, WORKER_MAX_BYTES } from '../pdf/text-pool.js';
import { INTERNAL_ARCHIVE_LIMITS } from '../archive/types.js';

export interface DocumentText {
  file: string;
  /** Paragraphs (DOCX) or cells (XLSX) joined by newlines, NFC, at most TEXT_LIMIT characters. */
  text: string;
  /** Font names used or declared (w:rFonts, w:font, XLSX <name val>); none for PDF. */
  fonts: string[];
  /** PDF only: false for a scan (no text on any page), whose text is then empty. */
  textLayer?: boolean;
}

const TEXT_LIMIT = 512 * 1024;
const LIMITS = { ...INTERNAL_ARCHIVE_LIMITS, maxEntries: 5000, maxMemberSize: 32 * 1024 * 1024, maxTotalSize: 64 * 1024 * 1024, maxRatio: 1000 };

const memo = new WeakMap<InboundMessage, Promise<DocumentText | null>>();

/**
 * What was read from a file, by its kind and SHA-256: the text is a function of the bytes alone, so the
 * same file sent again (to several agencies, a replacement, a resubmission) is not parsed again.
 * Bounded in entries and in characters held; only completed reads are kept (a timeout is not).
 */
type FileText = Omit<DocumentText, 'file'>;
const CACHE_ENTRIES = 256;
const CACHE_CHARS = 4 * 1024 * 1024;
const cache = new Map<string, FileText>();
let cachedChars = 0;

function cached(key: string): FileText | undefined {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
  }
  return hit;
}

function remember(key: string, value: FileText): void {
  if (value.text.length > CACHE_CHARS / 16 || cache.has(key)) return;
  cache.set(key, value);
  cachedChars += value.text.length;
  while (cache.size > CACHE_ENTRIES || cachedChars > CACHE_CHARS) {
    const [oldest, evicted] = cache.entries().next().value!;
    cache.delete(oldest);
    cachedChars -= evicted.text.length;
  }
}

function decodeXmlText(xml: string): string {
  return xml
    .replace(/<\/w:p>|<w:br\s*\/>|<w:cr\s*\/>|<\/si>|<\/a:p>/g, '\n')
    .replace(/<w:tab\s*\/>/g, '\t')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
      if (entity === 'amp') return '&';
      if (entity === 'lt') return '<';
      if (entity === 'gt') return '>';
      if (entity === 'quot') return '"';
      if (entity === 'apos') return "'";
      const code = entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    });
}

function fontsOf(xml: string): string[] {
  const fonts = new Set<string>();
  for (const m of xml.matchAll(/<w:rFonts\b([^>]*)>/g)) {
    for (const a of m[1].matchAll(/w:(?:ascii|hAnsi|cs|eastAsia)="([^"]+)"/g)) fonts.add(a[1]);
  }
  for (const m of xml.matchAll(/<w:font\s+w:name="([^"]+)"/g)) fonts.add(m[1]);
  for (const m of xml.matchAll(/<(?:x:)?name\s+val="([^"]+)"/g)) fonts.add(m[1]);
  return [...fonts];
}

/** pdfjs holds the parsed document beside the bytes: reserve this many times the file size on top. */
const PDF_MEMORY_FACTOR = 3;
const PDF_LIMITS = { maxPages: 500, timeoutMs: 15_000 };

async function extractPdf(attachment: Attachment, ctx: BytesContext): Promise<DocumentText> {
  return withAttachmentBytes(
    attachment,
    ctx,
    async (data) => {
      // Already in an inspection thread (gateway/intake/inspect-pool.ts), the PDF is read where it is.
      const read = isMainThread && attachment.size <= WORKER_MAX_BYTES ? extractPdfTextInWorker : extractPdfText;
      const pdf = await read(data, { ...PDF_LIMITS, maxChars: TEXT_LIMIT, signal: ctx.signal });
      return { file: attachment.filename!, text: pdf.text, fonts: [], textLayer: pdf.hasTextLayer };
    },
    attachment.size * PDF_MEMORY_FACTOR,
  );
}

/** Reads in progress, by the same key: concurrent submissions of one file share the first read. */
const reading = new Map<string, Promise<FileText>>();

async function extract(attachment: Attachment, ctx: BytesContext): Promise<DocumentText | null> {
  const extension = extensionOf(attachment.filename ?? '');
  const readable = (extension === 'pdf' && attachment.detected === 'pdf') || ((extension === 'docx' || extension === 'xlsx') && attachment.detected === 'zip');
  if (!readable) return null;
  const read = async (): Promise<FileText> => {
    const { file: _file, ...text } = await (extension === 'pdf' ? extractPdf(attachment, ctx) : extractOoxml(attachment, extension, ctx));
    // A read cut short by this submission's abort may be partial: it is not kept.
    if (ctx.signal.aborted) throw new Error('aborted');
    return text;
  };
  if (!attachment.sha256) return { file: attachment.filename!, ...(await read()) };
  const key = `${extension}:${attachment.size}:${attachment.sha256}`;
  const hit = cached(key);
  if (hit) return { file: attachment.filename!, ...hit };
  const shared = reading.get(key);
  // Another submission's read failed or was aborted: this one reads for itself, under its own limits.
  const text = shared ? await shared.catch(read) : undefined;
  if (text) return { file: attachment.filename!, ...text };
  const mine = read();
  reading.set(key, mine);
  try {
    const own = await mine;
    remember(key, own);
    return { file: attachment.filename!, ...own };
  } finally {
    if (reading.get(key) === mine) reading.delete(key);
  }
}

function extractOoxml(attachment: Attachment, extension: string, ctx: BytesContext): Promise<DocumentText> {
  return withAttachmentBytes(attachment, ctx, async (data) => {
    const facts = await inspectOoxml(data, LIMITS, { inflated: 0 }, true);
    const textPart = extension === 'docx' ? facts.parts.get('word/document.xml') : facts.parts.get('xl/sharedStrings.xml');
    const text = decodeXmlText(textPart ?? '')
      .slice(0, TEXT_LIMIT)
      .normalize('NFC');
    const fonts = [...facts.parts.values()].flatMap(fontsOf);
    return { file: attachment.filename!, text, fonts: [...new Set(fonts)] };
  });
}

/** The main document's text, or null when there is none, it is not DOCX/XLSX/PDF or cannot be read. Never throws. */
export function mainDocumentText(message: InboundMessage, ctx: BytesContext): Promise<DocumentText | null> {
  let pending = memo.get(message);
  if (!pending) {
    const index = message.mainDocument;
    const attachment = index === null ? null : message.attachments[index];
    pending = attachment ? extract(attachment, ctx).catch(() => null) : Promise.resolve(null);
    memo.set(message, pending);
  }
  return pending;
}
