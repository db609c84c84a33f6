// ENVELOPE, BODY and BODYSTRUCTURE as response bytes. They depend on the stored message alone, so they
// are rendered once (APPEND renders them before storing, FETCH renders what an older row lacks and the
// store keeps it: messages.imap_*) and served from then on as stored bytes, like Dovecot's cache file.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { readFileRange } from '../../../config/file-io.js';
import type { ImapRendering, MessageContent, RenderedItem } from '../../../storage/mailbox/store.js';
import type { Chunk } from '../protocol/response.js';
import { bodyStructure } from './bodystructure.js';
import { envelope } from './envelope.js';
import { HeaderCache } from './header-cache.js';
import { MessageView, type ByteSource } from './message-view.js';
import { render } from './sexp.js';

export const RENDERED_ITEMS: readonly RenderedItem[] = ['ENVELOPE', 'BODY', 'BODYSTRUCTURE'];

function bytesOf(chunks: Chunk[]): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : (c as Buffer))));
}

/** One item's response bytes (after "ENVELOPE ", "BODY " or "BODYSTRUCTURE "), as FETCH sends them. */
export async function renderItem(view: MessageView, item: RenderedItem): Promise<Buffer> {
  if (item === 'ENVELOPE') return bytesOf(render(envelope(await view.topHeader())));
  return bytesOf(render(await bodyStructure(view, item === 'BODYSTRUCTURE')));
}

/** All three items of a message. */
async function renderAll(view: MessageView): Promise<ImapRendering> {
  const out: ImapRendering = {};
  for (const item of RENDERED_ITEMS) out[item] = await renderItem(view, item);
  return out;
}

/** The served bytes of a message held in memory (a bench seed, a test corpus). */
export function bufferSource(bytes: Buffer): ByteSource {
  return {
    read: async (_c: MessageContent, start: number, end: number) => bytes.subarray(start, end),
    stream: (_c: MessageContent, start: number, end: number) => Readable.from([bytes.subarray(start, end)]),
  };
}

/** The served bytes of a message in a spooled file (APPEND's literal, before the store adopts it). */
export function fileSource(file: string): ByteSource {
  return {
    read: (_c: MessageContent, start: number, end: number) => readFileRange(file, start, end),
    stream: (_c: MessageContent, start: number, end: number) => (end > start ? createReadStream(file, { start, end: end - 1 }) : Readable.from([])),
  };
}

/** Renders a message that is not stored yet from its bytes, structure and header block. */
export function renderUnstored(source: ByteSource, content: Omit<MessageContent, 'id' | 'rendered'>): Promise<ImapRendering> {
  return renderAll(new MessageView(source, { ...content, id: 0, rendered: {} }, new HeaderCache(1 << 20)));
}
