// Whole-file access for checks that need random access (OLE2, OOXML, archives): the bytes are held
// only while the gateway's memory budget allows, and released as soon as the work is done.

import type { Attachment } from '../message.js';
import type { ServicesOf } from '../services.js';

/** What a caller passes: a check's context, which has the budget when the check declares `needs: ['memoryBudget']`. */
export interface BytesContext {
  services: ServicesOf<'memoryBudget'>;
  signal: AbortSignal;
}

/**
 * `alsoHold`: more bytes the work needs beside the file (a parser's own objects), reserved with it in one
 * go. Two reservations one after the other would hold the first while waiting for the second, and
 * submissions doing that at once wait for one another until their checks time out.
 */
export async function withAttachmentBytes<T>(attachment: Attachment, ctx: BytesContext, work: (data: Buffer) => Promise<T>, alsoHold = 0): Promise<T> {
  if (!attachment.content || attachment.size === 0) return work(Buffer.alloc(0));
  const release = await ctx.services.memoryBudget.reserve(attachment.size + alsoHold, ctx.signal);
  try {
    const data = await attachment.content.buffer(Number.MAX_SAFE_INTEGER);
    return await work(data);
  } finally {
    release();
  }
}
