// The page shell: header with the agency, navigation by role, the language switch and logout; the
// one script and style sheet come from /static (no inline code: CSP allows only 'self' and the nonce).

import type { FastifyRequest } from 'fastify';
import type { PortalDeps } from './context.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';

export interface PageOptions {
  title: string;
  body: HtmlValue;
  /** The CSRF token for the header's logout form (pages with a user). */
  csrf?: string;
}

function nav(req: FastifyRequest): SafeHtml {
  const { t, user } = req.portal;
  if (!user || user.account.mustChangePassword) return html``;
  const link = (href: string, vi: string, en: string) => html`<li><a href="${href}">${t(vi, en)}</a></li>`;
  return html`<nav aria-label="${t('Chức năng', 'Menu')}">
    <ul>
      ${link('/incoming', 'Sổ đến', 'Incoming register')} ${link('/outgoing', 'Sổ đi', 'Outgoing register')}
      ${link('/returned', 'Văn bản bị trả lại', 'Returned documents')} ${link('/alerts', 'Cảnh báo hỏa tốc', 'Urgent alerts')}
      ${link('/mail-setup', 'Cài đặt ứng dụng thư', 'Mail client set-up')} ${link('/password', 'Đổi mật khẩu', 'Change password')}
      ${
        user.account.role === 'admin'
          ? [
              link('/admin/accounts', 'Tài khoản', 'Accounts'),
              link('/admin/quarantine', 'Văn bản bị giữ', 'Quarantine'),
              link('/admin/queue', 'Hàng đợi chuyển tiếp', 'Relay queue'),
              link('/admin/config', 'Cấu hình', 'Configuration'),
              link('/admin/reports', 'Báo cáo', 'Reports'),
            ]
          : ''
      }
    </ul>
  </nav>`;
}

export function page(deps: PortalDeps, req: FastifyRequest, options: PageOptions): SafeHtml {
  const { t, lang, user, nonce } = req.portal;
  const agency = user ? deps.agencies.get(user.account.agencyId) : undefined;
  const other = lang === 'vi' ? 'en' : 'vi';
  const back = encodeURIComponent(req.url.startsWith('/') && !req.url.startsWith('//') ? req.url : '/');
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · docgate</title>
        <link rel="stylesheet" href="/static/portal.css" />
        <script src="/static/portal.js" nonce="${nonce}" defer></script>
      </head>
      <body>
        <header>
          <strong>${t('Cổng văn bản điện tử', 'Official document gateway')}</strong>
          ${agency ? html`<span class="agency">${agency.name}</span>` : ''}
          <a class="lang" href="/lang/${other}?back=${back}" hreflang="${other}">${other === 'en' ? 'English' : 'Tiếng Việt'}</a>
          ${
            user && options.csrf
              ? html`<span class="user">${user.account.email}</span>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value="${options.csrf}" /><button type="submit">${t('Đăng xuất', 'Log out')}</button>
                  </form>`
              : ''
          }
        </header>
        ${nav(req)}
        <main>
          <h1>${options.title}</h1>
          ${options.body}
        </main>
      </body>
    </html>`;
}

/** A `<p class="error">` for a message, or nothing. */
export function errorBox(message: string | null | undefined): SafeHtml {
  return message ? html`<p class="error" role="alert">${message}</p>` : html``;
}
