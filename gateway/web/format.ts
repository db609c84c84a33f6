// How the portal writes dates (dd/mm/yyyy in the register's time zone, policies/text/calendar.ts),
// register statuses, độ khẩn (policies/metadata/urgency-labels.ts, as the command line) and sizes.

import { urgencyLabels } from '../../policies/metadata/urgency-labels.js';
import { localDateTime, vnDay } from '../../policies/text/calendar.js';
import type { Translate } from './i18n.js';

/** dd/mm/yyyy HH:mm in the register's time zone (the command line's format too). */
export const dateTime = localDateTime;

/** dd/mm/yyyy of a stored yyyy-mm-dd. */
export const isoDay = vnDay;

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

export function urgencyText(t: Translate, code: string | null): string {
  const label = urgencyLabels(code);
  return label ? t(label.vi, label.en) : (code ?? '');
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
