// RFC 3676 format=flowed decoding: Thunderbird soft-wraps long lines with a trailing space, so a long
// "Trích yếu:" form line arrives as several lines that must be joined before form lines are read.

/** Joins soft line breaks (a line ending in a space), undoes space-stuffing; DelSp=yes drops that space. */
export function decodeFlowed(text: string, delSp = false): string {
  const out: string[] = [];
  let pending: { depth: number; text: string } | null = null;
  for (const raw of text.split(/\r?\n/)) {
    let depth = 0;
    while (depth < raw.length && raw[depth] === '>') depth++;
    let line = raw.slice(depth);
    // Space-stuffing (RFC 3676 §4.4): one leading space was added by the sender; it is not content.
    if (line.startsWith(' ')) line = line.slice(1);
    // The signature separator "-- " is always a fixed line (§4.3).
    const flowed = line.endsWith(' ') && line !== '-- ';
    if (flowed && delSp) line = line.slice(0, -1);
    if (pending && pending.depth !== depth) {
      // A change of quote depth ends a paragraph even after a soft break (§4.5).
      out.push(render(pending));
      pending = null;
    }
    const joined: { depth: number; text: string } = pending ? { depth, text: pending.text + line } : { depth, text: line };
    if (flowed) pending = joined;
    else {
      out.push(render(joined));
      pending = null;
    }
  }
  if (pending) out.push(render(pending));
  return out.join('\n');
}

function render(line: { depth: number; text: string }): string {
  return line.depth > 0 ? `${'>'.repeat(line.depth)} ${line.text}` : line.text;
}
