// Nested IMAP data (lists, strings, NIL, numbers) rendered to response chunks; strings go quoted or
// as literals by content, so hostile header bytes can never break the response syntax.

import { stringValue, type Chunk } from '../protocol/response.js';

/** `adjacent` renders its items with no space between them (multipart bodies, RFC 3501 body-type-mpart). */
export type SExp = null | number | { str: string | Buffer } | { raw: string } | { adjacent: SExp[] } | SExp[];

export const str = (value: string | Buffer | null | undefined): SExp => (value === null || value === undefined ? null : { str: value });

export function render(value: SExp, out: Chunk[] = []): Chunk[] {
  if (value === null) out.push('NIL');
  else if (typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) {
    out.push('(');
    value.forEach((item, i) => {
      if (i > 0) out.push(' ');
      render(item, out);
    });
    out.push(')');
  } else if ('adjacent' in value) for (const item of value.adjacent) render(item, out);
  else if ('raw' in value) out.push(value.raw);
  else out.push(...stringValue(value.str));
  return out;
}
