// Turning verdicts and session decisions into SMTP reply text. Reply text is 7-bit ASCII (RFC 5321):
// "<enhanced> [<reason>] <Vietnamese without diacritics> / <English>". smtp-server derives enhanced
// codes from the basic code only (550 → 5.1.1), so docgate writes its own and patches.ts makes
// smtp-server pass a reply that already starts with one through unchanged.

import { REASONS, reasonText, type ReasonCode, type ReasonSubject } from '../../policies/reasons.js';
import { toReplyAscii } from '../../policies/text/vietnamese.js';
import type { Verdict } from '../../policies/types.js';
import type { SpoolViolation, SpoolViolationKind } from '../intake/spool.js';

export interface SmtpReply {
  code: number;
  text: string;
}

/** An Error smtp-server sends as `<responseCode> <message>`. */
export class SmtpError extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function formatReply(enhanced: string, tag: string, vi: string, en: string): string {
  return `${enhanced} [${tag}] ${toReplyAscii(vi)} / ${toReplyAscii(en)}`;
}

export function reasonReply(code: ReasonCode, subject?: ReasonSubject, override?: { code?: number; enhanced?: string }): SmtpReply {
  const reason = REASONS[code];
  const text = reasonText(code, subject);
  return { code: override?.code ?? reason.smtp, text: formatReply(override?.enhanced ?? reason.enhanced, code, text.vi, text.en) };
}

export function reasonError(code: ReasonCode, subject?: ReasonSubject, override?: { code?: number; enhanced?: string }): SmtpError {
  const reply = reasonReply(code, subject, override);
  return new SmtpError(reply.code, reply.text);
}

export function acceptedReply(trackingId: string, warnings: ReasonCode[] = []): SmtpReply {
  const tags = warnings.map((w) => `[warning:${w}] `).join('');
  return { code: 250, text: `2.0.0 ${tags}Da nhan van ban, ma theo doi ${trackingId} / Accepted, tracking id ${trackingId}` };
}

export function quarantinedReply(trackingId: string, reason: ReasonCode): SmtpReply {
  return {
    code: 250,
    text: `2.0.0 [quarantine:${reason}] Van ban dang cho quan tri vien xem xet, ma theo doi ${trackingId} / Held for review, tracking id ${trackingId}`,
  };
}

export function verdictReply(verdict: Verdict): SmtpReply {
  return reasonReply(verdict.reason, verdict.subject, verdict.smtp);
}

const VIOLATIONS: Record<SpoolViolationKind, { code: ReasonCode; subject: ReasonSubject }> = {
  size: { code: 'size-limit', subject: 'DATA' },
  'header-size': { code: 'size-limit', subject: { vi: 'phần đầu thư (header)', en: 'header' } },
  'bare-lf': { code: 'protocol-violation', subject: { vi: 'ký tự LF không đi kèm CR (bare LF)', en: 'bare LF' } },
  'bare-cr': { code: 'protocol-violation', subject: { vi: 'ký tự CR không đi kèm LF (bare CR)', en: 'bare CR' } },
  nul: { code: 'malformed-mime', subject: { vi: 'có ký tự NUL', en: 'NUL byte' } },
  'line-length': { code: 'protocol-violation', subject: { vi: 'dòng quá dài', en: 'line too long' } },
};

export function violationReply(violation: SpoolViolation): SmtpReply {
  const v = VIOLATIONS[violation.kind];
  return reasonReply(v.code, v.subject);
}

/**
 * smtp-server's own English replies, given docgate's reason codes and both languages. Keyed by the
 * text smtp-server 3.21 writes; anything not listed passes through with smtp-server's own code.
 */
