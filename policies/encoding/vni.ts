// The VNI-Windows code table (fonts VNI-Times, VNI-Helve …): a base letter followed by a byte that
// carries its marks (ù acute, ø grave, û hook, õ tilde, ï dot; â á à å ã ä circumflex with a tone;
// ê é è ú ü ë breve with a tone), and single bytes for đ, ơ, ư, ỵ and the marked i. The bytes are
// shown here as their Latin-1 characters, which is how VNI text reads once labelled windows-1252 or
// iso-8859-1. iconv-lite has no VNI codec; this table decodes it (the return notice's preview).

const TONES = ['', 'ù', 'ø', 'û', 'õ', 'ï']; // none, sắc, huyền, hỏi, ngã, nặng
const TONE_MARKS = ['', '\u0301', '\u0300', '\u0309', '\u0303', '\u0323'];
const CIRCUMFLEX_TONES = ['â', 'á', 'à', 'å', 'ã', 'ä'];
const BREVE_TONES = ['ê', 'é', 'è', 'ú', 'ü', 'ë'];

/** Unicode letter (NFC) → its VNI bytes as Latin-1 characters, lower case and upper case. */
const VNI_TABLE: ReadonlyMap<string, string> = (() => {
  const table = new Map<string, string>();
  const add = (unicode: string, vni: string) => {
    table.set(unicode.normalize('NFC'), vni);
    table.set(unicode.normalize('NFC').toUpperCase(), vni.toUpperCase());
  };
  for (let t = 1; t < 6; t++) {
    for (const base of ['a', 'e', 'o', 'u', 'y']) if (!(base === 'y' && t === 5)) add(base + TONE_MARKS[t], base + TONES[t]);
    add('ơ' + TONE_MARKS[t], 'ô' + TONES[t]);
    add('ư' + TONE_MARKS[t], 'ö' + TONES[t]);
  }
  for (let t = 0; t < 6; t++) {
    for (const base of ['a', 'e', 'o']) add(base + '\u0302' + TONE_MARKS[t], base + CIRCUMFLEX_TONES[t]);
    add('a\u0306' + TONE_MARKS[t], 'a' + BREVE_TONES[t]);
  }
  // Single bytes: ơ ư đ, ỵ, and i with its five tones.
  for (const [unicode, vni] of [
    ['ơ', 'ô'],
    ['ư', 'ö'],
    ['đ', 'ñ'],
    ['ỵ', 'î'],
    ['í', 'í'],
    ['ì', 'ì'],
    ['ỉ', 'æ'],
    ['ĩ', 'ó'],
    ['ị', 'ò'],
  ])
    add(unicode, vni);
  return table;
})();

/** VNI sequence (one or two Latin-1 characters) → Unicode letter. */
const REVERSE: ReadonlyMap<string, string> = new Map([...VNI_TABLE].filter(([u, v]) => u !== v).map(([u, v]) => [v, u]));

/** Decodes VNI text read as Latin-1 ("Quyeát ñònh" → "Quyết định"); other characters pass unchanged. */
export function decodeVni(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const pair = REVERSE.get(text.slice(i, i + 2));
    if (pair && i + 1 < text.length) {
      out += pair;
      i++;
      continue;
    }
    out += REVERSE.get(text[i]) ?? text[i];
  }
  return out.normalize('NFC');
}

/** Encodes Unicode Vietnamese as VNI bytes (Latin-1 characters): what a VNI keyboard and font produce. */
export function encodeVni(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) out += VNI_TABLE.get(ch) ?? ch;
  return out;
}
