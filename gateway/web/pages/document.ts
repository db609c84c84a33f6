// One document as its agency sees it: the register fields, the book entries, files with downloads,
// the signature result, the return reason, the signed receipts (download, and a button that checks
// one as `docgate receipt verify` does), and the status history per recipient agency.

import type { AgencyDirectory } from '../../../config/agencies.js';
import type { DocumentFileRow, DocumentRow, RegisterEntryRow, RegisterEventRow } from '../../../storage/rows.js';
import { html, type SafeHtml } from '../html.js';
import type { Translate } from '../i18n.js';
import type { ReceiptLine } from '../../notify/receipt-verify.js';
import { dateTime, isoDay, size, statusLabel, urgencyText } from '../format.js';
import { dataTable, postButton } from '../widgets.js';

interface SignatureView {
  status?: string;
  reason?: string;
  signers?: { verified?: boolean; subject?: string | null; emails?: string[]; serial?: string | null }[];
}

interface VerdictView {
  reason?: string;
  message?: { vi: string; en: string };
}

/** A signed receipt of the document (its register event), shown to the sending agency only. */
interface ReceiptView {
  event: RegisterEventRow;
}

/** The result of the "Kiểm tra / Verify" button for one receipt. */
export interface ReceiptCheckView {
  eventId: number;
  verdict: 'valid' | 'invalid' | 'mismatch';
  lines: ReceiptLine[];
}

export interface DocumentView {
  document: DocumentRow;
  senderName: string;
  entries: RegisterEntryRow[];
  files: DocumentFileRow[];
  events: RegisterEventRow[];
  receipts: ReceiptView[];
  check: ReceiptCheckView | null;
  csrf: string;
}

function checkResult(t: Translate, check: ReceiptCheckView): SafeHtml {
  const facts = check.lines.filter((l) => l.tone === 'fact');
  return html`<div class="receipt-check ${check.verdict}" role="status" id="receipt-check">
    ${check.lines
      .filter((l) => l.tone === 'ok' || l.tone === 'bad')
      .map((l) => html`<p class="${l.tone === 'ok' ? 'ok' : 'error'}">${'vi' in l ? t(l.vi, l.en) : ''}</p>`)}
    ${
      facts.length > 0
        ? html`<table class="fields">
            ${facts.map(
              (l) =>
                html`<tr>
                  <th scope="row">${'vi' in l ? t(l.vi, l.en) : ''}</th>
                  <td>${'value' in l ? (l.value ?? '') : ''}</td>
                </tr>`,
            )}
          </table>`
        : ''
    }
    ${
      check.lines.some((l) => l.tone === 'problem')
        ? html`<ul class="problems">
            ${check.lines.map((l) => (l.tone === 'problem' ? html`<li>${l.text}</li>` : ''))}
          </ul>`
        : ''
    }
  </div>`;
}

function receiptsSection(t: Translate, v: DocumentView, name: (id: string | null) => string, timeZone: string): SafeHtml {
  const base = `/documents/${encodeURIComponent(v.document.id)}/receipts`;
  const rows = v.receipts.map(({ event: e }) => [
    dateTime(e.at, timeZone),
    e.status === 'receipt-accepted' ? t('Biên nhận chấp nhận', 'Acceptance receipt') : t('Biên nhận chuyển giao', 'Delivery receipt'),
    e.status === 'receipt-delivered' ? name(e.agencyId) : '',
    html`<a href="${base}/${e.id}" download>${t('Tải về (.eml)', 'Download (.eml)')}</a>`,
    { actions: postButton(v.csrf, `${base}/${e.id}/verify#receipt-check`, t('Kiểm tra', 'Verify')) },
  ]);
  return html`<h2>${t('Biên nhận', 'Receipts')}</h2>
    ${v.check ? checkResult(t, v.check) : ''}
    ${dataTable({
      className: 'receipts',
      headings: [t('Thời điểm', 'Time'), t('Loại', 'Kind'), t('Cơ quan nhận', 'Recipient agency'), t('Tệp', 'File'), t('Kiểm tra chữ ký', 'Signature check')],
      rows,
      empty: t('Chưa có biên nhận.', 'No receipt yet.'),
    })}`;
}

function signature(t: Translate, json: string | null): SafeHtml {
  if (!json) return html`${t('Không ký số', 'Not signed')}`;
  const s = JSON.parse(json) as SignatureView;
  const signers = (s.signers ?? []).map(
    (x) =>
      html`<li>
        ${x.subject ?? x.emails?.join(', ') ?? '?'}${x.serial ? ` (serial ${x.serial})` : ''}:
        ${x.verified ? t('hợp lệ', 'valid') : t('không hợp lệ', 'invalid')}
      </li>`,
  );
  return html`<span class="sig-${s.status ?? 'unknown'}">${s.status ?? '?'}</span> [${s.reason ?? '?'}]${
      signers.length > 0
        ? html`<ul>
            ${signers}
          </ul>`
        : ''
    }`;
}

