// IMAP listeners: implicit TLS (993-style) and STARTTLS (143-style), on the configured loopback ports.
// Each accepted socket becomes an ImapConnection, within the process-wide connection limits.

import net from 'node:net';
import tls from 'node:tls';
import type { Listener } from '../../config/schema.js';
import type { Logger } from '../../config/log.js';
import { TLS_PROFILE, type TlsMaterial } from '../tls.js';
import type { ImapDeps } from './command.js';
import { ImapConnection } from './connection.js';

export interface RunningImapListener {
  listener: Listener;
  port: number;
  connections(): number;
  close(): Promise<void>;
}

export async function startImapListener(listener: Listener, material: TlsMaterial, deps: ImapDeps, log: Logger): Promise<RunningImapListener> {
  const secureContext = tls.createSecureContext({ key: material.key, cert: material.cert, ...TLS_PROFILE });
  const open = new Set<ImapConnection>();
  const implicit = listener.tls === 'implicit';

  const accept = (socket: net.Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    socket.on('error', () => undefined);
    if (!deps.limits.open(address)) {
      socket.end('* BYE [UNAVAILABLE] Qua nhieu ket noi / Too many connections\r\n');
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    deps.metrics?.imapOpened();
    const connection = new ImapConnection(socket, deps, { secure: implicit, starttls: !implicit, secureContext });
    open.add(connection);
    connection.onClose(() => {
      open.delete(connection);
      deps.limits.close(address);
    });
    void connection.run();
  };

  // noDelay: short responses (tagged OK, IDLE's EXISTS) must not wait for the client's delayed ACK.
  const server = implicit
    ? tls.createServer({ key: material.key, cert: material.cert, ...TLS_PROFILE, noDelay: true }, accept)
    : net.createServer({ pauseOnConnect: false, noDelay: true }, accept);
  server.on('tlsClientError', (err: Error) => log.debug('imap tls handshake failed', { err: err.message }));
  server.on('error', (err) => log.warn('imap server error', { port: listener.port, err }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listener.port, listener.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  log.info('imap listening', { host: listener.host, port, tls: listener.tls });
  return {
    listener,
    port,
    connections: () => open.size,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...open].map((c) => c.shutdown()));
      await closed;
    },
  };
}
