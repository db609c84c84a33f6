// smtp-server set-up: one server per listener (STARTTLS submission, implicit TLS), AUTH only over
// TLS, size and line limits, timeouts, and the session handlers.

import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../config/load.js';
import type { SmtpListener } from '../../config/schema.js';
import type { Logger } from '../../config/log.js';
import { logSmtpServerError } from './errors.js';
import { TLS_PROFILE, type TlsMaterial } from '../tls.js';
import { patchSmtpServer, type DocgateServerOptions } from './patches.js';
import { formatReply } from './reply.js';
import type { SmtpSessionHandlers } from './session.js';

export interface RunningSmtpListener {
  listener: SmtpListener;
  server: SMTPServer;
  port: number;
  close(): Promise<void>;
}

function serverOptions(config: Config, listener: SmtpListener, tls: TlsMaterial, handlers: SmtpSessionHandlers): SMTPServerOptions & DocgateServerOptions {
  const smtp = config.docgate.smtp;
  return {
    secure: listener.tls === 'implicit',
    key: tls.key,
    cert: tls.cert,
    ...TLS_PROFILE,
    name: config.docgate.hostname,
    banner: smtp.banner,
    size: smtp.maxMessageSize,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    authRequiredMessage: formatReply('5.7.0', 'auth-required', 'Can dang nhap truoc khi gui', 'Authentication required'),
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    disableReverseLookup: true,
    disabledCommands: [],
    maxClients: smtp.maxConnections,
    maxRecipients: smtp.maxRecipients,
    maxCommandLength: smtp.maxCommandLength,
    maxAllowedUnauthenticatedCommands: smtp.maxUnauthenticatedCommands,
    maxCommands: smtp.maxCommands,
    greetDelay: listener.greetDelay,
    socketTimeout: smtp.idleTimeout,
    closeTimeout: 5_000,
    logger: false,
    onConnect: (session, cb) => handlers.onConnect(session, cb),
    onClose: (session) => handlers.onClose(session),
    onAuth: (auth, session, cb) => handlers.onAuth(auth, session, cb),
    onMailFrom: (address, session, cb) => handlers.onMailFrom(address, session, cb),
    onRcptTo: (address, session, cb) => handlers.onRcptTo(address, session, cb),
    onData: (stream, session, cb) => handlers.onData(stream, session, cb),
  };
}

export async function startSmtpListener(
  config: Config,
  listener: SmtpListener,
  tls: TlsMaterial,
  handlers: SmtpSessionHandlers,
  log: Logger,
): Promise<RunningSmtpListener> {
  patchSmtpServer();
  const server = new SMTPServer(serverOptions(config, listener, tls, handlers));
  let bound = listener.port;
  server.on('error', (err) => logSmtpServerError(log, bound, err));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(listener.port, listener.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  bound = port;
  log.info('smtp listening', { host: listener.host, port, tls: listener.tls });
  return {
    listener,
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
