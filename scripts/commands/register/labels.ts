// Stored codes shown as the register writes them: độ khẩn in Vietnamese, and the option value back to a code.

import { parseUrgency } from '../../../policies/metadata/form.js';
import { CliError } from '../context.js';

const URGENCY_LABEL: Record<string, string> = { normal: 'Thường', urgent: 'Khẩn', 'very-urgent': 'Thượng khẩn', flash: 'Hỏa tốc' };

export function urgencyLabel(code: string | null): string | null {
  return code === null ? null : (URGENCY_LABEL[code] ?? code);
}

/** `--urgency` in Vietnamese (with or without diacritics) or as a code (urgent, flash …). */
export function urgencyCode(text: string): string {
  const code = URGENCY_LABEL[text] ? text : parseUrgency(text);
  if (!code) throw new CliError(`Độ khẩn không hợp lệ: "${text}" (Thường, Khẩn, Thượng khẩn, Hỏa tốc) / Invalid urgency: "${text}"`, 2);
  return code;
}
