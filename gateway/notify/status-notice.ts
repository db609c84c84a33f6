// The notice a sender receives when a recipient files its document (03 registered) or returns it
// (02 returned): a small bilingual message delivered to the sender agency's "Thông báo" folder.

import MailComposer from 'nodemailer/lib/mail-composer';
import { randomBytes } from 'node:crypto';
import type { Agency } from '../../config/schema.js';
import type { DocumentRow } from '../../storage/rows.js';
import { rfc5322Date } from '../intake/trace.js';
import { zonedParts } from '../../policies/text/dates.js';

export interface StatusNoticeInput {
  hostname: string;
  timeZone: string;
  document: DocumentRow;
  /** The agency that filed or returned the document. */
  recipient: Agency;
  status: '02' | '03';
  incomingNumber: number | null;
  actor: string;
  at: Date;
  reason: { vi: string; en: string } | null;
}

/** dd/mm/yyyy hh:mm:ss in the register's time zone. */
function localTime(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

export async function composeStatusNotice(input: StatusNoticeInput): Promise<Buffer> {
  const { document: doc, recipient } = input;
  const registered = input.status === '03';
  const title = doc.documentNumber ?? doc.subject ?? doc.id;
  const when = localTime(input.at, input.timeZone);
  const vi = [
    registered
      ? `Văn bản của quý cơ quan đã được ${recipient.name} tiếp nhận và vào sổ đến (trạng thái 03).`
      : `Văn bản của quý cơ quan đã bị ${recipient.name} trả lại (trạng thái 02).`,
    '',
    `- Mã theo dõi: ${doc.id}`,
    `- Số, ký hiệu: ${doc.documentNumber ?? '(không có)'}`,
    `- Trích yếu: ${doc.summary ?? doc.subject ?? '(không có)'}`,
    ...(input.incomingNumber !== null ? [`- Số đến: ${input.incomingNumber}`] : []),
    `- Thời điểm: ${when}`,
    `- Người xử lý: ${input.actor}`,
    ...(input.reason ? [`- Lý do trả lại: ${input.reason.vi}`] : []),
  ];
  const en = [
    registered ? `Your document was received and registered by ${recipient.name} (status 03).` : `Your document was returned by ${recipient.name} (status 02).`,
    '',
    `- Tracking id: ${doc.id}`,
    `- Number: ${doc.documentNumber ?? '(none)'}`,
    ...(input.incomingNumber !== null ? [`- Incoming number: ${input.incomingNumber}`] : []),
    `- Time: ${input.at.toISOString()}`,
    `- Clerk: ${input.actor}`,
    ...(input.reason ? [`- Reason: ${input.reason.en}`] : []),
  ];
  const composer = new MailComposer({
    from: { name: 'docgate', address: `docgate@${input.hostname}` },
    to: doc.senderAccount,
    subject: `[${registered ? 'Đã vào sổ' : 'Trả lại'}] ${title}`,
    date: rfc5322Date(input.at, input.timeZone),
    messageId: `<${doc.id}.${input.status}.${randomBytes(4).toString('hex')}@${input.hostname}>`,
    ...(doc.rfc822MessageId ? { inReplyTo: doc.rfc822MessageId, references: [doc.rfc822MessageId] } : {}),
    text: [...vi, '', '---', '', ...en, ''].join('\r\n'),
  });
  const built = await composer.compile().build();
  // docgate's own fields go first, written here: nodemailer would re-case their names ("…-ID").
  const trace = `X-Docgate-Tracking-Id: ${doc.id}\r\nX-Docgate-Status: ${input.status}\r\n`;
  return Buffer.from(trace + built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
