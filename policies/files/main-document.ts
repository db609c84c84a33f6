// Which attachment is the main document (DESIGN.md "Document metadata"), and the document file types
// the attachments check allows by default.

import type { Attachment } from '../message.js';
import type { DocumentMetadata } from '../metadata/form.js';
import { nfc } from '../text/vietnamese.js';

export const DEFAULT_ALLOWED_EXTENSIONS = ['doc', 'docx', 'xls', 'xlsx', 'pdf', 'zip', 'rar'];

/** DESIGN.md: the first attachment of an allowed type is the main document unless a form line names it. */
export function selectMainDocument(
  attachments: Attachment[],
  metadata: DocumentMetadata,
  allowed: readonly string[] = DEFAULT_ALLOWED_EXTENSIONS,
): number | null {
  const candidates = attachments.map((a, i) => ({ a, i })).filter(({ a }) => !a.insideMessage && a.filename !== null);
  if (metadata.mainFile) {
    const wanted = nfc(metadata.mainFile).trim().toLowerCase();
    const named = candidates.find(({ a }) => a.filename!.trim().toLowerCase() === wanted);
    if (named) return named.i;
  }
  const types = new Set(allowed.map((e) => e.toLowerCase()));
  const first = candidates.find(({ a }) => {
    const dot = a.filename!.lastIndexOf('.');
    return dot > 0 && types.has(a.filename!.slice(dot + 1).toLowerCase());
  });
  return first ? first.i : null;
}
