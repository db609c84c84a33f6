// ENVELOPE (RFC 3501 7.4.2) from a raw header block. Strings are the header text as stored (encoded
// words are not decoded, 8-bit bytes pass through as literals); addresses via nodemailer's parser.

import addressparser from 'nodemailer/lib/addressparser';
import { fieldValue, splitHeader } from './header-block.js';
import { str, type SExp } from './sexp.js';

type Parsed = { name?: string; address?: string; group?: Parsed[] };

function bytes(text: string | undefined | null): SExp {
  return text === undefined || text === null || text === '' ? null : str(Buffer.from(text, 'latin1'));
}

function address(a: Parsed): SExp {
  const at = (a.address ?? '').lastIndexOf('@');
  const mailbox = at === -1 ? (a.address ?? '') : a.address!.slice(0, at);
  const host = at === -1 ? null : a.address!.slice(at + 1);
  return [bytes(a.name), null, bytes(mailbox) ?? str(''), host === null ? null : bytes(host) ?? str('')];
}

export function addressList(value: string | null): SExp {
  if (value === null || value.trim() === '') return null;
  let parsed: Parsed[];
  try {
    parsed = addressparser(value) as Parsed[];
  } catch {
    return null;
  }
  const out: SExp[] = [];
  for (const a of parsed.slice(0, 1000)) {
    if (a.group) {
      out.push([null, null, bytes(a.name) ?? str(''), null]);
      for (const member of a.group.slice(0, 1000)) out.push(address(member));
      out.push([null, null, null, null]);
    } else if (a.address || a.name) out.push(address(a));
  }
  return out.length > 0 ? out : null;
}

export function envelope(header: Buffer): SExp {
  const fields = splitHeader(header);
  const from = addressList(fieldValue(fields, 'from'));
  const sender = addressList(fieldValue(fields, 'sender')) ?? from;
  const replyTo = addressList(fieldValue(fields, 'reply-to')) ?? from;
  return [
    bytes(fieldValue(fields, 'date')),
    bytes(fieldValue(fields, 'subject')),
    from,
    sender,
    replyTo,
    addressList(fieldValue(fields, 'to')),
    addressList(fieldValue(fields, 'cc')),
    addressList(fieldValue(fields, 'bcc')),
    bytes(fieldValue(fields, 'in-reply-to')),
    bytes(fieldValue(fields, 'message-id')),
  ];
}
