// docgate's trace header block, prepended to the stored bytes: Received (RFC 5321 4.4) and the
// X-Docgate-* fields that only docgate may write (incoming ones were renamed at spooling).

import { randomBytes } from 'node:crypto';
import { zonedParts } from '../../policies/text/dates.js';

const BASE32 = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Wed, 25 Nov 2026 18:30:50 +0700" in the given time zone (RFC 5322 3.3). */
export function rfc5322Date(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.weekday}, ${p.day} ${MONTHS[Number(p.month) - 1]} ${p.year} ${p.hour}:${p.minute}:${p.second} ${p.offset}`;
}

/** Tracking id: DG + local date + 10 random base32 characters, e.g. DG20261125-K3J9QX7MZA. */
export function newTrackingId(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  const bytes = randomBytes(10);
  let suffix = '';
  for (const byte of bytes) suffix += BASE32[byte & 31];
  return `DG${p.year}${p.month}${p.day}-${suffix}`;
}

/** Keeps client-supplied tokens (HELO name, cipher) to characters that cannot break a header. */
function token(value: string | undefined, fallback: string): string {
  const cleaned = (value ?? '').replace(/[^A-Za-z0-9.:_\-[\]]/g, '').slice(0, 255);
  return cleaned || fallback;
}

function addressToken(value: string): string {
  return value.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]/g, '').slice(0, 254) || 'unknown';
}

export interface TraceInput {
  trackingId: string;
  receivedAt: Date;
  timeZone: string;
  hostname: string;
  helo: string | undefined;
  remoteAddress: string;
  tlsProtocol: string | undefined;
  tlsCipher: string | undefined;
  account: string;
  recipients: string[];
  warnings: string[];
  extraFields?: string[];
}

/** The header block as CRLF-terminated lines (ASCII). */
export function traceHeaders(input: TraceInput): string {
  const tls = input.tlsProtocol ? ` (${token(input.tlsProtocol, 'TLS')} ${token(input.tlsCipher, '')})`.replace(/ \)$/, ')') : '';
  const forClause = input.recipients.length === 1 ? `\r\n\tfor <${addressToken(input.recipients[0])}>` : '';
  const lines = [
    `Received: from ${token(input.helo, 'unknown')} ([${token(input.remoteAddress, 'unknown')}])\r\n` +
      `\tby ${token(input.hostname, 'docgate')} (docgate) with ESMTPSA${tls} id ${input.trackingId}\r\n` +
      `\t(authenticated as ${addressToken(input.account)})${forClause};\r\n` +
      `\t${rfc5322Date(input.receivedAt, input.timeZone)}`,
    `X-Docgate-Tracking-Id: ${input.trackingId}`,
    ...input.warnings.map((code) => `X-Docgate-Warning: ${code}`),
    ...(input.extraFields ?? []),
  ];
  return lines.join('\r\n') + '\r\n';
}
