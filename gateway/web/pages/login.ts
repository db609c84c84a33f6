// The login form.

import type { Translate } from '../i18n.js';
import { html, type SafeHtml } from '../html.js';
import { errorBox } from '../layout.js';

export function loginForm(t: Translate, csrf: string, email: string, error: string | null): SafeHtml {
  return html`${errorBox(error)}
    <form method="post" action="/login" class="stack">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <label
        >${t('Địa chỉ thư (tên đăng nhập)', 'E-mail address (user name)')}
        <input type="email" name="email" value="${email}" autocomplete="username" required autofocus
      /></label>
      <label>${t('Mật khẩu', 'Password')} <input type="password" name="password" autocomplete="current-password" required /></label>
      <button type="submit">${t('Đăng nhập', 'Log in')}</button>
    </form>
    <p class="hint">
      ${t(
        'Lần đầu đăng nhập bằng mật khẩu tạm thời do quản trị viên cấp, hệ thống sẽ yêu cầu đổi mật khẩu.',
        'At the first login with the temporary password from the administrator you are asked to change it.',
      )}
    </p>`;
}
