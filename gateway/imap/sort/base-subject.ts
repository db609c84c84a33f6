// The base subject of RFC 5256 2.1, for SORT SUBJECT: encoded words decoded, "Re:", "Fwd:", "[list]"
// prefixes, "(fwd)" trailers and "[Fwd: ...]" wrappers removed, case folded.

const TRAILER = /(?:\s+|\(fwd\))$/i;
const BLOB = '\\[[^[\\]]*\\]\\s*';
const LEADER = new RegExp(`^(?:\\s+|(?:${BLOB})*(?:re|fwd?)\\s*(?:${BLOB})?:)`, 'i');
const LEADING_BLOB = new RegExp(`^${BLOB}`);
// Each step removes at least one character; the bound only guards against a regex surprise.
const MAX_STEPS = 10_000;

export function baseSubject(decoded: string): string {
  let s = decoded.replace(/[\t\r\n]+/g, ' ').replace(/ {2,}/g, ' ');
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    // (2) trailers.
    while (TRAILER.test(s)) s = s.replace(TRAILER, '');
    // (3)-(5) leaders, and a leading [blob] when something remains after it.
    for (;;) {
      const leader = LEADER.exec(s);
      if (leader && leader[0].length > 0) {
        s = s.slice(leader[0].length);
        continue;
      }
      const blob = LEADING_BLOB.exec(s);
      if (blob && s.length > blob[0].length) {
        s = s.slice(blob[0].length);
        continue;
      }
      break;
    }
    // (6) "[fwd: ...]" wrapper, then again from (2).
    if (/^\[fwd:/i.test(s) && s.endsWith(']')) {
      s = s.slice(5, -1);
      continue;
    }
    break;
  }
  // i;unicode-casemap compares title case, so "[" and "_" sort after letters.
  return s.normalize('NFC').toUpperCase();
}
