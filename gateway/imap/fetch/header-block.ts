// A raw header block as fields with their exact bytes (latin1 strings keep every byte), for ENVELOPE
// and BODY[HEADER.FIELDS ...]. Folded lines stay with their field.

export interface RawField {
  /** Lower-case name. */
  key: string;
  /** The field's lines exactly as stored, CRLF included. */
  raw: string;
  /** Unfolded value (latin1, bytes preserved). */
  value: string;
}

export function splitHeader(block: Buffer): RawField[] {
  const text = block.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  const fields: RawField[] = [];
  for (const line of lines) {
    if (line === '\r\n' || line === '\n') break;
    if ((line[0] === ' ' || line[0] === '\t') && fields.length > 0) {
      const last = fields[fields.length - 1];
      last.raw += line;
      last.value += line.replace(/\r?\n$/, '');
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ key: line.slice(0, colon).trim().toLowerCase(), raw: line, value: line.slice(colon + 1).replace(/\r?\n$/, '') });
  }
  for (const f of fields) f.value = f.value.replace(/\r?\n/g, '').trim();
  return fields;
}

export function fieldValue(fields: RawField[], key: string): string | null {
  const f = fields.find((x) => x.key === key);
  return f ? f.value : null;
}

/** The selected fields (or all but them) followed by the blank line (RFC 3501 6.4.5). */
export function filterFields(block: Buffer, names: string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const fields = splitHeader(block).filter((f) => wanted.has(f.key) !== not);
  return Buffer.from(fields.map((f) => (f.raw.endsWith('\n') ? f.raw : `${f.raw}\r\n`)).join('') + '\r\n', 'latin1');
}
