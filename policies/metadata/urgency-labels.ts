// Độ khẩn as people read it, from the stored code (policies/metadata/form.ts parseUrgency): Vietnamese
// and English labels for the command line (Vietnamese only, as the register writes it) and the portal.

const URGENCY: Record<string, { vi: string; en: string }> = {
  normal: { vi: 'Thường', en: 'Normal' },
  urgent: { vi: 'Khẩn', en: 'Urgent' },
  'very-urgent': { vi: 'Thượng khẩn', en: 'Very urgent' },
  flash: { vi: 'Hỏa tốc', en: 'Flash' },
};

export const URGENCY_CODES = Object.keys(URGENCY);

/** The labels of a stored code (null: Thường), or null for a code docgate does not write. */
export function urgencyLabels(code: string | null): { vi: string; en: string } | null {
  return URGENCY[code ?? 'normal'] ?? null;
}
