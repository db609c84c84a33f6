// Two narrow adjustments to smtp-server 3.21, in one place so an upgrade has one file to re-check:
// 1. send(): a reply text that already starts with an enhanced status code is sent as is (smtp-server
//    would prepend a second one, derived from the basic code only); its built-in English texts are
//    swapped for docgate's bilingual ones with a reason code.
//    EHLO does not advertise AUTH before TLS (like Postfix smtpd_tls_auth_only): smtp-server lists it
//    and only refuses the command itself.
// 2. _onCommand(): a per-session command budget (smtp-server has none), so a client cannot keep one
//    connection busy forever with NOOP/RSET.
// test/e2e/smtp-wire.test.ts pins the resulting bytes.

import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { BUILTIN_REPLIES, formatReply } from './reply.js';

const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;
const PATCHED = Symbol.for('docgate.smtp-server.patched');

interface PatchableConnection {
  secure: boolean;
  send(code: number, data?: unknown, context?: unknown): void;
  _onCommand(command: Buffer, callback?: () => void): void;
  _server: { options: { maxCommands?: number } };
  __docgateCommands?: number;
}

const OVERSIZE_PREFIX = 'Error: message exceeds fixed maximum message size';
const OVERSIZE_REPLY = formatReply('5.3.4', 'size-limit', 'Thu vuot qua kich thuoc cho phep: SIZE', 'Message exceeds the size limit: SIZE');
const TOO_MANY_COMMANDS = formatReply('4.7.0', 'protocol-violation', 'Qua nhieu lenh trong mot phien', 'Too many commands in one session');

export function patchSmtpServer(): void {
  const proto = SMTPConnection.prototype as unknown as PatchableConnection & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;

  const send = proto.send;
  proto.send = function (this: PatchableConnection, code: number, data?: unknown, context?: unknown) {
    if (typeof data === 'string') {
      const text = BUILTIN_REPLIES[data] ?? (data.startsWith(OVERSIZE_PREFIX) ? OVERSIZE_REPLY : data);
      if (ENHANCED_PREFIX.test(text)) return send.call(this, code, text, false);
    }
    if (Array.isArray(data) && code === 250 && !this.secure) {
      return send.call(this, code, data.filter((line) => !/^AUTH\b/.test(String(line))), context);
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
}
