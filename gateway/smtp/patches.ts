// Two narrow adjustments to smtp-server 3.21, in one place so an upgrade has one file to re-check:
// 1. send(): a reply text that already starts with an enhanced status code is sent as is (smtp-server
//    would prepend a second one, derived from the basic code only); its built-in English texts are
//    swapped for docgate's bilingual ones with a reason code.
//    EHLO does not advertise AUTH before TLS (like Postfix smtpd_tls_auth_only): smtp-server lists it
//    and only refuses the command itself.
// 2. _onCommand(): a per-session command budget (smtp-server has none), so a client cannot keep one
//    connection busy forever with NOOP/RSET.
// 3. _createParser(): every command parser (the TLS session after STARTTLS gets a new one) refuses a
//    bare LF / bare CR in a command line before smtp-server splits it (bare-newline.ts).
// 4. An over-long command line: smtp-server answers 421 (temporary) with a permanent problem; docgate
//    answers 500 5.5.2 and closes, since the parser is dead after its error.
// 5. init(): smtp-server waits a hard-coded 100 ms before every greeting (early-talker detection), which
//    caps a client with a connection per message at 10 messages/s per session. The wait is the
//    listener's `greetDelay` instead (0 on submission listeners: no timer, the greeting goes out as soon
//    as the connection is set up; a client that talks before it is still refused).
// test/e2e/smtp-wire.test.ts pins the resulting bytes, test/e2e/smtp-greeting.test.ts the greeting.

import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { guardParser, type CommandParser } from './bare-newline.js';
import { BUILTIN_REPLIES, formatReply, reasonReply } from './reply.js';

const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;
const PATCHED = Symbol.for('docgate.smtp-server.patched');

/** Options docgate adds to smtp-server's, read by the patched methods. */
export interface DocgateServerOptions {
  maxCommands: number;
  /** Milliseconds before the greeting during which a client that talks is refused. */
  greetDelay: number;
}

interface PatchableConnection {
  secure: boolean;
  name: string;
  init(): void;
  connectionReady(): void;
  _setListeners(ready: () => void): void;
  send(code: number, data?: unknown, context?: unknown): void;
  _onCommand(command: Buffer, callback?: () => void): void;
  _createParser(): CommandParser;
  close(): void;
  _server: { options: Partial<DocgateServerOptions> & { maxClients?: number }; connections: Set<unknown> };
  __docgateCommands?: number;
}

const OVERSIZE_PREFIX = 'Error: message exceeds fixed maximum message size';
const OVERSIZE_REPLY = formatReply('5.3.4', 'size-limit', 'Thu vuot qua kich thuoc cho phep: SIZE', 'Message exceeds the size limit: SIZE');
const LINE_TOO_LONG = 'Error: Command line too long';
const BARE_NEWLINE = {
  'bare-lf': reasonReply('protocol-violation', { vi: 'ký tự LF không đi kèm CR (bare LF)', en: 'bare LF' }),
  'bare-cr': reasonReply('protocol-violation', { vi: 'ký tự CR không đi kèm LF (bare CR)', en: 'bare CR' }),
};
const TOO_MANY_COMMANDS = formatReply('4.7.0', 'protocol-violation', 'Qua nhieu lenh trong mot phien', 'Too many commands in one session');

// The originals are prototype methods, re-applied with each connection as `this` through .call().
/* eslint-disable @typescript-eslint/unbound-method */
export function patchSmtpServer(): void {
  const proto = SMTPConnection.prototype as unknown as PatchableConnection & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;

  const send = proto.send;
  proto.send = function (this: PatchableConnection, code: number, data?: unknown, context?: unknown) {
    if (code === 421 && data === LINE_TOO_LONG) {
      send.call(this, 500, BUILTIN_REPLIES[data], false);
      return this.close();
    }
    if (typeof data === 'string') {
      const text = BUILTIN_REPLIES[data] ?? (data.startsWith(OVERSIZE_PREFIX) ? OVERSIZE_REPLY : data);
      if (ENHANCED_PREFIX.test(text)) return send.call(this, code, text, false);
    }
    if (Array.isArray(data) && code === 250 && !this.secure) {
      return send.call(
        this,
        code,
        data.filter((line) => !/^AUTH\b/.test(String(line))),
        context,
      );
    }
    return send.call(this, code, data, context);
  };

  const onCommand = proto._onCommand;
  proto._onCommand = function (this: PatchableConnection, command: Buffer, callback?: () => void) {
    const limit = this._server.options.maxCommands;
    this.__docgateCommands = (this.__docgateCommands ?? 0) + 1;
    if (limit !== undefined && this.__docgateCommands > limit) {
      this.send(421, TOO_MANY_COMMANDS);
      return;
    }
    return onCommand.call(this, command, callback);
  };

  // The original body, with the listener's delay in place of its fixed 100 ms.
  proto.init = function (this: PatchableConnection) {
    this._setListeners(() => {
      const { maxClients, greetDelay = 100 } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        return this.send(421, this.name + ' Too many connected clients, try again in a moment', false);
      }
      if (greetDelay <= 0) return this.connectionReady();
      setTimeout(() => this.connectionReady(), greetDelay).unref();
    });
  };

  const createParser = proto._createParser;
  proto._createParser = function (this: PatchableConnection) {
    const parser = createParser.call(this);
    guardParser(parser, (kind) => {
      const reply = BARE_NEWLINE[kind];
      send.call(this, reply.code, reply.text, false);
      this.close();
    });
    return parser;
  };
}
/* eslint-enable @typescript-eslint/unbound-method */
