// The password change form, with the rules the new password must meet (storage/accounts/password-rules.ts).

import type { Translate } from '../i18n.js';
import { html, type SafeHtml } from '../html.js';
import { errorBox } from '../layout.js';

export function passwordForm(
  t: Translate,
  csrf: string,
  options: { forced: boolean; minLength: number; classes: number; history: number; error: string | null },
): SafeHtml {
  return html`${
      options.forced
        ? html`<p class="notice">
            ${t(
              'Bạn đang dùng mật khẩu tạm thời: hãy đặt mật khẩu mới trước khi làm việc (Quy chế, Điều 10.2).',
              'You are using a temporary password: set a new one before you go on.',
            )}
          </p>`
        : ''
    }
    ${errorBox(options.error)}
    <form method="post" action="/password" class="stack">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <label>${t('Mật khẩu hiện tại', 'Current password')} <input type="password" name="current" autocomplete="current-password" required /></label>
      <label
        >${t('Mật khẩu mới', 'New password')} <input type="password" name="password" autocomplete="new-password" required minlength="${options.minLength}"
      /></label>
      <label>${t('Nhập lại mật khẩu mới', 'New password again')} <input type="password" name="confirm" autocomplete="new-password" required /></label>
      <button type="submit">${t('Đổi mật khẩu', 'Change password')}</button>
    </form>
    <ul class="hint">
      <li>${t(`Ít nhất ${options.minLength} ký tự`, `At least ${options.minLength} characters`)}</li>
      ${
        options.classes > 1
          ? html`<li>
              ${t(
                `Có ít nhất ${options.classes} trong 4 loại: chữ thường, chữ hoa, chữ số, ký tự khác`,
                `At least ${options.classes} of 4 kinds: lowercase, uppercase, digits, other characters`,
              )}
            </li>`
          : ''
      }
      <li>${t('Không trùng hoặc chứa tên đăng nhập', 'Not equal to or containing the user name')}</li>
      <li>${t('Không phải dãy lặp, dãy liên tiếp hay mật khẩu phổ biến', 'Not a run, a sequence or a common password')}</li>
      <li>${t(`Không trùng ${options.history} mật khẩu gần nhất`, `Not one of the last ${options.history} passwords`)}</li>
    </ul>`;
}