export const BUILTIN_REPLIES: Record<string, string> = {
  'Error: Must issue a STARTTLS command first': formatReply(
    '5.7.0',
    'auth-required',
    'Phai bat TLS (STARTTLS) truoc khi dang nhap',
    'Must issue a STARTTLS command first',
  ),
  'Error: authentication Required': formatReply('5.7.0', 'auth-required', 'Can dang nhap truoc khi gui', 'Authentication required'),
  'Error: too many unauthenticated commands': formatReply(
    '4.7.0',
    'protocol-violation',
    'Qua nhieu lenh truoc khi dang nhap',
    'Too many unauthenticated commands',
  ),
  'Error: too many unrecognized commands': formatReply('4.7.0', 'protocol-violation', 'Qua nhieu lenh khong hop le', 'Too many unrecognized commands'),
  'Error: command not recognized': formatReply('5.5.2', 'protocol-violation', 'Lenh khong hop le', 'Command not recognized'),
  'Error: Command line too long': formatReply('5.5.2', 'protocol-violation', 'Dong lenh qua dai', 'Command line too long'),
  'Error: too many recipients': formatReply('4.5.3', 'protocol-violation', 'Qua nhieu noi nhan', 'Too many recipients'),
  'Error: Authentication credentials invalid': formatReply('5.7.8', 'auth-required', 'Sai ten dang nhap hoac mat khau', 'Invalid user name or password'),
  'Timeout - closing connection': formatReply('4.4.2', 'protocol-violation', 'Het thoi gian cho, dong ket noi', 'Timeout, closing connection'),
  'Error: internal server error': formatReply('4.3.0', 'internal-error', 'Loi tam thoi cua he thong', 'Temporary system error'),
  'Error: Bad sender address syntax': formatReply('5.1.7', 'protocol-violation', 'Dia chi nguoi gui sai cu phap', 'Bad sender address syntax'),
  'Error: Bad recipient address syntax': formatReply('5.1.3', 'protocol-violation', 'Dia chi nguoi nhan sai cu phap', 'Bad recipient address syntax'),
  'Error: Bad command parameter syntax': formatReply('5.5.4', 'protocol-violation', 'Tham so lenh sai cu phap', 'Bad command parameter syntax'),
  'Error: Bad hostname syntax': formatReply('5.5.4', 'protocol-violation', 'Ten may sai cu phap', 'Bad host name syntax'),
  'Error: Syntax: HELO hostname': formatReply('5.5.4', 'protocol-violation', 'Cu phap: HELO ten-may', 'Syntax: HELO hostname'),
  'Error: Syntax: VRFY address': formatReply('5.5.4', 'protocol-violation', 'Cu phap: VRFY dia-chi', 'Syntax: VRFY address'),
  'Error: syntax: STARTTLS': formatReply('5.5.4', 'protocol-violation', 'Cu phap: STARTTLS', 'Syntax: STARTTLS'),
  'Error: Mail transaction in progress': formatReply('5.5.1', 'protocol-violation', 'Dang co giao dich thu, hay RSET truoc', 'Mail transaction in progress'),
  'Error: No identity changes permitted': formatReply('5.5.1', 'protocol-violation', 'Khong duoc doi danh tinh trong phien', 'No identity changes permitted'),
  'Error: TLS already active': formatReply('5.5.1', 'protocol-violation', 'TLS da duoc bat', 'TLS already active'),
  'Error: need MAIL command': formatReply('5.5.1', 'protocol-violation', 'Can lenh MAIL truoc', 'Need MAIL command'),
  'Error: need RCPT command': formatReply('5.5.1', 'protocol-violation', 'Can lenh RCPT truoc', 'Need RCPT command'),
  'Error: nested MAIL command': formatReply('5.5.1', 'protocol-violation', 'Lenh MAIL long nhau', 'Nested MAIL command'),
  'Error: Unrecognized authentication type': formatReply('5.5.4', 'auth-required', 'Kieu xac thuc khong duoc ho tro', 'Unrecognized authentication type'),
  'Error: Not allowed': formatReply('5.7.1', 'protocol-violation', 'Khong duoc phep', 'Not allowed'),
  // smtp-server's jokes for KILL, WIZ, SHELL and similar are not replies a state agency's server gives.
  'Can not kill Mom': formatReply('5.5.2', 'protocol-violation', 'Lenh khong hop le', 'Command not recognized'),
  'Mere mortals must not mutter that mantra': formatReply('5.5.2', 'protocol-violation', 'Lenh khong hop le', 'Command not recognized'),
  'You are no wizard!': formatReply('5.5.2', 'protocol-violation', 'Lenh khong hop le', 'Command not recognized'),
  'Error: Invoking shell is not allowed. This incident will be reported.': formatReply(
    '5.5.2',
    'protocol-violation',
    'Lenh khong hop le',
    'Command not recognized',
  ),
  'Try to send something. No promises though': formatReply('2.0.0', 'ok', 'Khong xac minh dia chi; hay gui thu', 'Cannot verify the address; try sending'),
};
