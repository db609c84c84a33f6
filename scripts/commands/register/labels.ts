// Stored codes shown as the register writes them: độ khẩn in Vietnamese, and the option value back to a code.

import { parseUrgency } from '../../../policies/metadata/form.js';
import { URGENCY_CODES, urgencyLabels } from '../../../policies/metadata/urgency-labels.js';
import { CliError } from '../context.js';

export function urgencyLabel(code: string | null): string | null {
  return code === null ? null : (urgencyLabels(code)?.vi ?? code);
}

/** `--urgency` in Vietnamese (with or without diacritics) or as a code (urgent, flash …). */
export function urgencyCode(text: string): string {
  const code = URGENCY_CODES.includes(text) ? text : parseUrgency(text);
  if (!code) throw new CliError(`Độ khẩn không hợp lệ: "${text}" (Thường, Khẩn, Thượng khẩn, Hỏa tốc) / Invalid urgency: "${text}"`, 2);
  return code;
}
