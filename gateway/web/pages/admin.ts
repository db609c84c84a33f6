// The administrator's pages: accounts, the quarantine, the relay queue, and the configuration in force.

import type { Agency } from '../../../config/schema.js';
import type { PolicyConfig } from '../../../policies/policy-file.js';
import type { JobRow } from '../../../storage/queue/repository.js';
import type { AccountRow, DocumentRow } from '../../../storage/rows.js';
import type { PreflightProblem } from '../../preflight.js';
import { dateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { Translate } from '../i18n.js';
import { errorBox } from '../layout.js';
import { csrfField, dataTable, postButton } from '../widgets.js';

function accountState(t: Translate, a: AccountRow): string {
  if (a.removedAt) return t('đã xóa', 'removed');
  if (a.disabled) return t('bị khóa', 'locked');
  return a.mustChangePassword ? t('mật khẩu tạm', 'temporary password') : t('hoạt động', 'active');
}

export function accountsPage(
  t: Translate,
  csrf: string,
  input: { accounts: AccountRow[]; agencies: readonly Agency[]; timeZone: string; message: SafeHtml | null; error: string | null },
): SafeHtml {
  const reauth = html`<input
    type="password"
    name="current"
    placeholder="${t('mật khẩu của bạn', 'your password')}"
    autocomplete="current-password"
    required
  />`;
  const rows = input.accounts.map((a) => {
    const base = `/admin/accounts/${a.id}`;
    const actions = a.removedAt
      ? html``
      : html`${a.disabled ? postButton(csrf, `${base}/unlock`, t('Mở khóa', 'Unlock')) : postButton(csrf, `${base}/lock`, t('Khóa', 'Lock'), html``, t('Khóa tài khoản này?', 'Lock this account?'))}
        ${postButton(csrf, `${base}/reset`, t('Cấp mật khẩu tạm', 'Reset password'), reauth)}
        ${postButton(
          csrf,
          `${base}/role`,
          t('Đổi vai trò', 'Change role'),
          html`<select name="role">
              <option value="clerk" ${a.role === 'clerk' ? html` selected` : ''}>${t('văn thư', 'clerk')}</option>
              <option value="admin" ${a.role === 'admin' ? html` selected` : ''}>${t('quản trị', 'admin')}</option></select
            >${reauth}`,
        )}`;
    return [
      a.email,
      a.agencyId,
      a.role === 'admin' ? t('quản trị', 'admin') : t('văn thư', 'clerk'),
      accountState(t, a),
      dateTime(a.createdAt, input.timeZone),
      { actions },
    ];
  });
  return html`${input.message ?? ''}${errorBox(input.error)}
    <h2>${t('Tạo tài khoản', 'New account')}</h2>
    <form method="post" action="/admin/accounts" class="filters">
      ${csrfField(csrf)}
      <label>${t('Địa chỉ thư', 'E-mail address')} <input type="email" name="email" required /></label>
      <label
        >${t('Cơ quan', 'Agency')}
        <select name="agency">
          ${input.agencies.map((a) => html`<option value="${a.id}">${a.name} (${a.id})</option>`)}
        </select></label
      >
      <label
        >${t('Vai trò', 'Role')}
        <select name="role">
          <option value="clerk">${t('văn thư', 'clerk')}</option>
          <option value="admin">${t('quản trị', 'admin')}</option>
        </select></label
      >
      <button type="submit">${t('Tạo', 'Create')}</button>
    </form>
    <h2>${t('Danh sách tài khoản', 'Accounts')}</h2>
    ${dataTable({
      className: 'accounts',
      headings: [
        t('Địa chỉ', 'Address'),
        t('Cơ quan', 'Agency'),
        t('Vai trò', 'Role'),
        t('Trạng thái', 'State'),
        t('Tạo lúc', 'Created'),
        t('Thao tác', 'Actions'),
      ],
      rows,
      empty: t('Chưa có tài khoản.', 'No accounts yet.'),
    })}`;
}

/** Shown once: the temporary password is not stored anywhere readable. */
export function temporaryPasswordBox(t: Translate, email: string, password: string): SafeHtml {
  return html`<div class="notice" role="status">
    <p>${t('Mật khẩu tạm thời của', 'Temporary password for')} <strong>${email}</strong> (${t('chỉ hiện một lần', 'shown once')}):</p>
    <p><code class="secret">${password}</code></p>
    <p>${t('Người dùng phải đổi mật khẩu này ở lần đăng nhập đầu tiên.', 'The user must change it at the first login.')}</p>
  </div>`;
}

export function quarantinePage(t: Translate, csrf: string, docs: DocumentRow[], timeZone: string, error: string | null): SafeHtml {
  const note = html`<input type="text" name="note" maxlength="500" placeholder="${t('ghi chú', 'note')}" />`;
  const rows = docs.map((d) => {
    const verdict = JSON.parse(d.verdict) as { reason?: string; message?: { vi: string; en: string } };
    const base = `/admin/quarantine/${encodeURIComponent(d.id)}`;
    return [
      d.id,
      dateTime(d.receivedAt, timeZone),
      d.senderAccount,
      d.summary ?? d.subject ?? '',
      html`${verdict.message ? t(verdict.message.vi, verdict.message.en) : ''} <code>[${verdict.reason ?? d.reason}]</code>`,
      {
        actions: html`${postButton(csrf, `${base}/release`, t('Cho phép gửi', 'Release'), note)}
        ${postButton(csrf, `${base}/reject`, t('Trả lại', 'Reject'), note)}`,
      },
    ];
  });
  return html`${errorBox(error)}
  ${dataTable({
    headings: [
      t('Mã theo dõi', 'Tracking id'),
      t('Nhận lúc', 'Received'),
      t('Người gửi', 'Sender'),
      t('Trích yếu', 'Summary'),
      t('Lý do giữ', 'Reason held'),
      t('Quyết định', 'Decision'),
    ],
    rows,
    empty: t('Không có văn bản bị giữ.', 'No held documents.'),
  })}`;
}

export function queuePage(t: Translate, csrf: string, jobs: JobRow[], timeZone: string, error: string | null): SafeHtml {
  const rows = jobs.map((j) => {
    const base = `/admin/queue/${j.id}`;
    const open = j.status !== 'delivered';
    return [
      j.id,
      j.kind,
      j.documentId,
      j.agencyId,
      j.status,
      j.attempts,
      j.status === 'queued' ? dateTime(j.nextAttemptAt, timeZone) : '—',
      j.lastReply ?? '',
      {
        actions: open
          ? html`${postButton(csrf, `${base}/retry`, t('Thử lại', 'Retry'))}
            ${postButton(csrf, `${base}/drop`, t('Hủy', 'Drop'), html``, t('Hủy công việc này?', 'Drop this job?'))}`
          : '',
      },
    ];
  });
  return html`${errorBox(error)}
  ${dataTable({
    headings: [
      'Id',
      t('Loại', 'Kind'),
      t('Văn bản', 'Document'),
      t('Cơ quan', 'Agency'),
      t('Trạng thái', 'Status'),
      t('Số lần', 'Attempts'),
      t('Lần tới', 'Next'),
      t('Trả lời cuối', 'Last reply'),
      '',
    ],
    className: 'queue',
    rows,
    empty: t('Không có công việc đang chờ hoặc lỗi.', 'No waiting or failed job.'),
  })}`;
}

export function configPage(
  t: Translate,
  input: { policy: PolicyConfig; agencies: readonly Agency[]; problems: PreflightProblem[]; hostname: string },
): SafeHtml {
  return html`<h2>${t('Kiểm tra cấu hình', 'Configuration check')}</h2>
    ${
      input.problems.length === 0
        ? html`<p class="ok">
            ${t(`Cấu hình hợp lệ: ${input.agencies.length} cơ quan, ${input.policy.checks.length} kiểm tra.`, `Configuration is valid: ${input.agencies.length} agencies, ${input.policy.checks.length} checks.`)}
          </p>`
        : html`<ul class="error">
            ${input.problems.map((p) => html`<li><code>${p.field}</code>: ${t(p.vi, p.en)}</li>`)}
          </ul>`
    }
    <h2>${t('Chính sách kiểm tra (policy.yaml)', 'Policy (policy.yaml)')}</h2>
    <ol>
      ${input.policy.checks.map((c) => html`<li><code>${c.id}</code>${Object.keys(c.options ?? {}).length > 0 ? html` <small>${JSON.stringify(c.options)}</small>` : ''}</li>`)}
    </ol>
    ${dataTable({
      headings: [t('Mã lý do', 'Reason code'), t('Hành động', 'Action')],
      rows: Object.entries(input.policy.actions).map(([code, action]) => [html`<code>${code}</code>`, String(action)]),
      empty: '—',
    })}
    <h2>${t('Cơ quan (agencies.yaml)', 'Agencies (agencies.yaml)')}</h2>
    ${dataTable({
      headings: [t('Mã định danh', 'Identifier'), t('Tên', 'Name'), t('Tên miền', 'Domain'), t('Địa chỉ', 'Addresses'), t('Chuyển tiếp', 'Relay')],
      rows: input.agencies.map((a) => [a.id, a.name, a.domain, a.addresses.join(', '), a.relay ? a.relay.url.replace(/\/\/[^@/]*@/, '//') : '—']),
      empty: '—',
    })}`;
}
