// The one password rule set (Quy chế Điều 10.2), for `docgate account add/passwd`, demo accounts and a
// later web portal alike: minimum length, no control characters or edge spaces, not the user name nor
// any part of it (local part split on . _ -) in any case or reversed, not made of runs (aaaa) and
// sequences (1234, abcd, qwerty), not a common password, not the current or temporary password.

import { removeDiacritics } from '../../policies/text/vietnamese.js';
import { COMMON_PASSWORDS_TEXT } from './common-passwords.js';
import { generatePassword, verifyPassword } from './password.js';

type PasswordRule = 'length' | 'control' | 'whitespace' | 'user-name' | 'user-name-part' | 'pattern' | 'common' | 'classes' | 'unchanged' | 'history';

/** What docgate.yaml's auth: sets (minPasswordLength, passwordClasses). */
export interface PasswordRules {
  minLength: number;
  /** Of the four classes: lowercase, uppercase, digits, other characters. */
  minClasses: number;
}

export function passwordRulesOf(auth: { minPasswordLength: number; passwordClasses: number }): PasswordRules {
  return { minLength: auth.minPasswordLength, minClasses: auth.passwordClasses };
}

export interface PasswordProblem {
  rule: PasswordRule;
  vi: string;
  en: string;
}

const COMMON = new Set(
  COMMON_PASSWORDS_TEXT.split('\n')
    .map((l) => l.trim())
    .filter(Boolean),
);

/** Parts of the user name shorter than this are too common to refuse ("a", "le"). */
const MIN_PART = 3;
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const LEET: Record<string, string> = { '@': 'a', '4': 'a', '0': 'o', '1': 'i', '!': 'i', '3': 'e', $: 's', '5': 's', '7': 't', '+': 't' };

function fold(text: string): string {
  return removeDiacritics(text.normalize('NFC')).toLowerCase();
}

const reverse = (text: string) => [...text].reverse().join('');

/** True when b follows a in a predictable way: the same character, the next or previous letter or digit, or a keyboard neighbour. */
function follows(a: string, b: string, step: number): boolean {
  if (step === 0) return a === b;
  const alnum = /[a-z0-9]/;
  if (alnum.test(a) && alnum.test(b) && /[a-z]/.test(a) === /[a-z]/.test(b) && b.charCodeAt(0) - a.charCodeAt(0) === step) return true;
  return KEYBOARD_ROWS.some((row) => {
    const i = row.indexOf(a);
    return i !== -1 && row[i + step] === b;
  });
}

/** Characters not inside a run or sequence of three or more (aaa, 123, cba, qwe, 098). */
function unpredictableCount(folded: string): number {
  const chars = [...folded];
  const covered = new Array<boolean>(chars.length).fill(false);
  for (const step of [0, 1, -1]) {
    let start = 0;
    for (let i = 1; i <= chars.length; i++) {
      if (i < chars.length && follows(chars[i - 1], chars[i], step)) continue;
      if (i - start >= 3) for (let k = start; k < i; k++) covered[k] = true;
      start = i;
    }
  }
  return covered.filter((c) => !c).length;
}

/** The forms of a password compared with the common list: as typed, without edge digits and symbols, de-leeted. */
function commonForms(folded: string): string[] {
  const trimmed = folded.replace(/^[^a-z]+|[^a-z]+$/g, '');
  const squeezed = folded.replace(/[^a-z0-9]/g, '');
  const deLeet = (s: string) => [...s].map((c) => LEET[c] ?? c).join('');
  return [folded, trimmed, squeezed, deLeet(folded), deLeet(folded).replace(/^[^a-z]+|[^a-z]+$/g, '')].filter((f) => f.length > 0);
}

/** Vietnamese letters count by their case (Đ, Ấ upper; đ, ấ lower); letters of no case and symbols are "other". */
function classCount(password: string): number {
  const classes = new Set<string>();
  for (const c of password.normalize('NFC')) {
    if (/\p{Ll}/u.test(c)) classes.add('lower');
    else if (/\p{Lu}|\p{Lt}/u.test(c)) classes.add('upper');
    else if (/\p{Nd}/u.test(c)) classes.add('digit');
    else classes.add('other');
  }
  return classes.size;
}

