// The text of an urgent-document SMS: urgency, time, agency, số ký hiệu and as much of the trích yếu as
// fits. Two encodings, chosen in config: GSM-7 (one part of 160 characters, Vietnamese folded to the GSM
// basic set: "Đ" → "D", "ắ" → "a") or UCS-2 (diacritics kept, up to 3 concatenated parts of 67).

import { removeDiacritics } from '../../policies/text/vietnamese.js';

export type SmsEncoding = 'gsm7' | 'ucs2';

/** GSM 03.38 basic character set (one septet each); the extension table (ESC + char) is left out on purpose. */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

/** ASCII characters outside the basic set, replaced by a look-alike that is in it. */
const GSM7_SUBSTITUTES: Record<string, string> = { '[': '(', ']': ')', '{': '(', '}': ')', '\\': '/', '^': "'", '~': '-', '|': '/', '`': "'" };

/** Most characters of one message: 160 septets (GSM-7), 3 × 67 UTF-16 units (UCS-2 with concatenation headers). */
export const SMS_LIMITS: Record<SmsEncoding, number> = { gsm7: 160, ucs2: 3 * 67 };
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

export function isGsm7Basic(text: string): boolean {
  for (const ch of text) if (!GSM7_BASIC.has(ch)) return false;
  return true;
}

/** Vietnamese (or anything) → GSM-7 basic characters: diacritics removed, look-alikes, '?' for the rest. */
export function foldToGsm7(text: string): string {
  let out = '';
  for (const ch of removeDiacritics(text.normalize('NFC')).replace(/[\r\n\t]+/g, ' ')) {
    out += GSM7_BASIC.has(ch) ? ch : (GSM7_SUBSTITUTES[ch] ?? '?');
  }
  return out;
}

/** How many SMS parts a text takes (0 when it cannot be sent in this encoding within the limit). */
export function smsParts(text: string, encoding: SmsEncoding): number {
  if (encoding === 'gsm7') return isGsm7Basic(text) && text.length <= SMS_LIMITS.gsm7 ? 1 : 0;
  const units = text.length;
  if (units <= UCS2_SINGLE) return 1;
  const parts = Math.ceil(units / UCS2_PART);
  return parts <= 3 ? parts : 0;
}

export interface SmsFacts {
  urgency: 'urgent' | 'very-urgent' | 'flash' | 'normal' | null;
  /** The recipient agency whose leader is alerted. */
  agencyName: string;
  senderName: string;
  documentNumber: string | null;
  summary: string | null;
  /** "08:15 02/12/2026", register time zone. */
  time: string;
}

const URGENCY_TEXT: Record<string, string> = { flash: 'HỎA TỐC', 'very-urgent': 'THƯỢNG KHẨN', urgent: 'KHẨN', normal: 'THƯỜNG' };

function cut(text: string, max: number, ellipsis: string): string {
  if (text.length <= max) return text;
  if (max <= ellipsis.length) return text.slice(0, Math.max(0, max));
  return text.slice(0, max - ellipsis.length).trimEnd() + ellipsis;
}

/**
 * The alert text, never longer than the encoding allows: the fixed facts first (agency names shortened
 * if they alone would not fit), then the trích yếu cut to the room left.
 */
export function composeSmsText(f: SmsFacts, encoding: SmsEncoding): string {
  const limit = SMS_LIMITS[encoding];
  const conv = (s: string) => (encoding === 'gsm7' ? foldToGsm7(s) : s.normalize('NFC').replace(/[\r\n\t]+/g, ' '));
  const ellipsis = encoding === 'gsm7' ? '...' : '…';
  const urgency = conv(URGENCY_TEXT[f.urgency ?? 'normal'] ?? 'KHẨN');
  const number = conv(f.documentNumber ?? 'không số');
  let agency = conv(f.agencyName);
  let sender = conv(f.senderName);
  const fixed = () => `${urgency} - ${agency}: VB ${number} của ${sender}, đến ${f.time}. `;
  const fixedText = () => conv(fixed());
  // Leave the trích yếu at least 30 characters: shorten the agency names first.
  const room = limit - 30;
  while (fixedText().length > room && (agency.length > 12 || sender.length > 12)) {
    if (sender.length >= agency.length) sender = cut(sender, sender.length - 4, ellipsis);
    else agency = cut(agency, agency.length - 4, ellipsis);
  }
  const head = cut(fixedText(), limit, ellipsis);
  const summary = conv(f.summary ?? '');
  return (head + cut(summary, limit - head.length, ellipsis)).trimEnd();
}
