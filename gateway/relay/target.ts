// An agency's relay target from agencies.yaml → what the transports need: scheme, host, port, TLS mode,
// CA, credentials (read from passwordFile, relative to the config directory; never inline).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RelayTarget } from '../../config/schema.js';

type RelayScheme = 'smtp' | 'smtps' | 'lmtp' | 'imap' | 'imaps';
/** implicit: TLS from the first byte; starttls: required (no plaintext fallback); none: plaintext (only if the URL says ?tls=none). */
type TlsMode = 'implicit' | 'starttls' | 'none';

export interface ResolvedTarget {
  scheme: RelayScheme;
  host: string;
  port: number;
  tls: TlsMode;
  /** PEM text of the configured CA file; undefined: the system store. */
  ca: string | undefined;
  auth: { user: string; pass: string } | undefined;
  /** IMAP targets: the folder APPENDed to. */
  mailbox: string;
  /** The URL without credentials, for logs, the register and the CLI. */
  display: string;
}

const DEFAULT_PORTS: Record<RelayScheme, number> = { smtp: 25, smtps: 465, lmtp: 24, imap: 143, imaps: 993 };

export function resolveTarget(target: RelayTarget, configDir: string): ResolvedTarget {
  const url = new URL(target.url);
  const scheme = url.protocol.replace(/:$/, '') as RelayScheme;
  const requested = url.searchParams.get('tls');
  const tls: TlsMode = scheme === 'smtps' || scheme === 'imaps' ? 'implicit' : requested === 'none' ? 'none' : 'starttls';
  if (url.username || url.password) throw new Error(`relay URL ${target.url} carries credentials: use username + passwordFile`);
  const pass = target.passwordFile ? readFileSync(path.resolve(configDir, target.passwordFile), 'utf8').replace(/\r?\n$/, '') : undefined;
  const folder = target.mailbox ?? (decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX');
  return {
    scheme,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : DEFAULT_PORTS[scheme],
    tls,
    ca: target.caFile ? readFileSync(path.resolve(configDir, target.caFile), 'utf8') : undefined,
    auth: target.username !== undefined && pass !== undefined ? { user: target.username, pass } : undefined,
    mailbox: folder,
    display: `${scheme}://${url.host}${scheme.startsWith('imap') ? `/${folder}` : ''}${tls === 'none' ? '?tls=none' : ''}`,
  };
}
