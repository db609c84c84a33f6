// Detecting Vietnamese text in the pre-Unicode encodings TCVN3 (ABC) and VNI (DOMAIN.md): such bytes,
// labelled windows-1252 or iso-8859-1, read as "QuyÕt ®Þnh" or "Quyeát ñònh". The distinction that
// holds: Unicode Vietnamese has letters outside Latin-1 (ă đ ơ ư ạ ả ấ ầ ộ …), and legacy text read as
// Latin-1/Windows-1252 never has; but both hold Latin-1 letters (è é ê ò ó ô õ ý à á â ã ì í ù ú), so
// "holds Vietnamese letters" proves nothing. So:
// - the text's characters are turned back into the bytes they were read from (Latin-1, or Windows-1252
//   for € ‚ ƒ … where TCVN3 keeps capital letters); characters no single byte gives are Unicode, kept;
// - those bytes are decoded as TCVN3 (iconv-lite `tcvn`) and as VNI (./vni.ts);
// - each decoding is scored by the words that were not ASCII and become frequent Vietnamese syllables
//   (./syllables.ts), against the same score of the text as it stands (real Unicode Vietnamese scores
//   there). Legacy text turns most of its odd words into syllables (two, or one with a letter outside
//   Latin-1); French, German or correct Vietnamese text turns almost none.
// - fonts: a DOCX/XLSX whose runs or styles use `.Vn…` (TCVN3/ABC) or `VNI-…` fonts.

import iconv from 'iconv-lite';
import { SYLLABLES } from './syllables.js';
import { decodeVni } from './vni.js';

export type LegacyEncoding = 'tcvn3' | 'vni';

export interface LegacyDetection {
  encoding: LegacyEncoding;
  /** The text decoded as Unicode, when it can be (first 200 characters). */
  preview: string | null;
  evidence: string;
}

/** Windows-1252's characters for bytes 0x80–0x9F (iconv-lite's table), back to their byte. */
const CP1252_BYTE: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  for (let b = 0x80; b <= 0x9f; b++) {
    const ch = iconv.decode(Buffer.from([b]), 'windows-1252');
    if (ch.length === 1 && ch.charCodeAt(0) > 0xff) map.set(ch, b);
  }
  return map;
})();

/** A letter outside Latin-1 that only Unicode Vietnamese has (ă đ ĩ ũ ơ ư and U+1EA0–U+1EF9). */
const VIETNAMESE_ONLY = /[ăâđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9]/u;
const WORD = /[\p{L}\p{M}]+/gu;
const MIN_SHARE = 0.5;

/** Each character as the single byte it was read from, as a Latin-1 string; others are kept as they are. */
function asLatin1Bytes(text: string): { latin1: string; bytes: number } {
  let latin1 = '';
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const byte = code <= 0xff ? code : CP1252_BYTE.get(ch);
    if (byte !== undefined && byte >= 0x80) bytes++;
    latin1 += byte === undefined ? ch : String.fromCharCode(byte);
  }
  return { latin1, bytes };
}

function decodeTcvn3(latin1: string): string {
  // Only single-byte characters go through the table; characters above U+00FF are Unicode already.
  return latin1.replace(/[\u0080-\u00ff]+/g, (run) => iconv.decode(Buffer.from(run, 'latin1'), 'tcvn')).normalize('NFC');
}

interface Score {
  /** Words of the original that are not ASCII. */
  odd: number;
  /** Of those, how many the decoding turns into frequent syllables. */
  hits: number;
  /** Hits with a letter outside Latin-1 (ă đ ơ ư ạ …): no Latin-1 text reads as such by chance. */
  strong: number;
}

/**
 * Words as the legacy encodings see them: letters, and every character read from a byte 0x80–0xFF
 * (TCVN3 puts letters at ® § µ ¸ « and at the C1/Windows-1252 positions), but not the no-break space.
 */
const LEGACY_WORD =
  /[\p{L}\p{M}\u0080-\u009f\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+/gu;

/** Scores a decoder word by word over the words of the text (each decoded on its own). */
function score(words: string[], decode: (latin1: string) => string): Score {
  const result: Score = { odd: 0, hits: 0, strong: 0 };
  for (const original of words) {
    if (/^[\x00-\x7f]*$/.test(original)) continue;
    result.odd++;
    const word = decode(asLatin1Bytes(original).latin1).toLowerCase();
    if (word === original.toLowerCase() || !SYLLABLES.has(word)) continue;
    result.hits++;
    if (VIETNAMESE_ONLY.test(word)) result.strong++;
  }
  return result;
}

/** Words of the text as it stands that already are Vietnamese syllables with diacritics. */
function unicodeSyllables(text: string): number {
  return (text.match(WORD) ?? []).filter((w) => /[^\x00-\x7f]/.test(w) && SYLLABLES.has(w.toLowerCase())).length;
}

export function isLegacyFont(font: string): LegacyEncoding | null {
  const f = font.trim();
  if (/^\.vn/i.test(f)) return 'tcvn3';
  if (/^vni[-\s]/i.test(f)) return 'vni';
  return null;
}

export function detectLegacyText(input: string | null, limit = 64 * 1024): LegacyDetection | null {
  if (!input) return null;
  const text = input.slice(0, limit).normalize('NFC');
  const { latin1, bytes } = asLatin1Bytes(text);
  if (bytes === 0) return null;
  const baseline = unicodeSyllables(text);
  const words = text.match(LEGACY_WORD) ?? [];
  let best: { encoding: LegacyEncoding; decode: (latin1: string) => string; score: Score } | null = null;
  for (const [encoding, decode] of [
    ['tcvn3', decodeTcvn3],
    ['vni', decodeVni],
  ] as const) {
    const s = score(words, decode);
    if (!best || s.hits > best.score.hits) best = { encoding, decode, score: s };
  }
  const s = best!.score;
  // One syllable with Latin-1 letters only ("báo") could be a Western word by chance; two, or one with
  // a letter outside Latin-1, cannot.
  if ((s.strong === 0 && s.hits < 2) || s.hits <= baseline || s.hits < s.odd * MIN_SHARE) return null;
  return {
    encoding: best!.encoding,
    preview: best!.decode(latin1).slice(0, 200),
    evidence: `${s.hits} of ${s.odd} non-ASCII words decode as ${best!.encoding === 'tcvn3' ? 'TCVN3' : 'VNI'} Vietnamese syllables`,
  };
}
