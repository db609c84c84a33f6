// Quy chế Điều 6: every file of the submission, and every member of its archives, recursively, must
// have an allowed extension and really be of that type, without macros, scripts or PDF actions,
// readable (not encrypted), with a sane name and a declared Content-Type that agrees with it; files inside an embedded message/rfc822 are refused
// (nothing forwarded inside a forward escapes inspection); a submission without any document is
// `missing-document`. The rules themselves are in policies/files/inspect.ts.

import { z } from 'zod';
import { inspectFile, type FileRules, type InspectState } from '../files/inspect.js';
import { withAttachmentBytes } from '../files/content.js';
import { declaredTypeConflict } from '../files/declared-type.js';
import { extensionOf } from '../files/names.js';
import { sizeSchema } from '../../config/units.js';
import type { CheckDefinition, Finding } from '../types.js';
import { DEFAULT_ALLOWED_EXTENSIONS } from '../files/main-document.js';

const options = z.strictObject({
  /** Case-insensitive, without the dot. */
  allowedExtensions: z
    .array(z.string().regex(/^[a-z0-9]{1,10}$/i))
    .min(1)
    .default(DEFAULT_ALLOWED_EXTENSIONS),
  archives: z
    .strictObject({
      /** Archives inside archives: 1 = a zip may not contain another archive. */
      maxDepth: z.number().int().min(1).max(5).default(2),
      maxEntries: z.number().int().min(1).max(100_000).default(1000),
      maxMemberSize: sizeSchema.default(64 * 1024 * 1024),
      maxTotalSize: sizeSchema.default(128 * 1024 * 1024),
      maxRatio: z.number().min(2).default(200),
      /** Members smaller than this are not held to maxRatio (small XML compresses very well). */
      ratioFloor: sizeSchema.default(1024 * 1024),
      /** RAR decompression window unrar may allocate (WinRAR's default is 32 MiB). */
      maxDictionary: sizeSchema.default(64 * 1024 * 1024),
    })
    .prefault({}),
  pdf: z
    .strictObject({
      allowEncrypted: z.boolean().default(false),
      maxInflate: sizeSchema.default(64 * 1024 * 1024),
    })
    .prefault({}),
});

export type AttachmentsOptions = z.output<typeof options>;

export function fileRulesFrom(o: AttachmentsOptions): FileRules {
  return { allowed: new Set(o.allowedExtensions.map((e) => e.toLowerCase())), archive: o.archives, pdf: o.pdf };
}

export const attachmentsCheck: CheckDefinition<AttachmentsOptions, 'memoryBudget'> = {
  id: 'attachments',
  stage: 'content',
  description: 'Tep dinh kem dung loai, dung noi dung, khong ma thuc thi / attachments: allowed, genuine, inert',
  options,
  needs: ['memoryBudget'],
  timeoutMs: 60_000,
  documentExtensions: (o) => o.allowedExtensions,
  async run(message, ctx) {
    const rules = fileRulesFrom(ctx.options);
    const state: InspectState = { counter: { inflated: 0 }, findings: [], signal: ctx.signal, maxFindings: 20 };
    for (const attachment of message.attachments) {
      const label = attachment.filename ?? `(part ${attachment.path})`;
      if (attachment.insideMessage) {
        state.findings.push({ code: 'attachment-type', subject: label, details: { file: label, problem: 'file inside an embedded message (message/rfc822)' } });
        continue;
      }
      const declared = attachment.filename === null ? null : declaredTypeConflict(attachment.filename, attachment.declaredType);
      if (declared !== null) {
        state.findings.push({ code: 'attachment-content-mismatch', subject: label, details: { file: label, problem: `declared as ${declared}` } });
        continue;
      }
      await withAttachmentBytes(attachment, ctx, (data) => inspectFile(label, attachment.filename, data, rules, state));
    }
    const findings: Finding[] = [...state.findings];
    const hasDocument = message.attachments.some((a) => !a.insideMessage && a.filename !== null && rules.allowed.has(extensionOf(a.filename)));
    if (!hasDocument) findings.push({ code: 'missing-document', details: { attachments: message.attachments.length } });
    return { findings, data: { files: message.attachments.length, inflatedBytes: state.counter.inflated } };
  },
};
