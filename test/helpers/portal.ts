// The web portal in tests: a gateway with one HTTPS listener (and IMAP), a small HTTPS client with a
// cookie jar for the requests a browser is not needed for (headless Chromium for those it is: chromium.ts).

import https from 'node:https';
import { startTestGateway, type TestGateway } from './gateway.js';
import type { TestEnv, TestEnvOptions } from './env.js';

export interface PortalGateway extends TestGateway {
  webPort: number;
  baseUrl: string;
}

export async function startPortalGateway(
  options: TestEnvOptions & { now?: () => Date; beforeStart?: (env: TestEnv) => Promise<void> } = {},
): Promise<PortalGateway> {
  const tg = await startTestGateway({
    imap: true,
    ...options,
    docgate: { web: { listeners: [{ host: '127.0.0.1', port: 0 }], loginRateLimit: 1000 }, ...(options.docgate ?? {}) },
  });
  const webPort = tg.gateway.web[0].port;
  return { ...tg, webPort, baseUrl: `https://127.0.0.1:${webPort}` };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** One HTTPS request to the portal (its certificate is self-signed). */
export function request(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${baseUrl}${path}`, { method: options.method ?? 'GET', headers: options.headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A client with a cookie jar, as one browser would be. */
export class PortalClient {
  readonly cookies = new Map<string, string>();
  /** Set-Cookie lines of the last response. */
  lastSetCookie: string[] = [];

  constructor(private readonly baseUrl: string) {}

  async get(path: string): Promise<HttpResponse> {
    return this.send('GET', path);
  }

  async post(path: string, form: Record<string, string>): Promise<HttpResponse> {
    return this.send('POST', path, new URLSearchParams(form).toString());
  }

  /** The CSRF token of the page's first form. */
  static csrfOf(page: HttpResponse): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no CSRF token in the page (status ${page.status})`);
    return m[1];
  }

  async login(email: string, password: string): Promise<HttpResponse> {
    const form = await this.get('/login');
    return this.post('/login', { _csrf: PortalClient.csrfOf(form), email, password });
  }

  private async send(method: string, path: string, body?: string): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await request(this.baseUrl, path, { method, headers, body });
    const set = res.headers['set-cookie'] ?? [];
    this.lastSetCookie = Array.isArray(set) ? set : [set];
    for (const line of this.lastSetCookie) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}
