// Whole-file access for checks that need random access (OLE2, OOXML, archives): the bytes are held
// only while the gateway's memory budget allows, and released as soon as the work is done.

import type { Attachment } from '../message.js';
import { memoryBudgetOf } from '../services.js';
import type { PolicyContext } from '../types.js';

export async function withAttachmentBytes<T>(attachment: Attachment, ctx: Pick<PolicyContext, 'services' | 'signal'>, work: (data: Buffer) => Promise<T>): Promise<T> {
  if (!attachment.content || attachment.size === 0) return work(Buffer.alloc(0));
  const budget = memoryBudgetOf(ctx.services);
  const release = budget ? await budget.reserve(attachment.size, ctx.signal) : () => undefined;
  try {
    const data = await attachment.content.buffer(Number.MAX_SAFE_INTEGER);
    return await work(data);
  } finally {
    release();
  }
}
