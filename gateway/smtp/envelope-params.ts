// MAIL FROM / RCPT TO parameters and address charset, checked before the address itself.
// smtp-server accepts any parameter and non-ASCII addresses without SMTPUTF8 (DESIGN.md "Measured
// facts"); Postfix answers 555 5.5.4 to a parameter it does not know, RFC 6531 wants 553 5.6.7 for
// a UTF-8 address in a transaction that did not declare SMTPUTF8.

import type { SMTPServerAddress } from 'smtp-server';
import { reasonError, type SmtpError } from './reply.js';

/** Parameters of the extensions server.ts lets smtp-server advertise (DSN and REQUIRETLS are hidden). */
const MAIL_PARAMS = new Set(['SIZE', 'BODY', 'SMTPUTF8', 'AUTH']);
const RCPT_PARAMS = new Set<string>();

export function checkEnvelopeAddress(kind: 'mail' | 'rcpt', address: SMTPServerAddress, smtpUtf8: boolean): SmtpError | null {
  const args = address.args && typeof address.args === 'object' ? (address.args as Record<string, unknown>) : {};
  const known = kind === 'mail' ? MAIL_PARAMS : RCPT_PARAMS;
  const unknown = Object.keys(args).find((key) => !known.has(key.toUpperCase()));
  if (unknown !== undefined) {
    return reasonError(
      'protocol-violation',
      { vi: `tham số không được hỗ trợ ${ascii(unknown)}`, en: `unsupported parameter ${ascii(unknown)}` },
      { code: 555, enhanced: '5.5.4' },
    );
  }
  if (!smtpUtf8 && /[^\x00-\x7f]/.test(address.address)) {
    return reasonError('smtputf8-required', ascii(address.address));
  }
  return null;
}

/** What may be echoed on the wire: 7-bit, printable, bounded. */
function ascii(value: string): string {
  return value.replace(/[^\x21-\x7e]/g, '?').slice(0, 64);
}
