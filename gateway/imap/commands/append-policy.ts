// What a clerk's APPEND may plant. INBOX (documents delivered through the policy) and Thông báo
// (docgate's own notices) only receive what docgate itself delivered: APPEND there is refused. In any
// other folder the copy is stored, but as a client copy: incoming X-Docgate-* fields renamed exactly as
// at SMTP intake (policies/mime/trust-headers.ts), and messages.origin = 'client-append'. The origin is
// a column, not a header, because APPEND must return the client's bytes (imaptest, mbsync check them).

import { open } from 'node:fs/promises';
import { neutraliseHeaders } from '../../../policies/mime/trust-headers.js';
import { FOLDERS } from '../../../storage/mailbox/folders.js';
import type { MessageOrigin } from '../../../storage/rows.js';
import { SpoolWriter, type SpooledFile } from '../../../storage/mailbox/spool-file.js';

/** messages.origin of every appended message: a client copy, never a verified document. */
export const CLIENT_APPEND_ORIGIN: MessageOrigin = 'client-append';

const DELIVERY_ONLY = new Set<string>([FOLDERS.inbox.name, FOLDERS.notices.name]);

/** Bilingual refusal text when the folder only takes docgate's own deliveries, else null. */
export function appendRefusal(mailboxName: string): { vi: string; en: string } | null {
  if (!DELIVERY_ONLY.has(mailboxName)) return null;
  return {
    vi: 'Khong the them thu vao thu muc nay: chi nhan van ban qua cong (gui bang SMTP)',
    en: 'Messages cannot be appended to this folder: it only receives documents through the gateway (submit by SMTP)',
  };
}

const COPY_CHUNK = 256 * 1024;

/**
 * The file with its X-Docgate-* header fields renamed: the same file when there are none, else a new
 * fsynced spool file (header rewritten, body copied as is) that the caller adopts or removes.
 */
export async function neutraliseAppended(file: SpooledFile, bodyStart: number, spoolDir: string): Promise<SpooledFile> {
  const source = await open(file.path, 'r');
  try {
    const header = Buffer.alloc(Math.min(bodyStart, file.size));
    await source.read(header, 0, header.length, 0);
    const renamed = neutraliseHeaders(header);
    if (renamed.count === 0) return file;
    const writer = await SpoolWriter.create(spoolDir, 'imap-append');
    try {
      await writer.write(renamed.bytes);
      const chunk = Buffer.alloc(COPY_CHUNK);
      for (let at = header.length; at < file.size;) {
        const { bytesRead } = await source.read(chunk, 0, Math.min(COPY_CHUNK, file.size - at), at);
        if (bytesRead === 0) throw new Error('append: spool file shorter than its size');
        await writer.write(Buffer.from(chunk.subarray(0, bytesRead)));
        at += bytesRead;
      }
      return await writer.finish();
    } catch (err) {
      await writer.abort();
      throw err;
    }
  } finally {
    await source.close();
  }
}
