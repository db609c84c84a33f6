// How the portal writes dates (dd/mm/yyyy in the register's time zone), register statuses, độ khẩn and sizes.

import { zonedParts } from '../../policies/text/dates.js';
import type { Translate } from './i18n.js';

export function dateTime(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** dd/mm/yyyy of a stored yyyy-mm-dd. */
export function isoDay(iso: string | null): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** A dd/mm/yyyy or yyyy-mm-dd form field as {year, month, day}, or null. */
export function parseDayField(text: string | undefined): { year: number; month: number; day: number } | null {
  const value = (text ?? '').trim();
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [year, month, d] = vn ? [Number(vn[3]), Number(vn[2]), Number(vn[1])] : iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : [NaN, NaN, NaN];
  const check = new Date(Date.UTC(year, month - 1, d));
  if (!Number.isFinite(year) || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== d) return null;
  return { year, month, day: d };
}

/** The instant a calendar day starts in a time zone. */
export function startOfDay(d: { year: number; month: number; day: number }, timeZone: string, plusDays = 0): Date {
  const utcMidnight = Date.UTC(d.year, d.month - 1, d.day + plusDays);
  const offset = zonedParts(new Date(utcMidnight + 12 * 3600_000), timeZone).offset;
  const m = /^([+-])(\d{2})(\d{2})$/.exec(offset);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(utcMidnight - minutes * 60_000);
}

const STATUS: Record<string, [string, string]> = {
  '01': ['Đã đến', 'Arrived'],
  '02': ['Bị trả lại', 'Returned'],
  '03': ['Đã vào sổ', 'Registered'],
  '04': ['Đã phân công', 'Assigned'],
  '05': ['Đang xử lý', 'In progress'],
  '06': ['Đã xử lý xong', 'Done'],
  '13': ['Yêu cầu thu hồi', 'Recall requested'],
  '15': ['Đồng ý thu hồi', 'Recall accepted'],
  '16': ['Từ chối thu hồi', 'Recall refused'],
  sent: ['Đã gửi', 'Sent'],
  returned: ['Bị trả lại', 'Returned'],
  held: ['Đang bị giữ', 'Held for review'],
  relayed: ['Đã chuyển đến máy chủ cơ quan', "Relayed to the agency's server"],
  'relay-deferred': ['Chuyển tiếp tạm hoãn', 'Relay deferred'],
  'relay-failed': ['Chuyển tiếp thất bại', 'Relay failed'],
  'relay-delayed': ['Chuyển tiếp chậm', 'Relay delayed'],
  accepted: ['Đã chấp nhận', 'Accepted'],
  quarantined: ['Đang bị giữ', 'Held for review'],
};

export function statusLabel(t: Translate, status: string): string {
  const label = STATUS[status];
  return label ? t(label[0], label[1]) : status;
}

const URGENCY: Record<string, [string, string]> = {
  normal: ['Thường', 'Normal'],
  urgent: ['Khẩn', 'Urgent'],
  'very-urgent': ['Thượng khẩn', 'Very urgent'],
  flash: ['Hỏa tốc', 'Flash'],
};

export const URGENCY_CODES = Object.keys(URGENCY);

export function urgencyText(t: Translate, code: string | null): string {
  const label = URGENCY[code ?? 'normal'];
  return label ? t(label[0], label[1]) : (code ?? '');
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