/** The rules that need no stored hash; null when the password passes them all. */
export function passwordProblem(email: string, password: string, rules: PasswordRules): PasswordProblem | null {
  const { minLength, minClasses } = rules;
  const user = email.trim().toLowerCase();
  const local = user.slice(0, user.lastIndexOf('@') === -1 ? user.length : user.lastIndexOf('@'));
  const folded = fold(password);
  if (/[\u0000-\u001f\u007f]/.test(password)) return { rule: 'control', vi: 'mật khẩu chứa ký tự điều khiển', en: 'the password contains control characters' };
  if (folded.trim() === user || folded.trim() === local)
    return { rule: 'user-name', vi: 'mật khẩu không được trùng tên đăng nhập', en: 'the password may not equal the user name' };
  if ([...password.normalize('NFC')].length < minLength) {
    return { rule: 'length', vi: `mật khẩu phải có ít nhất ${minLength} ký tự`, en: `the password must have at least ${minLength} characters` };
  }
  if (password !== password.trim())
    return { rule: 'whitespace', vi: 'mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng', en: 'the password may not begin or end with a space' };
  const squeezed = folded.replace(/[^a-z0-9]/g, '');
  const parts = [user, local, ...local.split(/[._-]+/)].filter((p) => p.length >= MIN_PART);
  for (const part of new Set(parts)) {
    const plain = part.replace(/[^a-z0-9]/g, '');
    for (const form of [part, reverse(part), plain, reverse(plain)]) {
      if (form.length >= MIN_PART && (folded.includes(form) || squeezed.includes(form))) {
        return {
          rule: 'user-name-part',
          vi: 'mật khẩu không được chứa tên đăng nhập hoặc một phần của nó (kể cả viết ngược)',
          en: 'the password may not contain the user name or a part of it (reversed too)',
        };
      }
    }
  }
  if (unpredictableCount(folded) < Math.max(4, Math.ceil([...folded].length / 3))) {
    return {
      rule: 'pattern',
      vi: 'mật khẩu không được chỉ gồm ký tự lặp hoặc dãy liên tiếp (aaaa, 1234, abcd, qwerty)',
      en: 'the password may not be made of repeated characters or sequences (aaaa, 1234, abcd, qwerty)',
    };
  }
  if (commonForms(folded).some((f) => COMMON.has(f))) {
    return { rule: 'common', vi: 'mật khẩu nằm trong danh sách mật khẩu phổ biến', en: 'the password is in the list of common passwords' };
  }
  if (classCount(password) < minClasses) {
    return {
      rule: 'classes',
      vi: `mật khẩu phải có ít nhất ${minClasses} trong 4 loại ký tự: chữ thường, chữ hoa, chữ số, ký tự khác`,
      en: `the password must mix at least ${minClasses} of the 4 character classes: lowercase, uppercase, digits, other characters`,
    };
  }
  return null;
}

/**
 * All rules, including "not the current or temporary password" when the account exists (its stored
 * hash) and "not one of the last N" (`previousHashes`, the account's password history).
 */
export async function checkNewPassword(input: {
  email: string;
  password: string;
  rules: PasswordRules;
  currentHash?: string | null;
  previousHashes?: readonly string[];
}): Promise<PasswordProblem | null> {
  const problem = passwordProblem(input.email, input.password, input.rules);
  if (problem) return problem;
  if (input.currentHash && (await verifyPassword(input.password, input.currentHash))) {
    return {
      rule: 'unchanged',
      vi: 'mật khẩu mới phải khác mật khẩu hiện tại hoặc mật khẩu tạm thời',
      en: 'the new password must differ from the current or temporary password',
    };
  }
  for (const hash of input.previousHashes ?? []) {
    if (await verifyPassword(input.password, hash)) {
      return {
        rule: 'history',
        vi: 'mật khẩu mới không được trùng một mật khẩu đã dùng gần đây',
        en: 'the new password may not be one of the recently used passwords',
      };
    }
  }
  return null;
}

/**
 * A generated (temporary) password that passes the same rules. The generator's letters and digits are
 * three classes; a fourth, when required, is a hyphen in the middle (easy to read out).
 */
export function generateAcceptablePassword(email: string, rules: PasswordRules): string {
  for (;;) {
    const generated = generatePassword(Math.max(14, rules.minLength));
    const half = generated.length >> 1;
    const password = rules.minClasses >= 4 ? `${generated.slice(0, half)}-${generated.slice(half)}` : generated;
    if (!passwordProblem(email, password, rules)) return password;
  }
}
