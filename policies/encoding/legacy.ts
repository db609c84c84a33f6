// Detecting Vietnamese text in the pre-Unicode encodings TCVN3 (ABC) and VNI (DOMAIN.md): once such
// bytes are read as Latin-1/Windows-1252 they show as "QuyÕt ®Þnh" or "Quyeát ñònh". The tests:
// - text that already holds Vietnamese Unicode letters (precomposed U+1EA0–U+1EF9, ă â đ ê ô ơ ư) is
//   Unicode, whatever else it holds (a correctly declared windows-1258 body decodes to such letters);
// - TCVN3: re-encoded as Latin-1 and decoded with iconv-lite's `tcvn`, at least 4 letters and 35% of
//   the words become Vietnamese, and at least two characters are from the Latin-1 symbol block
//   (® § µ ¸ ¹ · …, where TCVN3 puts đ Đ à á ạ ã), which Western text hardly uses;
// - VNI: at least 4 vowel + mark-byte pairs (or ñ/Ñ for đ) and 35% of the words carry one;
// - fonts: a DOCX/XLSX whose runs or styles use `.Vn…` (TCVN3/ABC) or `VNI-…` fonts.
// The percentage keeps French or German words with a few accents from counting.

import iconv from 'iconv-lite';
import { decodeVni } from './vni.js';

export type LegacyEncoding = 'tcvn3' | 'vni';

export interface LegacyDetection {
  encoding: LegacyEncoding;
  /** The text decoded as Unicode, when it can be (first 200 characters). */
  preview: string | null;
  evidence: string;
}

const VIETNAMESE_LETTER = /[\u1ea0-\u1ef9ăâđêôơưĂÂĐÊÔƠƯ]/u;
const VIETNAMESE_LETTERS = /[\u1ea0-\u1ef9ăâđêôơưĂÂĐÊÔƠƯàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]/gu;
const VNI_PAIR = /[aeiouyAEIOUY][ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]|[ñÑ][aeiouyAEIOUYòó]/gu;
const TCVN3_SYMBOLS = /[\u00a1-\u00bf\u00d7\u00de\u00f7\u00fe]/g;
const MIN_LETTERS = 4;
const MIN_WORD_SHARE = 0.35;

function words(text: string): string[] {
  return text.split(/[\s\p{P}\d]+/u).filter((w) => w.length > 0);
}

function share(text: string, test: RegExp): number {
  const all = words(text);
  if (all.length === 0) return 0;
  return all.filter((w) => new RegExp(test.source, 'u').test(w)).length / all.length;
}

export function isLegacyFont(font: string): LegacyEncoding | null {
  const f = font.trim();
  if (/^\.vn/i.test(f)) return 'tcvn3';
  if (/^vni[-\s]/i.test(f)) return 'vni';
  return null;
}

export function detectLegacyText(input: string | null, limit = 64 * 1024): LegacyDetection | null {
  if (!input) return null;
  const text = input.slice(0, limit);
  if (VIETNAMESE_LETTER.test(text)) return null;
  const latin1 = text.replace(/[^\u0000-\u00ff]/g, '');
  if (latin1 !== text && latin1.length < text.length * 0.9) return null;

  const vniPairs = text.match(VNI_PAIR)?.length ?? 0;
  if (vniPairs >= MIN_LETTERS && share(text, VNI_PAIR) >= MIN_WORD_SHARE) {
    return { encoding: 'vni', preview: decodeVni(text.slice(0, 200)), evidence: `${vniPairs} VNI mark sequences` };
  }
  if ((latin1.match(TCVN3_SYMBOLS)?.length ?? 0) >= 2) {
    const decoded = iconv.decode(Buffer.from(latin1, 'latin1'), 'tcvn').normalize('NFC');
    const letters = decoded.match(VIETNAMESE_LETTERS)?.length ?? 0;
    if (letters >= MIN_LETTERS && VIETNAMESE_LETTER.test(decoded) && share(decoded, VIETNAMESE_LETTERS) >= MIN_WORD_SHARE) {
      return { encoding: 'tcvn3', preview: decoded.slice(0, 200), evidence: `${letters} letters decode as TCVN3` };
    }
  }
  return null;
}
