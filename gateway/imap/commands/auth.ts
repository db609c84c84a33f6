// LOGIN and AUTHENTICATE PLAIN (with SASL-IR): only over TLS (LOGINDISABLED before), through the
// same Authenticator as SMTP, so lockout, administrator locks and temporary passwords apply alike.
// Response codes per RFC 5530: AUTHENTICATIONFAILED, UNAVAILABLE (temporary lock), CONTACTADMIN,
// EXPIRED (a temporary password must be changed first), PRIVACYREQUIRED, LIMIT.

import { AUTH_FAILURE_TEXT, type AuthFailure } from '../../auth/authenticator.js';
import { bilingual, defineCommand, no, ok, bad, optional, type CommandContext, type Completion } from '../command.js';
import { capabilityList } from '../capabilities.js';
import { astring, atom } from '../protocol/args.js';

const FAILURE_CODE: Record<AuthFailure, string> = {
  invalid: 'AUTHENTICATIONFAILED',
  locked: 'UNAVAILABLE',
  disabled: 'CONTACTADMIN',
  'must-change': 'EXPIRED',
};

async function login(ctx: CommandContext, username: string, password: string): Promise<Completion> {
  const { session, deps } = ctx;
  if (!session.secure) return no(bilingual('Can ma hoa TLS truoc khi dang nhap (STARTTLS)', 'TLS is required before login (STARTTLS)'), 'PRIVACYREQUIRED');
  let result: Awaited<ReturnType<typeof deps.authenticator.authenticate>>;
  try {
    result = await deps.authenticator.authenticate(username, password, session.remoteAddress);
  } catch (err) {
    // The account store (database) is down: a temporary condition, not a server bug (RFC 5530).
    deps.log.error('imap login: account store unavailable', { err, remoteAddress: session.remoteAddress });
    return no(
      bilingual('He thong tam thoi khong kiem tra duoc tai khoan, vui long thu lai sau', 'Accounts are temporarily unavailable, try again later'),
      'UNAVAILABLE',
    );
  }
  if (!result.ok) {
    session.authFailures++;
    const text = AUTH_FAILURE_TEXT[result.failure];
    if (session.authFailures >= deps.config.docgate.imap.maxAuthFailures) {
      await ctx.untagged(`BYE ${bilingual('Qua nhieu lan dang nhap that bai', 'Too many failed logins')}`);
      session.logout();
    }
    return no(bilingual(text.vi, text.en), FAILURE_CODE[result.failure]);
  }
  const account = result.account;
  if (!deps.agencies.get(account.agencyId)) {
    return no(bilingual('Co quan cua tai khoan khong con trong cau hinh', "The account's agency is not configured"), 'CONTACTADMIN');
  }
  if (!deps.limits.login(account.email)) {
    return no(bilingual('Tai khoan co qua nhieu ket noi dong thoi', 'Too many simultaneous connections for this account'), 'LIMIT');
  }
  session.login({ email: account.email, agencyId: account.agencyId });
  deps.log.info('imap login', { user: account.email, agency: account.agencyId, remoteAddress: session.remoteAddress });
  return ok(bilingual('Dang nhap thanh cong', 'Logged in'), `CAPABILITY ${capabilityList(session, deps.config).join(' ')}`);
}

export const loginCommand = defineCommand({
  name: 'LOGIN',
  states: ['not-authenticated'],
  schema: { username: (c) => astring(c, 'user name'), password: (c) => astring(c, 'password') },
  async handle(ctx, args) {
    return login(ctx, args.username, args.password);
  },
});

function decodePlain(text: string): { user: string; password: string } | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const parts = Buffer.from(text, 'base64').toString('utf8').split('\u0000');
  if (parts.length !== 3) return null;
  const [authzid, authcid, password] = parts;
  if (authzid && authzid.toLowerCase() !== authcid.toLowerCase()) return null;
  return { user: authcid, password };
}

export const authenticate = defineCommand({
  name: 'AUTHENTICATE',
  states: ['not-authenticated'],
  schema: { mechanism: (c) => atom(c, 'mechanism').toUpperCase(), initial: optional((c) => atom(c, 'initial response')) },
  async handle(ctx, args) {
    if (!ctx.session.secure)
      return no(bilingual('Can ma hoa TLS truoc khi dang nhap (STARTTLS)', 'TLS is required before login (STARTTLS)'), 'PRIVACYREQUIRED');
    if (args.mechanism !== 'PLAIN') return no(bilingual('Co che xac thuc khong duoc ho tro', 'Unsupported authentication mechanism'), 'CANNOT');
    let response = args.initial === '=' ? '' : args.initial;
    if (response === undefined) {
      await ctx.continuation('');
      const line = await ctx.readLine();
      if (line === null) return bad('Connection closed');
      response = line.toString('latin1');
      if (response === '*') return bad(bilingual('Da huy xac thuc', 'Authentication cancelled'));
    }
    const plain = decodePlain(response);
    if (!plain) return bad(bilingual('Du lieu xac thuc khong hop le', 'Invalid SASL PLAIN response'));
    return login(ctx, plain.user, plain.password);
  },
});
