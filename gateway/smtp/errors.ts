// smtp-server's 'error' events as one log line each: a client's failed TLS handshake is routine (scanners,
// old clients) and logged at info with its error code and reason; nothing logs a stack for either.

import type { Logger } from '../../config/log.js';

interface ServerError extends Error {
  code?: string;
  meta?: { remoteAddress?: string; message?: string; tlsProtocol?: string | null; stage?: string };
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim().slice(0, 300);
}

/** The OpenSSL reason of "…:error:0A000102:SSL routines:func:unsupported protocol:file:line:", else the text. */
function tlsReason(text: string): string {
  const match = /SSL routines:[^:]*:([^:]+)/.exec(text);
  return match ? match[1] : firstLine(text);
}

export function logSmtpServerError(log: Logger, port: number, err: ServerError): void {
  const detail = err.meta?.message ?? err.message ?? '';
  const tls = err.code === 'TLSError' || /^ERR_SSL_/.test(err.code ?? '') || /SSL routines|TLS/.test(`${err.message} ${detail}`);
  const fields = { port, code: err.code ?? null, remote: err.meta?.remoteAddress ?? null, reason: tls ? tlsReason(detail) : firstLine(detail) };
  if (tls) log.info('smtp tls handshake failed', fields);
  else log.warn('smtp server error', fields);
}
