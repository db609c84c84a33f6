// A sender's file name made safe to write as one entry of a folder (an archive export, later the portal's
// downloads): one path segment, no `..`, none of the control, bidi and zero-width characters names.ts
// refuses at intake, none of the characters Windows forbids, no reserved device name, at most
// MAX_NAME_BYTES of UTF-8 with the extension kept, and a numbered suffix when two names in one folder
// would be the same file on a case-insensitive file system.

import { FORBIDDEN_NAME_CHARS } from './names.js';

const MAX_NAME_BYTES = 150;
const UNSAFE = new RegExp(`[${FORBIDDEN_NAME_CHARS}/\\\\<>:"|?*]`, 'gu');
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_EXTENSION = 16;

/** The longest prefix of `text` within `bytes` of UTF-8, never splitting a code point. */
function truncateUtf8(text: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > bytes) break;
    out += ch;
    used += size;
  }
  return out;
}

function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot - 1 > MAX_EXTENSION) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

function fitted(stem: string, ext: string, suffix = ''): string {
  return truncateUtf8(stem, MAX_NAME_BYTES - Buffer.byteLength(ext + suffix, 'utf8')).replace(/[. ]+$/, '') + suffix + ext;
}

/** One safe path segment for `name`; `fallback` (already safe) when nothing of the name survives. */
export function safeFileName(name: string | null, fallback: string): string {
  let s = (name ?? '').normalize('NFC').replace(UNSAFE, '_');
  // No "." or ".." segment, no hidden file, no name Windows trims to something else.
  s = s
    .replace(/\.{2,}/g, '.')
    .replace(/^[. ]+/, '')
    .replace(/[. ]+$/, '');
  if (WINDOWS_DEVICE.test(s)) s = `_${s}`;
  const { stem, ext } = splitExtension(s);
  const out = stem === '' ? '' : fitted(stem, ext);
  return out === '' || /^_*$/.test(out) ? fallback : out;
}

/** Hands out distinct safe names within one folder, numbering repeats: "a.pdf", "a (2).pdf". */
export class FolderNames {
  private readonly taken = new Set<string>();

  take(name: string | null, fallback: string): string {
    const safe = safeFileName(name, fallback);
    const { stem, ext } = splitExtension(safe);
    let candidate = safe;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = fitted(stem, ext, ` (${n})`);
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
