// Thin async handlers for smtp-server: authentication, envelope checks, and DATA handed to intake.
// Every handler answers through its callback exactly once and never lets an exception escape.

import type { SMTPServerAddress, SMTPServerAuthentication, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import { AUTH_FAILURE_TEXT, type Authenticator } from '../auth/authenticator.js';
import type { IntakeOutcome, IntakeService } from '../intake/intake.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Logger } from '../../config/log.js';
import { checkEnvelopeAddress } from './envelope-params.js';
import { acceptedReply, formatReply, quarantinedReply, reasonError, SmtpError, verdictReply, violationReply } from './reply.js';
import type { SessionUser } from '../../storage/rows.js';

export interface SessionDeps {
  config: Config;
  agencies: AgencyDirectory;
  authenticator: Authenticator;
  intake: IntakeService;
  log: Logger;
  /** Sessions and end-of-DATA outcomes (gateway/metrics); absent in tests that build handlers alone. */
  metrics?: Pick<GatewayMetrics, 'smtpOpened' | 'smtpClosed' | 'intakeDone' | 'intakeFailed'>;
}

type Callback<T = void> = (err?: Error | null, value?: T) => void;

/** Whether MAIL FROM carried SMTPUTF8 (smtp-server sets it on the envelope before onMailFrom). */
function smtpUtf8(session: SMTPServerSession): boolean {
  return (session.envelope as { smtpUtf8?: boolean }).smtpUtf8 === true;
}

/** What onAuth stored as session.user. */
function userOf(session: SMTPServerSession): SessionUser | null {
  return (session.user as SessionUser | undefined) ?? null;
}

/** Drains a data stream we will not read, so the session can carry on. */
async function drain(stream: SMTPServerDataStream): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}

/**
 * The one log line of an SMTP transaction: who, the outcome and reason, sizes and timings. Never the
 * content, the subject or any credential.
 */
function transactionFields(outcome: IntakeOutcome, seconds: number, size: number, account: string, recipients: number): Record<string, unknown> {
  const fields: Record<string, unknown> = { account, recipients, size, durationMs: Math.round(seconds * 10_000) / 10, outcome: outcome.kind };
  if (outcome.phasesMs) fields.phasesMs = outcome.phasesMs;
  if (outcome.kind === 'refused') return { ...fields, reason: outcome.violation.kind };
  if (outcome.kind !== 'deferred') fields.trackingId = outcome.trackingId;
  const checks: Record<string, number> = {};
  for (const o of outcome.verdict.outcomes) checks[o.check] = Math.round(o.durationMs * 10) / 10;
  return { ...fields, reason: outcome.verdict.reason, action: outcome.verdict.action, checksMs: checks };
}

