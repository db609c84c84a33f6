// RFC 3464 delivery status notification for the sender agency: multipart/report (report-type=
// delivery-status) with a human part (Vietnamese first, English after), the message/delivery-status part
// (per recipient: Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code) and the original's header
// (text/rfc822-headers). Delivered to the sender's "Thông báo" folder by the worker.

import { randomBytes } from 'node:crypto';
import type { DocumentRow } from '../../storage/rows.js';
import { rfc5322Date } from '../intake/trace.js';
import { zonedParts } from '../../policies/text/dates.js';
import { noticeEntity } from '../notify/compose.js';
import { baseFacts, type NamedAgency, type NoticeFacts } from '../notify/facts.js';

export interface DsnInput {
  hostname: string;
  timeZone: string;
  document: DocumentRow;
  sender: NamedAgency;
  agencyId: string;
  /** The recipient agency's name and where docgate tried to deliver. */
  agencyName: string;
  remoteHost: string;
  /** smtp for SMTP and LMTP peers (RFC 3464 2.3.6), x-imap for IMAP APPEND. */
  diagnosticType: 'smtp' | 'x-imap';
  action: 'failed' | 'delayed';
  recipients: string[];
  reply: string;
  /** true when the give-up time passed (the reply was a temporary one). */
  expired: boolean;
  attempts: number;
  at: Date;
  /** delayed: until when docgate keeps trying. */
  retryUntil: Date | null;
  originalHeader: Buffer;
}

/** The enhanced status code of a reply (RFC 3463), else one that says what happened. */
export function statusOf(input: Pick<DsnInput, 'reply' | 'action' | 'expired'>): string {
  const found = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(input.reply);
  if (input.action === 'failed' && input.expired) return '4.4.7';
  if (found) return `${found[1]}.${found[2]}.${found[3]}`;
  return input.action === 'failed' ? '5.0.0' : '4.0.0';
}

function localTime(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

/** An RFC 2047 encoded-word header value (the subject carries Vietnamese). */
function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** Keeps a peer's reply 7-bit and on one line inside the report. */
function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

export function composeDsn(input: DsnInput): Buffer {
  const doc = input.document;
  const failed = input.action === 'failed';
  const title = doc.documentNumber ?? doc.subject ?? doc.id;
  const status = statusOf(input);
  const vi = [
    failed
      ? `Không chuyển được văn bản của quý cơ quan đến máy chủ thư của ${input.agencyName}${input.expired ? ' sau thời hạn thử lại' : ''}. Hệ thống sẽ không thử lại.`
      : `Văn bản của quý cơ quan chưa chuyển được đến máy chủ thư của ${input.agencyName}. Hệ thống vẫn tiếp tục thử lại, quý cơ quan chưa cần gửi lại.`,
    '',
    `- Mã theo dõi: ${doc.id}`,
    `- Số, ký hiệu: ${doc.documentNumber ?? '(không có)'}`,
    `- Trích yếu: ${doc.summary ?? doc.subject ?? '(không có)'}`,
    `- Người nhận: ${input.recipients.join(', ')}`,
    `- Máy chủ nhận: ${input.remoteHost}`,
    `- Trả lời của máy chủ: ${input.reply}`,
    `- Số lần thử: ${input.attempts}`,
    `- Thời điểm: ${localTime(input.at, input.timeZone)}`,
    ...(input.retryUntil ? [`- Tiếp tục thử đến: ${localTime(input.retryUntil, input.timeZone)}`] : []),
  ];
  const en = [
    failed
      ? `Your document could not be delivered to the mail server of ${input.agencyName}${input.expired ? ' within the retry period' : ''}. It will not be retried.`
      : `Your document has not yet reached the mail server of ${input.agencyName}. docgate keeps trying; there is no need to send it again.`,
    '',
    `- Tracking id: ${doc.id}`,
    `- Number: ${doc.documentNumber ?? '(none)'}`,
    `- Recipients: ${input.recipients.join(', ')}`,
    `- Remote server: ${input.remoteHost}`,
    `- Server reply: ${input.reply}`,
    `- Attempts: ${input.attempts}`,
    `- Time: ${input.at.toISOString()}`,
    ...(input.retryUntil ? [`- Retrying until: ${input.retryUntil.toISOString()}`] : []),
  ];
  const boundary = `=_docgate-dsn-${randomBytes(8).toString('hex')}`;
  const date = rfc5322Date(input.at, input.timeZone);
  const perMessage = [
    `Reporting-MTA: dns; ${input.hostname}`,
    `X-Docgate-Tracking-Id: ${doc.id}`,
    `Arrival-Date: ${rfc5322Date(doc.receivedAt, input.timeZone)}`,
  ];
  const perRecipient = input.recipients.map((r) =>
    [
      `Final-Recipient: rfc822; ${r}`,
      `Action: ${input.action}`,
      `Status: ${status}`,
      `Remote-MTA: dns; ${input.remoteHost}`,
      `Diagnostic-Code: ${input.diagnosticType}; ${ascii(input.reply)}`,
      `Last-Attempt-Date: ${date}`,
      ...(input.retryUntil ? [`Will-Retry-Until: ${rfc5322Date(input.retryUntil, input.timeZone)}`] : []),
    ].join('\r\n'),
  );
  const header = input.originalHeader.toString('latin1').replace(/(\r\n)*$/, '\r\n');
  // The human-readable first part (RFC 6522 allows any type) carries the text and the machine parts
  // every notice has, so the report itself stays the three-part RFC 3464 form mail tools expect.
  const facts: NoticeFacts = {
    ...baseFacts('delivery-status', doc, input.sender, input.at, input.timeZone),
    status: failed ? 'relay-failed' : 'relay-delayed',
    statusText: failed ? { vi: 'không chuyển được', en: 'undeliverable' } : { vi: 'chậm chuyển', en: 'delayed' },
    agency: { id: input.agencyId, name: input.agencyName },
    actor: `relay:${input.hostname}`,
    delivery: { agency: { id: input.agencyId, name: input.agencyName }, via: 'relay', where: input.remoteHost, reply: input.reply },
  };
  const human = noticeEntity({
    hostname: input.hostname,
    timeZone: input.timeZone,
    at: input.at,
    document: doc,
    statusHeader: failed ? 'relay-failed' : 'relay-delayed',
    fromLocal: 'MAILER-DAEMON',
    subject: '',
    text: { vi, en },
    facts,
    edxml: true,
  }).toString('latin1');
  const lines = [
    // docgate's own fields first, as in the status notices.
    `X-Docgate-Tracking-Id: ${doc.id}`,
    `X-Docgate-Status: ${failed ? 'relay-failed' : 'relay-delayed'}`,
    `From: "docgate" <MAILER-DAEMON@${input.hostname}>`,
    `To: <${doc.senderAccount}>`,
    `Subject: ${encodedWord(`[${failed ? 'Không chuyển được / Undelivered' : 'Chậm chuyển / Delayed'}] ${title}`)}`,
    `Date: ${date}`,
    `Message-ID: <${doc.id}.dsn-${input.action}.${randomBytes(4).toString('hex')}@${input.hostname}>`,
    ...(doc.rfc822MessageId ? [`In-Reply-To: ${doc.rfc822MessageId}`, `References: ${doc.rfc822MessageId}`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    human.replace(/\r\n$/, ''),
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    perMessage.join('\r\n'),
    '',
    perRecipient.join('\r\n\r\n'),
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    header,
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}
