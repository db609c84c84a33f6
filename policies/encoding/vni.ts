// A decoder for VNI-Windows text as it shows once read as Latin-1 ("Quyeát ñònh" → "Quyết định"),
// for the preview in a return notice: VNI writes a base vowel followed by a byte that carries its
// marks, and a few letters (đ, ơ, ư and the marked i) as single bytes. iconv-lite has no VNI codec.

const SINGLE: Record<string, string> = {
  ñ: 'đ', Ñ: 'Đ', ô: 'ơ', Ô: 'Ơ', ö: 'ư', Ö: 'Ư',
  ì: 'ì', Ì: 'Ì', í: 'í', Í: 'Í', æ: 'ỉ', Æ: 'Ỉ', ó: 'ĩ', Ó: 'Ĩ', ò: 'ị', Ò: 'Ị',
};

/** Mark bytes after a vowel → combining marks (circumflex/breve first, then the tone). */
const MARKS: Record<string, string> = {
  ù: '\u0301', ø: '\u0300', û: '\u0309', õ: '\u0303', ï: '\u0323',
  â: '\u0302', á: '\u0302\u0301', à: '\u0302\u0300', å: '\u0302\u0309', ã: '\u0302\u0303', ä: '\u0302\u0323',
  ê: '\u0306', é: '\u0306\u0301', è: '\u0306\u0300', ú: '\u0306\u0309', ü: '\u0306\u0303', ë: '\u0306\u0323',
};

const VOWELS = new Set('aeiouyAEIOUYơƠưƯ');

export function decodeVni(text: string): string {
  let out = '';
  for (const ch of text) {
    const prev = out.normalize('NFD').slice(-1);
    const base = prev.replace(/[\u0300-\u036f]/g, '');
    const lower = ch.toLowerCase();
    const mark = MARKS[lower];
    if (mark && base && VOWELS.has(out.slice(-1).normalize('NFD')[0])) {
      out += mark;
      continue;
    }
    out += SINGLE[ch] ?? ch;
  }
  return out.normalize('NFC');
}