export class SmtpSessionHandlers {
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly deps: SessionDeps) {}

  onConnect(session: SMTPServerSession, callback: Callback): void {
    const address = session.remoteAddress;
    const count = (this.perAddress.get(address) ?? 0) + 1;
    if (count > this.deps.config.docgate.smtp.maxConnectionsPerAddress) {
      return callback(new SmtpError(421, formatReply('4.7.0', 'rate-limited', 'Qua nhieu ket noi tu dia chi nay', 'Too many connections from this address')));
    }
    this.perAddress.set(address, count);
    (session as SMTPServerSession & { docgateCounted?: boolean }).docgateCounted = true;
    this.deps.metrics?.smtpOpened();
    callback();
  }

  onClose(session: SMTPServerSession): void {
    if (!(session as SMTPServerSession & { docgateCounted?: boolean }).docgateCounted) return;
    this.deps.metrics?.smtpClosed();
    const address = session.remoteAddress;
    const count = (this.perAddress.get(address) ?? 1) - 1;
    if (count <= 0) this.perAddress.delete(address);
    else this.perAddress.set(address, count);
  }

  onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, callback: Callback<{ user: SessionUser }>): void {
    void (async () => {
      if (!session.secure) throw reasonError('auth-required', undefined, { code: 538, enhanced: '5.7.0' });
      const result = await this.deps.authenticator.authenticate(auth.username ?? '', auth.password ?? '', session.remoteAddress);
      if (!result.ok) {
        const text = AUTH_FAILURE_TEXT[result.failure];
        return callback(new SmtpError(535, formatReply('5.7.8', 'auth-required', text.vi, text.en)));
      }
      callback(null, { user: { email: result.account.email, agencyId: result.account.agencyId } });
    })().catch((err) => this.fail(err, callback, 'auth'));
  }

  onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback): void {
    try {
      const refused = checkEnvelopeAddress('mail', address, smtpUtf8(session));
      if (refused) return callback(refused);
      const user = userOf(session);
      if (!user) return callback(reasonError('auth-required', undefined, { code: 530, enhanced: '5.7.0' }));
      const sender = address.address.toLowerCase();
      // The register records this address as the sender: by default only the clerk's own.
      const allowed =
        this.deps.config.docgate.smtp.senderAddress === 'agency' ? this.deps.agencies.belongsTo(sender, user.agencyId) : sender === user.email.toLowerCase();
      if (!sender || !allowed) {
        return callback(reasonError('sender-unauthorized', sender || '<>'));
      }
      const declared = Number((address.args as Record<string, string> | false | undefined) ? (address.args as Record<string, string>).SIZE : NaN);
      if (Number.isFinite(declared) && declared > this.deps.config.docgate.smtp.maxMessageSize) {
        return callback(reasonError('size-limit', `SIZE=${declared}`));
      }
      callback();
    } catch (err) {
      this.fail(err, callback, 'mail');
    }
  }

  onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback): void {
    try {
      const refused = checkEnvelopeAddress('rcpt', address, smtpUtf8(session));
      if (refused) return callback(refused);
      const recipient = address.address.toLowerCase();
      if (!this.deps.agencies.ownerOf(recipient)) return callback(reasonError('recipient-unknown', recipient));
      callback();
    } catch (err) {
      this.fail(err, callback, 'rcpt');
    }
  }

  onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: Callback<string>): void {
    void (async () => {
      const user = userOf(session);
      const agency = user ? this.deps.agencies.get(user.agencyId) : undefined;
      if (!user || !agency) {
        await drain(stream);
        throw reasonError('auth-required', undefined, { code: 530, enhanced: '5.7.0' });
      }
      const cipher = session.tlsOptions || undefined;
      const started = performance.now();
      const outcome = await this.deps.intake.receive(stream, {
        account: user.email,
        agency,
        remoteAddress: session.remoteAddress,
        helo: session.hostNameAppearsAs,
        tlsProtocol: cipher?.version,
        tlsCipher: cipher?.name,
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '',
        rcptTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
      });
      const seconds = (performance.now() - started) / 1000;
      this.deps.metrics?.intakeDone(outcome, seconds);
      this.deps.log.info('smtp transaction', transactionFields(outcome, seconds, stream.byteLength, user.email, session.envelope.rcptTo.length));
      switch (outcome.kind) {
        case 'accepted': {
          const reply = acceptedReply(
            outcome.trackingId,
            outcome.verdict.warnings.map((w) => w.code),
          );
          return callback(null, reply.text);
        }
        case 'quarantined':
          return callback(null, quarantinedReply(outcome.trackingId, outcome.verdict.reason).text);
        case 'refused': {
          const reply = violationReply(outcome.violation);
          return callback(new SmtpError(reply.code, reply.text));
        }
        case 'returned':
        case 'deferred': {
          const reply = verdictReply(outcome.verdict);
          return callback(new SmtpError(reply.code, reply.text));
        }
      }
    })().catch(async (err) => {
      // The stream must be consumed even when intake failed before reading it all.
      await drain(stream).catch(() => undefined);
      if (!(err instanceof SmtpError)) this.deps.metrics?.intakeFailed();
      this.fail(err, callback, 'data');
    });
  }

  private fail(err: unknown, callback: Callback<never>, stage: string): void {
    if (err instanceof SmtpError) return callback(err);
    this.deps.log.error('smtp handler failed', { stage, err });
    callback(reasonError('internal-error'));
  }
}
