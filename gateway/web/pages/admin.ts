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

const hidden = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}" />`;

function postButton(csrf: string, action: string, label: string, extra: SafeHtml = html``, confirm?: string): SafeHtml {
  return html`<form method="post" action="${action}" class="inline" ${confirm ? html` data-confirm="${confirm}"` : ''}>
    ${hidden(csrf)}${extra}<button type="submit">${label}</button>
  </form>`;
}

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
    return html`<tr>
      <td>${a.email}</td>
      <td>${a.agencyId}</td>
      <td>${a.role === 'admin' ? t('quản trị', 'admin') : t('văn thư', 'clerk')}</td>
      <td>${accountState(t, a)}</td>
      <td>${dateTime(a.createdAt, input.timeZone)}</td>
      <td class="actions">${actions}</td>
    </tr>`;
  });
  return html`${input.message ?? ''}${errorBox(input.error)}
    <h2>${t('Tạo tài khoản', 'New account')}</h2>
    <form method="post" action="/admin/accounts" class="filters">
      ${hidden(csrf)}
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
    <table class="accounts">
      <thead>
        <tr>
          <th>${t('Địa chỉ', 'Address')}</th>
          <th>${t('Cơ quan', 'Agency')}</th>
          <th>${t('Vai trò', 'Role')}</th>
          <th>${t('Trạng thái', 'State')}</th>
          <th>${t('Tạo lúc', 'Created')}</th>
          <th>${t('Thao tác', 'Actions')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
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
    return html`<tr>
      <td>${d.id}</td>
      <td>${dateTime(d.receivedAt, timeZone)}</td>
      <td>${d.senderAccount}</td>
      <td>${d.summary ?? d.subject ?? ''}</td>
      <td>${verdict.message ? t(verdict.message.vi, verdict.message.en) : ''} <code>[${verdict.reason ?? d.reason}]</code></td>
      <td class="actions">
        ${postButton(csrf, `${base}/release`, t('Cho phép gửi', 'Release'), note)} ${postButton(csrf, `${base}/reject`, t('Trả lại', 'Reject'), note)}
      </td>
    </tr>`;
  });
  return html`${errorBox(error)}
    <table>
      <thead>
        <tr>
          <th>${t('Mã theo dõi', 'Tracking id')}</th>
          <th>${t('Nhận lúc', 'Received')}</th>
          <th>${t('Người gửi', 'Sender')}</th>
          <th>${t('Trích yếu', 'Summary')}</th>
          <th>${t('Lý do giữ', 'Reason held')}</th>
          <th>${t('Quyết định', 'Decision')}</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length > 0
            ? rows
            : html`<tr>
                <td colspan="6">${t('Không có văn bản bị giữ.', 'No held documents.')}</td>
              </tr>`
        }
      </tbody>
    </table>`;
}

export function queuePage(t: Translate, csrf: string, jobs: JobRow[], timeZone: string, error: string | null): SafeHtml {
  const rows = jobs.map((j) => {
    const base = `/admin/queue/${j.id}`;
    const open = j.status !== 'delivered';
    return html`<tr>
      <td>${j.id}</td>
      <td>${j.documentId}</td>
      <td>${j.agencyId}</td>
      <td>${j.status}</td>
      <td>${j.attempts}</td>
      <td>${j.status === 'queued' ? dateTime(j.nextAttemptAt, timeZone) : '—'}</td>
      <td>${j.lastReply ?? ''}</td>
      <td class="actions">
        ${open ? html`${postButton(csrf, `${base}/retry`, t('Thử lại', 'Retry'))} ${postButton(csrf, `${base}/drop`, t('Hủy', 'Drop'), html``, t('Hủy công việc này?', 'Drop this job?'))}` : ''}
      </td>
    </tr>`;
  });
  return html`${errorBox(error)}
    <table>
      <thead>
        <tr>
          <th>Id</th>
          <th>${t('Văn bản', 'Document')}</th>
          <th>${t('Cơ quan', 'Agency')}</th>
          <th>${t('Trạng thái', 'Status')}</th>
          <th>${t('Số lần', 'Attempts')}</th>
          <th>${t('Lần tới', 'Next')}</th>
          <th>${t('Trả lời cuối', 'Last reply')}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length > 0
            ? rows
            : html`<tr>
                <td colspan="8">${t('Hàng đợi trống.', 'The queue is empty.')}</td>
              </tr>`
        }
      </tbody>
    </table>`;
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
    <table>
      <thead>
        <tr>
          <th>${t('Mã lý do', 'Reason code')}</th>
          <th>${t('Hành động', 'Action')}</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(input.policy.actions).map(
          ([code, action]) =>
            html`<tr>
              <td><code>${code}</code></td>
              <td>${String(action)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>${t('Cơ quan (agencies.yaml)', 'Agencies (agencies.yaml)')}</h2>
    <table>
      <thead>
        <tr>
          <th>${t('Mã định danh', 'Identifier')}</th>
          <th>${t('Tên', 'Name')}</th>
          <th>${t('Tên miền', 'Domain')}</th>
          <th>${t('Địa chỉ', 'Addresses')}</th>
          <th>${t('Chuyển tiếp', 'Relay')}</th>
        </tr>
      </thead>
      <tbody>
        ${input.agencies.map(
          (a) =>
            html`<tr>
              <td>${a.id}</td>
              <td>${a.name}</td>
              <td>${a.domain}</td>
              <td>${a.addresses.join(', ')}</td>
              <td>${a.relay ? a.relay.url.replace(/\/\/[^@/]*@/, '//') : '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
