// LIST/LSUB pattern matching (RFC 3501 6.3.8): '*' matches anything, '%' anything but the hierarchy
// delimiter. A RegExp built from the pattern backtracks exponentially ("***...*x" froze the event loop),
// so patterns are compiled to tokens (runs of wildcards collapsed) and matched by simulating the NFA:
// one pass over the name with the set of live pattern positions, O(pattern tokens x name length).

const STAR = -1;
const PERCENT = -2;
const DELIMITER = '/'.codePointAt(0)!;

export interface MailboxPattern {
  /** Code points of the pattern, STAR and PERCENT for wildcards; no two wildcards are adjacent. */
  readonly tokens: Int32Array;
  /** Literal code points: a name with fewer code points cannot match (cheap early refusal). */
  readonly literals: number;
}

export function compilePattern(pattern: string): MailboxPattern {
  const tokens: number[] = [];
  let literals = 0;
  for (const ch of pattern) {
    const code = ch === '*' ? STAR : ch === '%' ? PERCENT : ch.codePointAt(0)!;
    const last = tokens.length > 0 ? tokens[tokens.length - 1] : 0;
    if (code < 0 && last < 0) {
      // "%*", "*%", "**" all equal "*"; "%%" equals "%".
      if (code === STAR) tokens[tokens.length - 1] = STAR;
      continue;
    }
    if (code >= 0) literals++;
    tokens.push(code);
  }
  return { tokens: Int32Array.from(tokens), literals };
}

export function matchPattern(p: MailboxPattern, name: string): boolean {
  const t = p.tokens;
  const n = t.length;
  const codes = Array.from(name, (ch) => ch.codePointAt(0)!);
  if (codes.length < p.literals) return false;
  let live = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  live[0] = 1;
  close(t, live);
  for (const c of codes) {
    next.fill(0);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!live[i]) continue;
      const tok = t[i];
      if (tok === STAR || (tok === PERCENT && c !== DELIMITER)) next[i] = 1;
      else if (tok === c) next[i + 1] = 1;
      else continue;
      any = true;
    }
    if (!any) return false;
    close(t, next);
    [live, next] = [next, live];
  }
  return live[n] === 1;
}

/** Epsilon moves: a wildcard may match nothing, so its position also reaches the one after it. */
function close(t: Int32Array, live: Uint8Array): void {
  for (let i = 0; i < t.length; i++) if (live[i] && t[i] < 0) live[i + 1] = 1;
}
