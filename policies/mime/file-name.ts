// Ambiguous attachment names: a `filename` (or `name`) parameter given twice, of which libmime keeps
// the first and other readers the last, or a Content-Type `name` that differs from the
// Content-Disposition `filename` once both are decoded. The policy would judge one name while the
// recipient's client saves the file under another, so either is `malformed-mime`.

import libmime from 'libmime';

/** What this rule reads of a MIME part (structural, so this layer needs nothing from the parser's). */
export interface PartNaming {
  headers: readonly { key: string; value: string }[];
  contentType: { params: Record<string, string> };
  disposition: { params: Record<string, string> } | null;
}

/** Parameter names of a structured header value, lower case, in order, duplicates kept (quotes honoured). */
function parameterNames(raw: string): string[] {
  const names: string[] = [];
  let quoted = false;
  let start = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ';') start = i + 1;
    else if (c === '=' && start !== -1) {
      const name = raw.slice(start, i).trim().toLowerCase();
      if (name) names.push(name);
      start = -1;
    }
  }
  return names;
}

function decoded(value: string): string {
  try {
    return libmime.decodeWords(value).normalize('NFC');
  } catch {
    return value.normalize('NFC');
  }
}

/** Why this part's file name is ambiguous, or null. */
export function ambiguousFileName(node: PartNaming): string | null {
  for (const [key, label] of [
    ['content-type', 'Content-Type'],
    ['content-disposition', 'Content-Disposition'],
  ] as const) {
    for (const field of node.headers.filter((f) => f.key === key)) {
      // RFC 2231 continuations (filename*0, filename*1*) are distinct names; the same name twice is not.
      const names = parameterNames(field.value).filter((n) => /^(file)?name(\*|$)/.test(n));
      const repeated = names.find((n, i) => names.indexOf(n) !== i);
      if (repeated) return `${label} parameter ${repeated} given twice`;
    }
  }
  const name = node.contentType.params.name;
  const filename = node.disposition?.params.filename;
  if (name !== undefined && filename !== undefined && decoded(name) !== decoded(filename)) return 'Content-Type name differs from Content-Disposition filename';
  return null;
}
