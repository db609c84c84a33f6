// The clerk's urgent alerts: each alert docgate sent (or tried to send) to a leader of the clerk's own
// agency about a Hỏa tốc / Thượng khẩn document it received (gateway/notify/alert-*.ts: one job per
// leader and channel), with the document, its độ khẩn, the leader and channel, when it was sent or
// when it failed, and when the agency acknowledged the document (registered it in its sổ đến, 03).

import type { DocumentRow } from '../../../storage/rows.js';
import { dateTime, urgencyText } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { Translate } from '../i18n.js';
import { dataTable } from '../widgets.js';

export interface AlertView {
  jobId: number;
  document: DocumentRow;
  channel: string;
  leader: { name: string; phone?: string; email?: string };
  status: 'queued' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  lastReply: string | null;
  createdAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
  acknowledgedAt: Date | null;
}

function state(t: Translate, a: AlertView): string {
  if (a.status === 'delivered') return t('Đã gửi', 'Sent');
  if (a.status === 'failed') return t('Gửi lỗi (đã dừng)', 'Failed (gave up)');
  return a.attempts > 0 ? t('Đang thử lại', 'Retrying') : t('Đang chờ gửi', 'Waiting');
}

export function alertsPage(t: Translate, alerts: AlertView[], timeZone: string): SafeHtml {
  const at = (d: Date | null) => (d ? dateTime(d, timeZone) : '—');
  return html`<p class="hint">
      ${t(
        'Tin nhắn và thư cảnh báo gửi lãnh đạo cơ quan khi nhận văn bản hỏa tốc (Điều 8.5). "Đã tiếp nhận" là lúc văn thư vào sổ văn bản (trạng thái 03).',
        'Text messages and e-mails sent to the agency’s leaders when an urgent document arrives (Điều 8.5). "Acknowledged" is when the clerk registered the document (status 03).',
      )}
    </p>
    ${dataTable({
      className: 'alerts',
      headings: [
        t('Văn bản', 'Document'),
        t('Độ khẩn', 'Urgency'),
        t('Người nhận', 'Recipient'),
        t('Kênh', 'Channel'),
        t('Trạng thái', 'State'),
        t('Gửi lúc', 'Sent at'),
        t('Lỗi lúc', 'Failed at'),
        t('Đã tiếp nhận', 'Acknowledged'),
        t('Trả lời', 'Reply'),
      ],
      rows: alerts.map((a) => [
        html`<a href="/documents/${encodeURIComponent(a.document.id)}">${a.document.documentNumber ?? a.document.id}</a
          ><br />${a.document.summary ?? a.document.subject ?? ''}`,
        urgencyText(t, a.document.urgency),
        html`${a.leader.name}<br /><small>${a.channel === 'sms' ? (a.leader.phone ?? '') : (a.leader.email ?? '')}</small>`,
        a.channel === 'sms' ? 'SMS' : 'E-mail',
        state(t, a),
        at(a.sentAt),
        at(a.failedAt),
        at(a.acknowledgedAt),
        a.lastReply ?? '',
      ]),
      empty: t('Chưa có cảnh báo nào.', 'No alerts yet.'),
    })}`;
}
