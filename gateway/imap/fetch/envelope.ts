// ENVELOPE (RFC 3501 7.4.2) from a raw header block. Strings are the header text as stored (encoded
// words are not decoded, 8-bit bytes pass through as literals); addresses via nodemailer's parser.

import addressparser from 'nodemailer/lib/addressparser';
import { fieldValue, splitHeader } from './header-block.js';
import { str, type SExp } from './sexp.js';

type Parsed = { name?: string; address?: string; group?: Parsed[] };

function bytes(text: string | undefined | null): SExp {
  return text === undefined || text === null || text === '' ? null : str(Buffer.from(text, 'latin1'));
}

function address(a: Parsed, routes: Map<string, string>): SExp {
  const at = (a.address ?? '').lastIndexOf('@');
  const mailbox = at === -1 ? (a.address ?? '') : a.address!.slice(0, at);
  const host = at === -1 ? null : a.address!.slice(at + 1);
  return [bytes(a.name), bytes(routes.get(a.address ?? '')), bytes(mailbox) ?? str(''), host === null ? null : (bytes(host) ?? str(''))];
}

function addressList(value: string | null): SExp {
  if (value === null || value.trim() === '') return null;
  // addressparser drops an obsolete source route (<@route:user@host>, RFC 5322 4.4): keep it aside for
  // the envelope's adl field. Bounded: the header value is already size-limited, the regex is linear.
  const routes = new Map<string, string>();
  const stripped = value.replace(/<\s*(@[^<>:"]{1,500}):([^<>:"@\s]{1,500}@[^<>"\s]{1,500})\s*>/g, (_m, route: string, addr: string) => {
    routes.set(addr, route);
    return `<${addr}>`;
  });
  let parsed: Parsed[];
  try {
    parsed = addressparser(stripped);
  } catch {
    return null;
  }
  const out: SExp[] = [];
  for (const a of parsed.slice(0, 1000)) {
    if (a.group) {
      out.push([null, null, bytes(a.name) ?? str(''), null]);
      // A comment-only member ("group2: (foo) ;") parses as a name without an address: not an address.
      for (const member of a.group.slice(0, 1000)) if (member.address) out.push(address(member, routes));
      out.push([null, null, null, null]);
    } else if (a.address) out.push(address(a, routes));
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
