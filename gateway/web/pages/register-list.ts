// Sổ đến / sổ đi: the search form (the register search's filters) and the entries found.

import type { RegisterHit } from '../../../storage/register/search.js';
import type { AgencyDirectory } from '../../../config/agencies.js';
import { html, type SafeHtml } from '../html.js';
import type { Translate } from '../i18n.js';
import { URGENCY_CODES } from '../../../policies/metadata/urgency-labels.js';
import { dateTime, isoDay, statusLabel, urgencyText } from '../format.js';
import { errorBox } from '../layout.js';

export interface RegisterFilters {
  q?: string;
  number?: string;
  documentNumber?: string;
  from?: string;
  to?: string;
  status?: string;
  urgency?: string;
  counterpart?: string;
}

const INCOMING_STATUSES = ['01', '02', '03', '04', '05', '06'];
const OUTGOING_STATUSES = ['sent', 'held', 'returned'];

export function registerPage(input: {
  t: Translate;
  book: 'incoming' | 'outgoing';
  filters: RegisterFilters;
  hits: RegisterHit[];
  agencies: AgencyDirectory;
  timeZone: string;
  error: string | null;
}): SafeHtml {
  const { t, book, filters: f, hits } = input;
  const statuses = book === 'incoming' ? INCOMING_STATUSES : OUTGOING_STATUSES;
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}" ${current === value ? html` selected` : ''}>${label}</option>`;
  const agencyName = (id: string | null) => (id ? (input.agencies.get(id)?.name ?? id) : '');
  const rows = hits.map(
    (h) =>
      html`<tr>
        <td>${h.number === null ? '—' : `${h.number}/${h.year}`}</td>
        <td>${dateTime(h.registeredAt, input.timeZone)}</td>
        <td>${h.documentNumber ?? ''}</td>
        <td>${isoDay(h.signedDate)}</td>
        <td><a href="/documents/${encodeURIComponent(h.trackingId)}">${h.summary ?? h.subject ?? h.trackingId}</a></td>
        <td>${book === 'incoming' ? agencyName(h.senderAgencyId) : agencyName(h.counterpartAgencyId)}</td>
        <td>${urgencyText(t, h.urgency)}</td>
        <td>${statusLabel(t, h.status)}</td>
      </tr>`,
  );
  return html`<form method="get" class="filters">
      <label
        >${t('Tìm kiếm', 'Search')}
        <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('trích yếu, số ký hiệu, tên tệp', 'summary, number, file name')}"
      /></label>
      <label
        >${book === 'incoming' ? t('Số đến', 'Number') : t('Số đi', 'Number')}
        <input type="text" name="number" value="${f.number ?? ''}" inputmode="numeric" size="6"
      /></label>
      <label>${t('Số ký hiệu', 'Document number')} <input type="text" name="documentNumber" value="${f.documentNumber ?? ''}" size="12" /></label>
      <label>${t('Từ ngày', 'From')} <input type="text" name="from" value="${f.from ?? ''}" placeholder="dd/mm/yyyy" size="10" /></label>
      <label>${t('Đến ngày', 'To')} <input type="text" name="to" value="${f.to ?? ''}" placeholder="dd/mm/yyyy" size="10" /></label>
      <label
        >${t('Độ khẩn', 'Urgency')}
        <select name="urgency">
          <option value="">—</option>
          ${URGENCY_CODES.map((c) => option(c, urgencyText(t, c), f.urgency))}
        </select></label
      >
      <label
        >${t('Trạng thái', 'Status')}
        <select name="status">
          <option value="">—</option>
          ${statuses.map((s) => option(s, statusLabel(t, s), f.status))}
        </select></label
      >
      <label
        >${book === 'incoming' ? t('Cơ quan gửi', 'Sender agency') : t('Nơi nhận', 'Recipient')}
        <select name="counterpart">
          <option value="">—</option>
          ${input.agencies.agencies.map((a) => option(a.id, a.name, f.counterpart))}
        </select></label
      >
      <button type="submit">${t('Lọc', 'Filter')}</button>
    </form>
    ${errorBox(input.error)}
    <table class="register">
      <thead>
        <tr>
          <th>${book === 'incoming' ? t('Số đến', 'No.') : t('Số đi', 'No.')}</th>
          <th>${book === 'incoming' ? t('Ngày đến', 'Received') : t('Ngày gửi', 'Sent')}</th>
          <th>${t('Số ký hiệu', 'Number')}</th>
          <th>${t('Ngày ký', 'Signed')}</th>
          <th>${t('Trích yếu', 'Summary')}</th>
          <th>${book === 'incoming' ? t('Cơ quan gửi', 'From') : t('Nơi nhận', 'To')}</th>
          <th>${t('Độ khẩn', 'Urgency')}</th>
          <th>${t('Trạng thái', 'Status')}</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length > 0
            ? rows
            : html`<tr>
                <td colspan="8">${t('Không có văn bản nào.', 'No documents.')}</td>
              </tr>`
        }
      </tbody>
    </table>`;
}
