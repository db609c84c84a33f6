// The one rule for docgate's own header fields arriving from outside (SMTP DATA, IMAP APPEND): every
// incoming X-Docgate-* field is renamed X-Untrusted-X-Docgate-*, so no client can forge a verdict,
// a signature result, a tracking id or an origin; only the trace block docgate prepends carries them.

const NEUTRALISED_PREFIX = 'X-Untrusted-';
const TRUSTED_HEADER = /^x-docgate-/i;

/** Renames X-Docgate-* fields in a header block (line starts only: a folded continuation is not a field). */
export function neutraliseHeaders(header: Buffer): { bytes: Buffer; count: number } {
  let count = 0;
  const lines = header.toString('latin1').split('\r\n');
  for (let i = 0; i < lines.length; i++) {
    if (TRUSTED_HEADER.test(lines[i])) {
      lines[i] = NEUTRALISED_PREFIX + lines[i];
      count++;
    }
  }
  return count === 0 ? { bytes: header, count } : { bytes: Buffer.from(lines.join('\r\n'), 'latin1'), count };
}
