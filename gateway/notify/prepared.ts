// A message docgate wrote (reminder, recall request, answer notice) made ready for recordNotice: stored
// as an fsynced blob before any transaction refers to it, with its MIME structure and header block.

import { parseMimeBuffer, structureOf } from '../../policies/mime/parser.js';
import type { Storage } from '../../storage/index.js';
import { storeBlob } from '../../storage/mailbox/spool-file.js';
import { headerBlockOf } from '../intake/header-block.js';

export interface PreparedNotice {
  blob: { sha256: string; size: number; syncDirs: string[] };
  structure: string;
  header: Buffer | null;
}

export async function prepareNotice(storage: Storage, kind: string, bytes: Buffer): Promise<PreparedNotice> {
  const parsed = await parseMimeBuffer(bytes, { decode: false });
  const blob = await storeBlob(storage.blobs, storage.spoolDir, kind, bytes);
  return { blob, structure: JSON.stringify(structureOf(parsed.root)), header: headerBlockOf(bytes, parsed.root.bodyStart) };
}

/** The recordNotice fields of a prepared message. */
export function noticeFields(p: PreparedNotice): { blobSha256: string; blobSize: number; structure: string; header: Buffer | null } {
  return { blobSha256: p.blob.sha256, blobSize: p.blob.size, structure: p.structure, header: p.header };
}
