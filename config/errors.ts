// Schema issues in Vietnamese and English. Custom rules bring their own text (bilingual()); zod's
// built-in issue kinds are described here.

import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** Separates the two languages inside a zod issue message (an ASCII record separator, never typed). */
const LANGUAGE_SEPARATOR = '\u001e';

/** A zod `message` option carrying both languages. */
export function bilingual(vi: string, en: string): { message: string } {
  return { message: `${vi}${LANGUAGE_SEPARATOR}${en}` };
}

const TYPE_NAMES: Record<string, { vi: string; en: string }> = {
  string: { vi: 'chuỗi ký tự', en: 'a string' },
  number: { vi: 'số', en: 'a number' },
  int: { vi: 'số nguyên', en: 'an integer' },
  boolean: { vi: 'true hoặc false', en: 'true or false' },
  array: { vi: 'danh sách', en: 'a list' },
  object: { vi: 'bảng khóa: giá trị', en: 'a mapping' },
  record: { vi: 'bảng khóa: giá trị', en: 'a mapping' },
  null: { vi: 'null', en: 'null' },
};

function typeName(expected: string) {
  return TYPE_NAMES[expected] ?? { vi: expected, en: expected };
}

export function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** `present`: whether the input had a value at the issue's path (zod does not say for invalid_type). */
export function describeIssue(issue: Issue, present = true): { vi: string; en: string } {
  const separator = issue.message.indexOf(LANGUAGE_SEPARATOR);
  if (separator !== -1) return { vi: issue.message.slice(0, separator), en: issue.message.slice(separator + 1) };
  switch (issue.code) {
    case 'invalid_type': {
      if (!present) return { vi: 'thiếu trường bắt buộc', en: 'required field is missing' };
      const t = typeName(issue.expected);
      return { vi: `phải là ${t.vi}`, en: `must be ${t.en}` };
    }
    case 'too_small':
      if (issue.origin === 'array') return { vi: `cần ít nhất ${issue.minimum} phần tử`, en: `needs at least ${issue.minimum} item(s)` };
      if (issue.origin === 'string') return { vi: 'không được để trống', en: 'must not be empty' };
      return { vi: `phải lớn hơn hoặc bằng ${issue.minimum}`, en: `must be at least ${issue.minimum}` };
    case 'too_big':
      if (issue.origin === 'array') return { vi: `tối đa ${issue.maximum} phần tử`, en: `at most ${issue.maximum} item(s)` };
      if (issue.origin === 'string') return { vi: `dài tối đa ${issue.maximum} ký tự`, en: `at most ${issue.maximum} characters` };
      return { vi: `phải nhỏ hơn hoặc bằng ${issue.maximum}`, en: `must be at most ${issue.maximum}` };
    case 'invalid_value':
      return {
        vi: `giá trị không hợp lệ, chọn một trong: ${issue.values.map(String).join(', ')}`,
        en: `invalid value, expected one of: ${issue.values.map(String).join(', ')}`,
      };
    case 'unrecognized_keys':
      return { vi: `khóa không được hỗ trợ: ${issue.keys.join(', ')}`, en: `unknown key(s): ${issue.keys.join(', ')}` };
    case 'invalid_format':
      return { vi: `định dạng không hợp lệ (${issue.format})`, en: `invalid format (${issue.format})` };
    case 'invalid_union':
      return { vi: 'giá trị không đúng dạng nào được chấp nhận', en: 'value matches none of the accepted forms' };
    default:
      return { vi: `giá trị không hợp lệ: ${issue.message}`, en: `invalid value: ${issue.message}` };
  }
}
