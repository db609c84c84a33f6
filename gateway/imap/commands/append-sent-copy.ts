// Thunderbird and Outlook APPEND a copy of every message they send to the \Sent folder, "Văn bản đi",
// where docgate already filed the sender's copy at SMTP intake. Such an APPEND stores nothing: its
// answer names the copy already there (APPENDUID of the existing message), so the folder keeps one.

import { headerValue } from '../../../policies/mime/headers.js';
import type { MimeNode } from '../../../policies/mime/parser.js';
import { FOLDERS } from '../../../storage/mailbox/folders.js';
import type { MailboxEvents } from '../../events.js';
import type { MailboxInfo, MailboxStore } from '../../../storage/mailbox/store.js';

/** UID of the existing copy when `root` is the client's copy of a document this agency sent, else null. */
export async function existingSentCopy(store: MailboxStore, target: MailboxInfo, root: MimeNode): Promise<number | null> {
  if (target.name !== FOLDERS.sent.name) return null;
  const messageId = headerValue(root.headers, 'message-id')?.trim();
  if (!messageId) return null;
  return store.sentCopyUid(target.id, target.agencyId, messageId);
}

/** The client's flags (Thunderbird appends \Seen) go on the existing copy, so it shows as the client meant. */
export async function flagSentCopy(store: MailboxStore, events: MailboxEvents, target: MailboxInfo, uid: number, flags: string[]): Promise<void> {
  if (flags.length === 0) return;
  const result = await store.storeFlags(target.id, [uid], 'add', flags);
  for (const s of result.changed) events.publish({ mailboxId: target.id, agencyId: target.agencyId, uid: s.uid, modseq: s.modseq, kind: 'flags' });
}
