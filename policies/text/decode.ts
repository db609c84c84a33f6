// Bytes of a text part to a JS string by its declared charset, shared by the checks and IMAP SEARCH.

import iconv from 'iconv-lite';
import { nfc } from './vietnamese.js';

/**
 * Text of a part in its declared charset, NFC. Unknown charsets, and us-ascii (the default when none is
 * declared), are read as UTF-8: clients send 8-bit UTF-8 under both, and pure ASCII reads the same.
 */
export function decodeText(data: Buffer, charset: string | undefined): string {
  const name = (charset ?? 'utf-8').trim().toLowerCase();
  const known = name !== 'us-ascii' && iconv.encodingExists(name) ? name : 'utf-8';
  return nfc(iconv.decode(data, known));
}
