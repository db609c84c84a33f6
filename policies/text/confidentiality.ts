// Recognising a confidentiality mark (độ mật: Mật, Tối mật, Tuyệt mật) without mistaking ordinary
// words for one. The rule:
// - a mark is the phrase "mật", "tối mật" or "tuyệt mật" as whole words, in any case, with its
//   diacritics or with none at all ("MAT", "toi mat"); a word with other diacritics is another word
//   ("mất" lost, "mắt" eye) and never a mark;
// - it counts only where a mark is written as a mark: the whole value of the "Độ mật" form line; the
//   start of the Subject followed by a separator or nothing ("MẬT - V/v …", "Tối mật: …"), or anywhere
//   in the Subject in brackets ("[Mật]", "(TUYỆT MẬT)"); "Độ mật: Mật" anywhere; a line of the body
//   or of the main document that is only the mark (the stamp NĐ 30 prints above the document).
// - so "mật khẩu", "bảo mật", "bí mật nhà nước" in a sentence, "V/v cấp mật khẩu" are not marks.

const MARK = '(?:tuy[eệ]t\\s+|t[oố]i\\s+)?m[aậ]t';
const NOT_LETTER_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_LETTER_AFTER = '(?![\\p{L}\\p{N}])';
const OPEN = '[\\[(«"“\'{]';
const CLOSE = '[\\])»"”\'}]';

const WHOLE = new RegExp(`^${MARK}$`, 'u');
const SUBJECT_START = new RegExp(`^${OPEN}?\\s*(${MARK})\\s*${CLOSE}?\\s*(?:[-–—:;,.|/]|$)`, 'u');
const BRACKETED = new RegExp(`${OPEN}\\s*(${MARK})\\s*${CLOSE}`, 'u');
const LABELLED = new RegExp(`${NOT_LETTER_BEFORE}đ[oộ]\\s+m[aậ]t\\s*:\\s*(${MARK})${NOT_LETTER_AFTER}`, 'u');

/** Lower case, NFC, one space between words. Diacritics are kept: they tell "mật" from "mất". */
function normal(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** "tối mật" / "toi mat" → the canonical mark name. */
function canonical(mark: string): string {
  const m = mark.replace(/\s+/g, ' ');
  if (m.startsWith('tuy')) return 'Tuyệt mật';
  if (m.startsWith('t')) return 'Tối mật';
  return 'Mật';
}

/** The value of the "Độ mật" form line names a mark (surrounding punctuation ignored). */
export function markInFormValue(value: string | null): string | null {
  if (!value) return null;
  const v = normal(value).replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '');
  return WHOLE.test(v) ? canonical(v) : null;
}

export function markInSubject(subject: string | null): string | null {
  if (!subject) return null;
  const s = normal(subject);
  const match = SUBJECT_START.exec(s) ?? BRACKETED.exec(s) ?? LABELLED.exec(s);
  return match ? canonical(match[1]) : null;
}

/** A line that is only the mark, or "Độ mật: <mark>", in a body or document text. */
export function markInText(text: string | null, maxLines = 20_000): { mark: string; line: string } | null {
  if (!text) return null;
  const lines = text.split(/\r?\n/, maxLines);
  for (const raw of lines) {
    const line = normal(raw);
    if (line.length === 0 || line.length > 200) continue;
    const bare = line.replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '');
    if (WHOLE.test(bare)) return { mark: canonical(bare), line: raw.trim() };
    const labelled = LABELLED.exec(line);
    if (labelled) return { mark: canonical(labelled[1]), line: raw.trim() };
  }
  return null;
}
