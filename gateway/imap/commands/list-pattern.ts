// LIST's reference and mailbox pattern (RFC 3501 6.3.8), shared by LIST, LSUB and LIST-EXTENDED.

import { astring, mailboxFromWire, type Cursor, type ParseContext } from '../protocol/args.js';
import { BadCommand } from '../protocol/tokens.js';
import { compilePattern, matchPattern } from '../protocol/wildcard.js';

export function listPattern(c: Cursor, ctx: ParseContext): string | null {
  const t = c.next('mailbox pattern');
  const raw = t.type === 'string' || (t.type === 'atom' && !t.section) ? t.value : null;
  if (raw === null) throw new BadCommand('Expected a mailbox pattern');
  if (raw === '') return '';
  // A pattern that is not valid modified UTF-7 matches no mailbox (null): LIST answers OK with nothing.
  try {
    return mailboxFromWire(raw, ctx);
  } catch (err) {
    if (err instanceof BadCommand && err.status === 'NO') return null;
    throw err;
  }
}

export function reference(c: Cursor, ctx: ParseContext): string {
  const raw = astring(c, 'reference');
  return raw === '' ? '' : mailboxFromWire(raw, ctx);
}

/** The reference and the pattern as one pattern (RFC 3501 6.3.8). */
export function fullPattern(ref: string, pattern: string): string {
  return ref && !pattern.startsWith('/') ? `${ref.replace(/\/$/, '')}/${pattern}` : pattern;
}

/** A linear-time matcher for one pattern; INBOX matches case-insensitively (RFC 3501 5.1). */
export function mailboxMatcher(full: string): (name: string) => boolean {
  const pattern = compilePattern(full);
  const inboxPattern = compilePattern(full.replace(/^inbox(?=\/|$)/i, 'INBOX'));
  return (name) => matchPattern(pattern, name) || (name.startsWith('INBOX') && matchPattern(inboxPattern, name));
}
