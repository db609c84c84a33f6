// Documents of the agency refused by policy (or rejected from quarantine), with their reasons.

import type { DocumentRow } from '../../../storage/rows.js';
import { dateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { Translate } from '../i18n.js';
import { dataTable } from '../widgets.js';

export function returnedPage(t: Translate, documents: DocumentRow[], timeZone: string): SafeHtml {
  return dataTable({
    headings: [t('Ngày gửi', 'Sent'), t('Trích yếu', 'Summary'), t('Số ký hiệu', 'Number'), t('Lý do', 'Reason')],
    rows: documents.map((d) => {
      const verdict = JSON.parse(d.verdict) as { reason?: string; message?: { vi: string; en: string } };
      return [
        dateTime(d.receivedAt, timeZone),
        html`<a href="/documents/${encodeURIComponent(d.id)}">${d.summary ?? d.subject ?? d.id}</a>`,
        d.documentNumber ?? '',
        html`${verdict.message ? t(verdict.message.vi, verdict.message.en) : ''} <code>[${verdict.reason ?? d.reason}]</code>`,
      ];
    }),
    empty: t('Không có văn bản bị trả lại.', 'No returned documents.'),
  });
}
