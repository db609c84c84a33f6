// BODY and BODYSTRUCTURE (RFC 3501 7.4.2) from the stored structure and bytes. Malformed messages get
// a structure all the same: an empty multipart gets a placeholder part, anything that fails falls
// back to a single text/plain body of the whole message. Non-ASCII parameter values (decoded file
// names) are sent as RFC 2047 encoded-words, which every client decodes.

import libmime from 'libmime';
import type { MimeNodeInfo } from '../../../policies/mime/types.js';
import { envelope } from './envelope.js';
import type { MessageView } from './message-view.js';
import { str, type SExp } from './sexp.js';

const MAX_LINE_COUNT_BYTES = 32 * 1024 * 1024;

function paramValue(value: string): SExp {
  if (/^[\x20-\x7e]*$/.test(value)) return str(value);
  try {
    return str(libmime.encodeWord(value, 'B'));
  } catch {
    return str(value.replace(/[^\x20-\x7e]/g, '?'));
  }
}

function params(values: Record<string, string>): SExp {
  const entries = Object.entries(values).filter(([k]) => k !== '' && !/[^\x21-\x7e]/.test(k));
  if (entries.length === 0) return null;
  return entries.slice(0, 100).flatMap(([k, v]) => [str(k.toUpperCase()), paramValue(String(v))]);
}

function disposition(node: MimeNodeInfo): SExp {
  if (!node.disposition || !node.disposition.value) return null;
  return [str(node.disposition.value.toUpperCase()), params(node.disposition.params)];
}

async function lineCount(view: MessageView, start: number, end: number): Promise<number> {
  if (end - start > MAX_LINE_COUNT_BYTES) return 0;
  const bytes = await view.read({ start, end });
  let lines = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) lines++;
  return lines;
}

/**
 * Lines of a text part as Dovecot counts them. The parser counts every line it starts, so inside a
 * multipart the empty line whose CRLF belongs to the next boundary is counted too ("hello\r\n" + boundary
 * would be 2): when the part's body ends with LF, that last counted line is the boundary's.
 */
async function textLines(view: MessageView, n: MimeNodeInfo, range: { start: number; end: number }, topLevel: boolean): Promise<number> {
  if (topLevel || n.bodyLines === 0 || range.end <= range.start) return n.bodyLines;
  const last = await view.read({ start: range.end - 1, end: range.end });
  return last[0] === 0x0a ? n.bodyLines - 1 : n.bodyLines;
}

const PLACEHOLDER: SExp = [str('TEXT'), str('PLAIN'), [str('CHARSET'), str('US-ASCII')], null, null, str('7BIT'), 0, 0];

async function node(view: MessageView, n: MimeNodeInfo, extended: boolean, topLevel: boolean, depth: number): Promise<SExp> {
  if (depth > 64) return PLACEHOLDER;
  const ct = n.contentType;
  if (ct.type === 'multipart') {
    const children: SExp[] = [];
    for (const child of n.children) children.push(await node(view, child, extended, false, depth + 1));
    if (children.length === 0) children.push(extended ? [...(PLACEHOLDER as SExp[]), null, null, null, null] : PLACEHOLDER);
    const out: SExp[] = [{ adjacent: children }, str(ct.subtype.toUpperCase())];
    if (extended) out.push(params(ct.params), disposition(n), null, null);
    return out;
  }
  const range = view.bodyRange(n, topLevel);
  const size = Math.max(0, range.end - range.start);
  const fields: SExp[] = [
    str(ct.type.toUpperCase()),
    str(ct.subtype.toUpperCase()),
    params(ct.params),
    str(n.contentId),
    str(n.description),
    str(n.encoding.toUpperCase()),
    size,
  ];
  if (ct.value === 'message/rfc822' && n.message) {
    const header = await view.read(view.headerRange(n.message, false));
    fields.push(envelope(header), await node(view, n.message, extended, false, depth + 1), await lineCount(view, range.start, range.end));
  } else if (ct.type === 'text') {
    fields.push(await textLines(view, n, range, topLevel));
  }
  if (extended) fields.push(null, disposition(n), null, null);
  return fields;
}

export async function bodyStructure(view: MessageView, extended: boolean): Promise<SExp> {
  try {
    const root = await view.structure();
    return await node(view, root, extended, true, 0);
  } catch {
    const size = Math.max(0, view.size);
    const base: SExp[] = [str('TEXT'), str('PLAIN'), [str('CHARSET'), str('US-ASCII')], null, null, str('7BIT'), size, 0];
    return extended ? [...base, null, null, null, null] : base;
  }
}
