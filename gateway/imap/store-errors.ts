// The one table from storage's refusal codes to IMAP replies: response code and bilingual ASCII text
// (Vietnamese without diacritics / English). Storage says what went wrong; only this file says it on the wire.

import type { StoreErrorCode } from '../../storage/mailbox/store.js';
import { bilingual, no, type Completion } from './command.js';

interface StoreErrorReply {
  /** RFC 5530 response code. */
  code: 'NONEXISTENT' | 'ALREADYEXISTS' | 'CANNOT';
  vi: string;
  en: string;
}

const STORE_ERROR_REPLIES: Record<StoreErrorCode, StoreErrorReply> = {
  'no-such-mailbox': { code: 'NONEXISTENT', vi: 'Thu muc khong ton tai', en: 'No such mailbox' },
  'no-such-target': { code: 'NONEXISTENT', vi: 'Thu muc dich khong ton tai', en: 'Target mailbox does not exist' },
  'no-such-message': { code: 'NONEXISTENT', vi: 'Thu khong ton tai', en: 'No such message' },
  'mailbox-exists': { code: 'ALREADYEXISTS', vi: 'Thu muc da ton tai', en: 'Mailbox already exists' },
  'system-folder': { code: 'CANNOT', vi: 'Khong the xoa hay doi ten thu muc he thong', en: 'System folders cannot be deleted or renamed' },
};

/** `NO [code] text` for a refusal; `code` overrides the response code (TRYCREATE for APPEND/COPY targets). */
export function refusal(error: StoreErrorCode, code?: string): Completion {
  const reply = STORE_ERROR_REPLIES[error];
  return no(bilingual(reply.vi, reply.en), code ?? reply.code);
}
