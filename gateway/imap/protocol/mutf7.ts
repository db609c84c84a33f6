// Mailbox names on the wire: modified UTF-7 (RFC 3501 5.1.3) unless the client enabled UTF8=ACCEPT
// (RFC 6855). The utf7 package converts; a name is accepted only in its canonical encoding, so each
// folder has exactly one wire form and Vietnamese names round-trip.

import utf7 from 'utf7';

export function encodeMailboxName(name: string): string {
  return utf7.imap.encode(name);
}

/** The decoded name, or null when the text is not canonical modified UTF-7. */
export function decodeMailboxName(wire: string): string | null {
  if (/[^\x20-\x7e]/.test(wire)) return null;
  if (!/^(?:[^&]|&-|&[A-Za-z0-9+,]+-)*$/.test(wire)) return null;
  let decoded: string;
  try {
    decoded = utf7.imap.decode(wire);
  } catch {
    return null;
  }
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(decoded)) return null;
  return encodeMailboxName(decoded) === wire ? decoded.normalize('NFC') : null;
}
