// The IMAP and submission endpoints mail clients are told about: the running listeners, named by the
// configured public host (else the listener's address, or `hostname` for a wildcard address) and
// the public ports when configured (a gateway behind a port mapping: 2465 inside, 465 outside).

import type { Config } from '../../../config/load.js';
import type { Listener } from '../../../config/schema.js';

export interface MailEndpoint {
  protocol: 'imap' | 'smtp';
  host: string;
  port: number;
  tls: 'implicit' | 'starttls';
}

interface Running {
  listener: Listener;
  port: number;
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

export function mailEndpoints(config: Config, running: { smtp: readonly Running[]; imap: readonly Running[] }): MailEndpoint[] {
  const web = config.docgate.web;
  const endpoint = (protocol: 'imap' | 'smtp', r: Running): MailEndpoint => {
    const key: keyof typeof web.publicPorts = `${protocol}${r.listener.tls === 'implicit' ? 'Implicit' : 'Starttls'}`;
    return {
      protocol,
      host: web.publicHost ?? (WILDCARD.has(r.listener.host) ? config.docgate.hostname : r.listener.host),
      port: web.publicPorts[key] ?? r.port,
      tls: r.listener.tls,
    };
  };
  // Implicit TLS first: clients take the first they can use (RFC 8314 prefers it).
  const order = (a: MailEndpoint, b: MailEndpoint) => (a.tls === b.tls ? 0 : a.tls === 'implicit' ? -1 : 1);
  return [...running.imap.map((r) => endpoint('imap', r)).sort(order), ...running.smtp.map((r) => endpoint('smtp', r)).sort(order)];
}
