// The messages of a recall (edXML business type 1): the request (status 13) delivered to each recipient's
// INBOX, and each recipient's answer (15 agreed, 16 refused) delivered to the sender's "Thông báo".
// Bilingual, threaded to the document by In-Reply-To / References.

import MailComposer from 'nodemailer/lib/mail-composer';
import { randomBytes } from 'node:crypto';
import type { Agency } from '../../config/schema.js';
import type { DocumentRow } from '../../storage/rows.js';
import { rfc5322Date } from '../intake/trace.js';
import { shortLocalTime } from './alert-message.js';

export interface RecallMessageInput {
  hostname: string;
  timeZone: string;
  document: DocumentRow;
  senderName: string;
  recipient: Agency;
  status: '13' | '15' | '16';
  actor: string;
  at: Date;
}

const TEXT: Record<RecallMessageInput['status'], { subject: string; vi: (i: RecallMessageInput) => string; en: (i: RecallMessageInput) => string }> = {
  '13': {
    subject: 'Yêu cầu thu hồi',
    vi: (i) =>
      `${i.senderName} yêu cầu thu hồi văn bản dưới đây (trạng thái 13). Đồng ý: chuyển thư này vào thư mục "Đồng ý thu hồi"; từ chối: chuyển vào "Từ chối thu hồi".`,
    en: (i) =>
      `${i.senderName} asks to recall the document below (status 13). To agree, move this message to "Đồng ý thu hồi"; to refuse, to "Từ chối thu hồi".`,
  },
  '15': {
    subject: 'Đồng ý thu hồi',
    vi: (i) => `${i.recipient.name} đồng ý thu hồi văn bản của quý cơ quan (trạng thái 15).`,
    en: (i) => `${i.recipient.name} agreed to the recall of your document (status 15).`,
  },
  '16': {
    subject: 'Từ chối thu hồi',
    vi: (i) => `${i.recipient.name} từ chối thu hồi văn bản của quý cơ quan (trạng thái 16).`,
    en: (i) => `${i.recipient.name} refused the recall of your document (status 16).`,
  },
};

export async function composeRecallMessage(input: RecallMessageInput): Promise<Buffer> {
  const { document: doc } = input;
  const text = TEXT[input.status];
  const number = doc.documentNumber ?? '(không số)';
  const facts = [
    `- Mã theo dõi / Tracking id: ${doc.id}`,
    `- Số, ký hiệu / Number: ${number}`,
    `- Trích yếu: ${doc.summary ?? doc.subject ?? '(không có)'}`,
    `- Thời điểm / Time: ${shortLocalTime(input.at, input.timeZone)} (${input.at.toISOString()})`,
    `- Người thực hiện / By: ${input.actor}`,
  ];
  const toRecipient = input.status === '13';
  const composer = new MailComposer({
    from: { name: 'docgate', address: `docgate@${input.hostname}` },
    to: toRecipient ? (input.recipient.addresses[0] ?? `vanthu@${input.recipient.domain}`) : doc.senderAccount,
    subject: `[${text.subject}] ${number}`,
    date: rfc5322Date(input.at, input.timeZone),
    messageId: `<${doc.id}.${input.status}.${randomBytes(4).toString('hex')}@${input.hostname}>`,
    ...(doc.rfc822MessageId ? { inReplyTo: doc.rfc822MessageId, references: [doc.rfc822MessageId] } : {}),
    text: [text.vi(input), '', ...facts, '', '---', '', text.en(input), ''].join('\r\n'),
  });
  const built = await composer.compile().build();
  const trace = `X-Docgate-Tracking-Id: ${doc.id}\r\nX-Docgate-Status: ${input.status}\r\nX-Docgate-Recipient-Agency: ${input.recipient.id}\r\n`;
  return Buffer.from(trace + built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
