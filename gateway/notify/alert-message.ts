// What an alert says: the SMS text's facts and the leader's e-mail (bilingual, Vietnamese first), both
// from the document's register row and the time it reached the leader's agency.

import MailComposer from 'nodemailer/lib/mail-composer';
import { randomBytes } from 'node:crypto';
import type { Agency } from '../../config/schema.js';
import { zonedParts } from '../../policies/text/dates.js';
import type { DocumentRow } from '../../storage/rows.js';
import { rfc5322Date } from '../intake/trace.js';
import type { SmsFacts } from './sms-text.js';

const URGENCY_VI: Record<string, string> = { flash: 'Hỏa tốc', 'very-urgent': 'Thượng khẩn', urgent: 'Khẩn', normal: 'Thường' };
const URGENCY_EN: Record<string, string> = { flash: 'flash (Hỏa tốc)', 'very-urgent': 'very urgent (Thượng khẩn)', urgent: 'urgent (Khẩn)', normal: 'normal' };

/** "08:15 02/12/2026" in the register's time zone. */
export function shortLocalTime(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

export function smsFacts(doc: DocumentRow, agency: Agency, senderName: string, deliveredAt: Date, timeZone: string): SmsFacts {
  return {
    urgency: (doc.urgency as SmsFacts['urgency']) ?? null,
    agencyName: agency.name,
    senderName,
    documentNumber: doc.documentNumber,
    summary: doc.summary ?? doc.subject,
    time: shortLocalTime(deliveredAt, timeZone),
  };
}

export interface AlertMailInput {
  hostname: string;
  timeZone: string;
  from: string;
  to: string;
  leaderName: string;
  document: DocumentRow;
  agency: Agency;
  senderName: string;
  deliveredAt: Date;
}

export async function composeAlertMail(input: AlertMailInput): Promise<Buffer> {
  const { document: doc } = input;
  const urgency = doc.urgency ?? 'urgent';
  const when = shortLocalTime(input.deliveredAt, input.timeZone);
  const number = doc.documentNumber ?? '(không số)';
  const vi = [
    `Kính gửi ${input.leaderName},`,
    '',
    `${input.agency.name} vừa nhận một văn bản ${URGENCY_VI[urgency] ?? urgency} qua hệ thống trao đổi văn bản điện tử:`,
    '',
    `- Số, ký hiệu: ${number}`,
    `- Trích yếu: ${doc.summary ?? doc.subject ?? '(không có)'}`,
    `- Cơ quan gửi: ${input.senderName}`,
    `- Độ khẩn: ${URGENCY_VI[urgency] ?? urgency}`,
    `- Thời điểm đến: ${when}`,
    `- Mã theo dõi: ${doc.id}`,
    '',
    'Văn bản đã có trong hộp thư của văn thư cơ quan (Điều 8.5 Quy chế).',
  ];
  const en = [
    `Dear ${input.leaderName},`,
    '',
    `${input.agency.name} has just received a ${URGENCY_EN[urgency] ?? urgency} official document:`,
    '',
    `- Number: ${number}`,
    `- Sender: ${input.senderName}`,
    `- Arrived: ${input.deliveredAt.toISOString()}`,
    `- Tracking id: ${doc.id}`,
    '',
    "The document is in the agency clerk's mailbox.",
  ];
  const composer = new MailComposer({
    from: input.from,
    to: { name: input.leaderName, address: input.to },
    subject: `[${(URGENCY_VI[urgency] ?? urgency).toUpperCase()}] Văn bản đến ${number} / Urgent document`,
    date: rfc5322Date(input.deliveredAt, input.timeZone),
    messageId: `<${doc.id}.alert.${randomBytes(4).toString('hex')}@${input.hostname}>`,
    headers: { 'X-Docgate-Tracking-Id': doc.id, 'X-Docgate-Alert': urgency },
    text: [...vi, '', '---', '', ...en, ''].join('\r\n'),
  });
  const built = await composer.compile().build();
  return Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
