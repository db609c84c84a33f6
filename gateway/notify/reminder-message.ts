// The two messages of a missed deadline: the reminder in the recipient agency's INBOX ("not yet filed
// or returned") and the notice in the sender's "Thông báo" folder ("not yet handled by …"). Bilingual,
// threaded to the document by In-Reply-To / References.

import MailComposer from 'nodemailer/lib/mail-composer';
import { randomBytes } from 'node:crypto';
import type { Agency } from '../../config/schema.js';
import type { DocumentRow } from '../../storage/rows.js';
import { rfc5322Date } from '../intake/trace.js';
import { shortLocalTime } from './alert-message.js';

export interface ReminderInput {
  hostname: string;
  timeZone: string;
  document: DocumentRow;
  recipient: Agency;
  senderName: string;
  incomingNumber: number | null;
  deadline: Date;
  at: Date;
  /** recipient: the reminder in its INBOX; sender: the notice of the late recipient. */
  to: 'recipient' | 'sender';
}

export async function composeReminder(input: ReminderInput): Promise<Buffer> {
  const { document: doc, recipient } = input;
  const number = doc.documentNumber ?? '(không số)';
  const deadline = shortLocalTime(input.deadline, input.timeZone);
  const facts = [
    `- Mã theo dõi / Tracking id: ${doc.id}`,
    `- Số, ký hiệu / Number: ${number}`,
    `- Trích yếu: ${doc.summary ?? doc.subject ?? '(không có)'}`,
    ...(input.incomingNumber !== null ? [`- Số đến / Incoming number: ${input.incomingNumber}`] : []),
    `- Hạn / Deadline: ${deadline} (${input.deadline.toISOString()})`,
  ];
  const forRecipient = input.to === 'recipient';
  const vi = forRecipient
    ? `Nhắc việc: văn bản của ${input.senderName} gửi ${recipient.name} đã quá hạn mà chưa được vào sổ (03) hoặc trả lại (02).`
    : `Văn bản của quý cơ quan gửi ${recipient.name} đã quá hạn mà cơ quan nhận chưa vào sổ (03) hoặc trả lại (02); hệ thống đã nhắc cơ quan nhận.`;
  const en = forRecipient
    ? `Reminder: the document from ${input.senderName} to ${recipient.name} is past its deadline and has been neither registered (03) nor returned (02).`
    : `Your document to ${recipient.name} is past its deadline and has been neither registered (03) nor returned (02); the recipient was reminded.`;
  const composer = new MailComposer({
    from: { name: 'docgate', address: `docgate@${input.hostname}` },
    to: forRecipient ? (recipient.addresses[0] ?? `vanthu@${recipient.domain}`) : doc.senderAccount,
    subject: `[${forRecipient ? 'Nhắc việc' : 'Chưa xử lý'}] ${number} / ${forRecipient ? 'Reminder' : 'Not yet handled'}`,
    date: rfc5322Date(input.at, input.timeZone),
    messageId: `<${doc.id}.reminder.${randomBytes(4).toString('hex')}@${input.hostname}>`,
    ...(doc.rfc822MessageId ? { inReplyTo: doc.rfc822MessageId, references: [doc.rfc822MessageId] } : {}),
    text: [vi, '', ...facts, '', '---', '', en, ''].join('\r\n'),
  });
  const built = await composer.compile().build();
  const trace = `X-Docgate-Tracking-Id: ${doc.id}\r\nX-Docgate-Reminder: ${recipient.id}\r\n`;
  return Buffer.from(trace + built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
