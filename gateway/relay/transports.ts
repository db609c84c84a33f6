// Sending one stored message to one agency's server: SMTP/LMTP through nodemailer, IMAP APPEND through
// imapflow. The bytes go as given (raw), never re-encoded. Every failure is classified here: a 5xx reply
// is permanent, a 4xx reply, a refused connection, a timeout or a TLS failure is temporary.

import { isIP } from 'node:net';
import type nodemailer from 'nodemailer';
import type { ResolvedTarget } from './target.js';

export type SendOutcome =
  | { kind: 'delivered'; reply: string; rejected: { recipient: string; reply: string }[] }
  | { kind: 'temporary'; reply: string }
  | { kind: 'permanent'; reply: string };

export interface SendRequest {
  target: ResolvedTarget;
  from: string;
  to: string[];
  raw: Buffer;
  /** Our EHLO/LHLO name. */
  hostname: string;
  timeoutMs: number;
}

function tlsOptions(target: ResolvedTarget) {
  // The certificate is always checked: against the configured CA file, else the system store.
  // SNI carries names only (RFC 6066); an IP target is still checked against the certificate's IP SAN.
  return { rejectUnauthorized: true, ...(isIP(target.host) ? {} : { servername: target.host }), ...(target.ca ? { ca: target.ca } : {}) };
}

interface MailError {
  responseCode?: number;
  response?: string;
  code?: string;
  message?: string;
  rejected?: string[];
  rejectedErrors?: MailError[];
  recipient?: string;
}

function oneLine(text: string): string {
  return text
    .replace(/\s*\r?\n\s*/g, ' ')
    .trim()
    .slice(0, 1000);
}

function classifySmtpError(err: MailError): SendOutcome {
  const code = err.responseCode ?? err.rejectedErrors?.[0]?.responseCode;
  const reply = oneLine(err.response ?? err.rejectedErrors?.[0]?.response ?? `${err.code ?? 'ERROR'} ${err.message ?? 'unknown error'}`);
  if (code !== undefined && code >= 500 && code < 600) return { kind: 'permanent', reply };
  return { kind: 'temporary', reply };
}

type SmtpTransport = ReturnType<typeof nodemailer.createTransport>;

/**
 * SMTP/LMTP transports kept per target: pooled connections (up to `maxConnections`, each reused for up
 * to 100 messages) instead of a TCP+TLS handshake and greeting per job. A broken pooled connection fails
 * the job it carried as temporary, like any connection failure.
 */
export class SmtpPools {
  private readonly pools = new Map<string, SmtpTransport>();

  constructor(private readonly maxConnections: number) {}

  async get(req: SendRequest): Promise<SmtpTransport> {
    const { target } = req;
    const key = JSON.stringify([target.scheme, target.host, target.port, target.tls, target.ca ?? '', target.auth?.user ?? '', target.auth?.pass ?? '']);
    let transport = this.pools.get(key);
    if (!transport) {
      // Loaded on the first relay or alert: most gateways have no agency behind its own server.
      const { default: mailer } = await import('nodemailer');
      transport =
        this.pools.get(key) ??
        mailer.createTransport({
          host: target.host,
          port: target.port,
          lmtp: target.scheme === 'lmtp',
          secure: target.tls === 'implicit',
          requireTLS: target.tls === 'starttls',
          ignoreTLS: target.tls === 'none',
          tls: tlsOptions(target),
          name: req.hostname,
          auth: target.auth,
          connectionTimeout: req.timeoutMs,
          greetingTimeout: req.timeoutMs,
          socketTimeout: req.timeoutMs,
          pool: true,
          maxConnections: this.maxConnections,
          maxMessages: 100,
        });
      this.pools.set(key, transport);
    }
    return transport;
  }

  close(): void {
    for (const transport of this.pools.values()) transport.close();
    this.pools.clear();
  }
}

async function sendSmtp(req: SendRequest, pools: SmtpPools): Promise<SendOutcome> {
  try {
    // nodemailer's SMTP transports resolve with the peer's reply and the recipients it refused.
    const info = (await (await pools.get(req)).sendMail({ envelope: { from: req.from, to: req.to }, raw: req.raw })) as {
      response?: string;
      rejectedErrors?: MailError[];
    };
    const rejectedErrors = info.rejectedErrors ?? [];
    return {
      kind: 'delivered',
      reply: oneLine(info.response ?? ''),
      rejected: rejectedErrors.map((e) => ({ recipient: e.recipient ?? '', reply: oneLine(e.response ?? e.message ?? '') })),
    };
  } catch (err) {
    return classifySmtpError(err as MailError);
  }
}

async function appendImap(req: SendRequest): Promise<SendOutcome> {
  const { target } = req;
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.tls === 'implicit',
    doSTARTTLS: target.tls === 'starttls' ? true : target.tls === 'none' ? false : undefined,
    tls: tlsOptions(target),
    auth: target.auth ?? { user: '', pass: '' },
    logger: false,
    connectionTimeout: req.timeoutMs,
    greetingTimeout: req.timeoutMs,
    socketTimeout: req.timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const appended = await client.append(target.mailbox, req.raw).catch(async (err: { responseText?: string; serverResponseCode?: string }) => {
      // A folder that does not exist yet (NO [TRYCREATE], RFC 3501 6.3.11) is created once, then filled.
      if (!/TRYCREATE/i.test(`${err.serverResponseCode ?? ''} ${err.responseText ?? ''}`)) throw err;
      await client.mailboxCreate(target.mailbox);
      return client.append(target.mailbox, req.raw);
    });
    if (!appended) return { kind: 'temporary', reply: `APPEND to ${target.mailbox} returned nothing` };
    return { kind: 'delivered', reply: oneLine(`OK APPEND ${target.mailbox}${appended.uid ? ` uid ${appended.uid}` : ''}`), rejected: [] };
  } catch (err) {
    const e = err as { responseText?: string; responseStatus?: string; message?: string; code?: string };
    // IMAP has no permanent/temporary split: every failure retries until the give-up time.
    return { kind: 'temporary', reply: oneLine(`${e.responseStatus ?? e.code ?? 'ERROR'} ${e.responseText ?? e.message ?? String(err)}`) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export function send(req: SendRequest, pools: SmtpPools): Promise<SendOutcome> {
  return req.target.scheme === 'imap' || req.target.scheme === 'imaps' ? appendImap(req) : sendSmtp(req, pools);
}