export function documentPage(t: Translate, v: DocumentView, agencies: AgencyDirectory, timeZone: string): SafeHtml {
  const doc = v.document;
  const name = (id: string | null) => (id ? `${agencies.get(id)?.name ?? id} (${id})` : '');
  const verdict = JSON.parse(doc.verdict) as VerdictView;
  const field = (label: string, value: SafeHtml | string | null) =>
    html`<tr>
      <th scope="row">${label}</th>
      <td>${value ?? ''}</td>
    </tr>`;
  const base = `/documents/${encodeURIComponent(doc.id)}`;
  const byAgency = new Map<string, RegisterEventRow[]>();
  for (const e of v.events) if (e.agencyId !== null) byAgency.set(e.agencyId, [...(byAgency.get(e.agencyId) ?? []), e]);
  return html`<table class="fields">
      ${field(t('Mã theo dõi', 'Tracking id'), doc.id)} ${field(t('Trạng thái', 'Status'), `${statusLabel(t, doc.status)} [${doc.reason}]`)}
      ${field(t('Cơ quan ban hành', 'Issuing agency'), name(doc.senderAgencyId))}
      ${field(t('Người gửi', 'Sent by'), v.senderName ? `${v.senderName} <${doc.senderAccount}>` : doc.senderAccount)}
      ${field(t('Số ký hiệu', 'Number and notation'), doc.documentNumber)} ${field(t('Ngày ký', 'Signing date'), isoDay(doc.signedDate))}
      ${field(t('Loại văn bản', 'Document type'), doc.documentType)} ${field(t('Trích yếu', 'Summary'), doc.summary ?? doc.subject)}
      ${field(t('Người ký', 'Signer'), doc.signer)} ${field(t('Độ khẩn', 'Urgency'), urgencyText(t, doc.urgency))}
      ${field(t('Độ mật', 'Confidentiality'), doc.confidentiality)} ${field(t('Nơi nhận', 'Recipients'), (JSON.parse(doc.recipients) as string[]).join(', '))}
      ${field(t('Ngày nhận', 'Received'), dateTime(doc.receivedAt, timeZone))} ${field(t('Chữ ký số', 'Digital signature'), signature(t, doc.signature))}
      ${doc.status === 'returned' && verdict.message ? field(t('Lý do trả lại', 'Reason returned'), `${t(verdict.message.vi, verdict.message.en)} [${verdict.reason ?? doc.reason}]`) : ''}
    </table>
    <h2>${t('Vào sổ', 'Register entries')}</h2>
    <table>
      <thead>
        <tr>
          <th>${t('Sổ', 'Book')}</th>
          <th>${t('Cơ quan', 'Agency')}</th>
          <th>${t('Số', 'No.')}</th>
          <th>${t('Ngày', 'Date')}</th>
          <th>${t('Trạng thái', 'Status')}</th>
          <th>${t('Ghi chú', 'Note')}</th>
        </tr>
      </thead>
      <tbody>
        ${v.entries.map(
          (e) =>
            html`<tr>
              <td>${e.book === 'incoming' ? t('Sổ đến', 'Incoming') : t('Sổ đi', 'Outgoing')}</td>
              <td>${name(e.agencyId)}</td>
              <td>${e.number === null ? '—' : `${e.number}/${e.year}`}</td>
              <td>${dateTime(e.registeredAt, timeZone)}</td>
              <td>${statusLabel(t, e.status)}</td>
              <td>${e.note ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>${t('Tệp', 'Files')}</h2>
    <ul class="files">
      ${v.files.map(
        (f) =>
          html`<li>
            <a href="${base}/files/${f.id}" download>${f.filename ?? `${t('tệp', 'file')} ${f.position}`}</a> · ${size(f.size)} ·
            ${f.detectedType}${f.role === 'main' ? html` · <strong>${t('văn bản chính', 'main document')}</strong>` : ''}
          </li>`,
      )}
      <li><a href="${base}/original.eml" download>${t('Thư gốc (.eml)', 'Original message (.eml)')}</a></li>
    </ul>
    ${receiptsSection(t, v, name, timeZone)}
    <h2>${t('Lịch sử trạng thái', 'Status history')}</h2>
    ${[...byAgency.entries()].map(
      ([agencyId, events]) =>
        html`<h3>${name(agencyId)}</h3>
          <table class="events">
            <thead>
              <tr>
                <th>${t('Thời gian', 'Time')}</th>
                <th>${t('Trạng thái', 'Status')}</th>
                <th>${t('Người thực hiện', 'Actor')}</th>
                <th>${t('Ghi chú', 'Note')}</th>
              </tr>
            </thead>
            <tbody>
              ${events.map(
                (e) =>
                  html`<tr>
                    <td>${dateTime(e.at, timeZone)}</td>
                    <td>${statusLabel(t, e.status)}</td>
                    <td>${e.actor ?? 'docgate'}</td>
                    <td>${e.note ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}`;
}
