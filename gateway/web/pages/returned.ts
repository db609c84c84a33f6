// Documents of the agency refused by policy (or rejected from quarantine), with their reasons.

import type { DocumentRow } from '../../../storage/rows.js';
import { dateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { Translate } from '../i18n.js';

export function returnedPage(t: Translate, documents: DocumentRow[], timeZone: string): SafeHtml {
  const rows = documents.map((d) => {
    const verdict = JSON.parse(d.verdict) as { reason?: string; message?: { vi: string; en: string } };
    return html`<tr>
      <td>${dateTime(d.receivedAt, timeZone)}</td>
      <td><a href="/documents/${encodeURIComponent(d.id)}">${d.summary ?? d.subject ?? d.id}</a></td>
      <td>${d.documentNumber ?? ''}</td>
      <td>${verdict.message ? t(verdict.message.vi, verdict.message.en) : ''} <code>[${verdict.reason ?? d.reason}]</code></td>
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        <th>${t('Ngày gửi', 'Sent')}</th>
        <th>${t('Trích yếu', 'Summary')}</th>
        <th>${t('Số ký hiệu', 'Number')}</th>
        <th>${t('Lý do', 'Reason')}</th>
      </tr>
    </thead>
    <tbody>
      ${
        rows.length > 0
          ? rows
          : html`<tr>
              <td colspan="4">${t('Không có văn bản bị trả lại.', 'No returned documents.')}</td>
            </tr>`
      }
    </tbody>
  </table>`;
}
