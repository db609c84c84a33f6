// The web portal's HTTPS listeners (Fastify): the TLS material and profile of SMTP and IMAP, security
// headers (helmet: CSP with per-request nonces and no 'unsafe-inline', frame-ancestors 'none', HSTS),
// cookies, CSRF tokens on every form POST (mail clients' autodiscover POST is the one exemption: it
// carries no cookie and changes nothing), a login rate limit, and the routes of routes/.

import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import rateLimit from '@fastify/rate-limit';
import type { WebListener } from '../../config/schema.js';
import { TLS_PROFILE, type TlsMaterial } from '../tls.js';
import type { PortalDeps } from './context.js';
import { sendPage } from './context.js';
import { html } from './html.js';
import { LANG_COOKIE, langOf, translator } from './i18n.js';
import { page } from './layout.js';
import { loadUser } from './session.js';
import { csrfUserInfo } from './guards.js';
import { notFound } from './not-found.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerRegisterRoutes } from './routes/register.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerReportRoutes } from './routes/reports.js';
import { registerAutoconfigRoutes } from './routes/autoconfig.js';

export interface RunningWebListener {
  listener: WebListener;
  port: number;
  close(): Promise<void>;
}

/** The style sheet and script shipped with the package (the source tree's static/, also from dist/). */
function staticRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'gateway', 'web', 'static');
}

const CSRF_EXEMPT = /^\/autodiscover\//i;

async function buildPortal(deps: PortalDeps, tls: TlsMaterial): Promise<FastifyInstance> {
  const app = Fastify({
    https: { key: tls.key, cert: tls.cert, ...TLS_PROFILE },
    logger: false,
    bodyLimit: 64 * 1024,
    trustProxy: false,
    return503OnClosing: true,
  });
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: '__Host-dg_csrf',
    cookieOpts: { path: '/', httpOnly: true, secure: true, sameSite: 'strict' },
    // Tokens are bound to the session (its id hash), keyed by a secret every process derives alike.
    getUserInfo: (req: FastifyRequest) => csrfUserInfo(req),
    csrfOpts: { hmacKey: createHmac('sha256', tls.key).update('docgate-portal-csrf').digest('base64') },
  });
  await app.register(fastifyStatic, { root: staticRoot(), prefix: '/static/', index: false, maxAge: '1h' });
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, body));

  app.decorateRequest('portal', null as never);
  app.addHook('onRequest', async (req, reply) => {
    const lang = langOf(req.cookies[LANG_COOKIE], req.headers['accept-language']);
    req.portal = { lang, t: translator(lang), nonce: reply.cspNonce?.script ?? '', user: null };
    if (!req.url.startsWith('/static/')) req.portal.user = await loadUser(deps, req);
  });
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'POST' && !CSRF_EXEMPT.test(req.url)) app.csrfProtection(req, reply, done);
    else done();
  });
  app.addHook('onSend', async (req, reply) => {
    // Pages show one agency's documents: never kept by a shared cache or the browser's history.
    if (!req.url.startsWith('/static/')) reply.header('Cache-Control', 'no-store');
  });

  app.setNotFoundHandler((req, reply) => notFound(deps, req, reply));
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    req.portal ??= { lang: 'vi', t: translator('vi'), nonce: '', user: null };
    const { t } = req.portal;
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
      const body = html`<p>
        ${t('Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.', 'The form expired or is not valid. Reload the page and try again.')}
      </p>`;
      return sendPage(reply, page(deps, req, { title: t('Yêu cầu bị từ chối', 'Request refused'), body }), 403);
    }
    if (err.statusCode === 429) {
      const body = html`<p>${t('Quá nhiều lần thử. Hãy đợi một phút rồi thử lại.', 'Too many attempts. Wait a minute and try again.')}</p>`;
      return sendPage(reply, page(deps, req, { title: t('Quá nhiều yêu cầu', 'Too many requests'), body }), 429);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendPage(reply, page(deps, req, { title: t('Yêu cầu không hợp lệ', 'Bad request'), body: html`` }), err.statusCode);
    }
    deps.log.error('portal request failed', { url: req.url.slice(0, 200), err: err.message });
    return sendPage(reply, page(deps, req, { title: t('Lỗi hệ thống', 'Internal error'), body: html`` }), 500);
  });

  app.get('/lang/:lang', (req, reply) => {
    const { lang } = req.params as { lang: string };
    const back = (req.query as { back?: string }).back ?? '/';
    // Only a path on this site: never an open redirect.
    const target = /^\/(?![/\\])/.test(back) ? back : '/';
    if (lang === 'vi' || lang === 'en') reply.setCookie(LANG_COOKIE, lang, { path: '/', secure: true, sameSite: 'strict', maxAge: 365 * 86400 });
    return reply.redirect(target, 303);
  });
  registerAutoconfigRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerRegisterRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerAlertRoutes(app, deps);
  return app;
}

export async function startWebListeners(deps: PortalDeps, tls: TlsMaterial): Promise<RunningWebListener[]> {
  const running: RunningWebListener[] = [];
  try {
    for (const listener of deps.config.docgate.web.listeners) {
      const app = await buildPortal(deps, tls);
      await app.listen({ host: listener.host, port: listener.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : listener.port;
      deps.log.info('web portal listening', { host: listener.host, port });
      running.push({ listener, port, close: () => app.close() });
    }
  } catch (err) {
    await Promise.all(running.map((r) => r.close().catch(() => undefined)));
    throw err;
  }
  return running;
}
