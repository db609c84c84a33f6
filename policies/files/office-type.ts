// The registered MIME type of an Office file from its structure, finer than its magic number: a zip
// whose [Content_Types].xml names a Word main part is a .docx, not application/zip (the register
// records this type). Unreadable or foreign files give null: the magic-number type stands.

import { inspectOle2 } from './ole2.js';
import { inspectOoxml } from './ooxml.js';
import type { SniffedKind } from './sniff.js';

const OOXML_MIME: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docm: 'application/vnd.ms-word.document.macroEnabled.12',
  xlsm: 'application/vnd.ms-excel.sheet.macroEnabled.12',
};
const OLE2_MIME: Record<string, string> = { word: 'application/msword', excel: 'application/vnd.ms-excel' };

/** Only [Content_Types].xml is inflated, so small caps suffice; a bomb just stays application/zip. */
const LIMITS = { maxEntries: 10_000, maxMemberSize: 1024 * 1024, maxTotalSize: 4 * 1024 * 1024, maxRatio: 1000, ratioFloor: 1024 * 1024, maxDictionary: 0 };

export async function officeType(kind: SniffedKind, data: Buffer): Promise<string | null> {
  try {
    if (kind === 'zip') {
      const facts = await inspectOoxml(data, LIMITS, { inflated: 0 });
      return facts.isPackage ? (OOXML_MIME[facts.kind] ?? null) : null;
    }
    if (kind === 'ole2') {
      const facts = inspectOle2(data);
      return facts.ok ? (OLE2_MIME[facts.application] ?? null) : null;
    }
  } catch {
    // A file that cannot be read as a package is judged by the attachment checks, not here.
  }
  return null;
}
