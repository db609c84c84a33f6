// Vietnamese text helpers shared by metadata parsing, policy checks and SMTP replies.

/** NFC form: what TCVN 6909 text looks like once normalised (NFD input must match NFC rules). */
export function nfc(text: string): string {
  return text.normalize('NFC');
}

/** Strips diacritics ("Hỏa tốc" → "Hoa toc", "Đ" → "D") for label matching and ASCII replies. */
export function removeDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

/**
 * 7-bit printable ASCII for an SMTP reply line (RFC 5321): diacritics removed, control characters and
 * anything still outside ASCII replaced, so a hostile file name can neither break the line nor smuggle bytes.
 */
export function toReplyAscii(text: string, maxLength = 400): string {
  const folded = removeDiacritics(text).replace(/[^\x20-\x7e]/g, '?');
  return folded.length > maxLength ? folded.slice(0, maxLength - 3) + '...' : folded;
}

/** Lower-case, diacritics-free, single-spaced key for comparing labels and marks. */
export function foldKey(text: string): string {
  return removeDiacritics(nfc(text)).toLowerCase().replace(/\s+/g, ' ').trim();
}
