// Raw submissions built the way real mail clients write them: Thunderbird's format=flowed plain text
// (RFC 3676 soft breaks at 72 columns, space-stuffing), Outlook's HTML-only body, multipart/alternative,
// with the body part as given (charset, transfer encoding) and a PDF attachment.

import { AGENCIES } from './env.js';
import { fixture } from './policy.js';

/** RFC 3676 encoder as Thunderbird does it: soft breaks after a space at `width`, DelSp=yes breaks anywhere. */
export function encodeFlowed(text: string, options: { width?: number; delSp?: boolean } = {}): string {
  const width = options.width ?? 72;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let rest = line;
    const pieces: string[] = [];
    while ([...rest].length > width) {
      const chars = [...rest];
      let cut: number;
      if (options.delSp) cut = width;
      else {
        const space = chars.slice(0, width).lastIndexOf(' ');
        if (space <= 0) break;
        cut = space + 1;
      }
      pieces.push(chars.slice(0, cut).join('') + (options.delSp ? ' ' : ''));
      rest = chars.slice(cut).join('');
    }
    pieces.push(rest);
    // Space-stuffing: a line that starts with a space, ">" or "From " gets one leading space.
    out.push(...pieces.map((p) => (/^( |>|From )/.test(p) ? ` ${p}` : p)));
  }
  return out.join('\r\n');
}

export interface BodyPart {
  contentType: string;
  transferEncoding?: '8bit' | '7bit' | 'quoted-printable' | 'base64';
  body: Buffer;
}

const qpEncode = (data: Buffer): string =>
  [...data]
    .map((b) =>
      b === 0x0a
        ? '\n'
        : b === 0x0d
          ? ''
          : (b >= 0x21 && b <= 0x7e && b !== 0x3d) || b === 0x20
            ? String.fromCharCode(b)
            : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('')
    .split('\n')
    // A space before a line break is written =20: decoders drop trailing white space (RFC 2045 6.7).
    .map((line) => line.replace(/ $/, '=20'))
    .flatMap((line) => {
      // Soft line breaks keep QP lines under 76 characters, never inside an =XX escape.
      const out: string[] = [];
      let rest = line;
      while (rest.length > 75) {
        let cut = 74;
        while (rest[cut - 1] === '=' || rest[cut - 2] === '=') cut--;
        out.push(rest.slice(0, cut) + '=');
        rest = rest.slice(cut);
      }
      out.push(rest);
      return out;
    })
    .join('\r\n');

function encodePart(part: BodyPart): string[] {
  const cte = part.transferEncoding ?? '8bit';
  const body =
    cte === 'base64'
      ? part.body.toString('base64').replace(/.{76}/g, '$&\r\n')
      : cte === 'quoted-printable'
        ? qpEncode(part.body)
        : part.body.toString('latin1');
  return [`Content-Type: ${part.contentType}`, `Content-Transfer-Encoding: ${cte}`, '', body];
}

/** A multipart/mixed submission: the body (one part, or alternatives) and qd.pdf. Header lines are ASCII or latin1. */
export function clientMessage(options: { messageId: string; subject: string; body: BodyPart | BodyPart[]; extraHeaders?: string[] }): Buffer {
  const lines = [
    `From: =?UTF-8?B?${Buffer.from('Văn thư UBND').toString('base64')}?= <${AGENCIES.ubnd.address}>`,
    `To: ${AGENCIES.snv.address}`,
    `Message-ID: ${options.messageId}`,
    'Date: Sat, 21 Nov 2026 10:00:00 +0700',
    `Subject: ${options.subject}`,
    'MIME-Version: 1.0',
    'User-Agent: Mozilla Thunderbird',
    ...(options.extraHeaders ?? []),
    'Content-Type: multipart/mixed; boundary="------------mixed"',
    '',
    'This is a multi-part message in MIME format.',
    '--------------mixed',
  ];
  if (Array.isArray(options.body)) {
    lines.push('Content-Type: multipart/alternative; boundary="------------alt"', '', '--------------alt');
    const parts = options.body;
    parts.forEach((part, i) => lines.push(...encodePart(part), i === parts.length - 1 ? '--------------alt--' : '--------------alt'));
    lines.push('');
  } else lines.push(...encodePart(options.body));
  lines.push(
    '--------------mixed',
    'Content-Type: application/pdf; name="qd.pdf"',
    'Content-Disposition: attachment; filename="qd.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    fixture('qd-05.pdf').toString('base64').replace(/.{76}/g, '$&\r\n'),
    '',
    '--------------mixed--',
    '',
  );
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

export const utf8Subject = (text: string): string => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
