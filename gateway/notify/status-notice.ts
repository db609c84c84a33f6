// Status notices to the sender, one builder for every status: 01 arrived (in a recipient's docgate
// mailbox, or accepted by its own server), 03 registered and 02 returned by a recipient over IMAP, and
// 02 for a held document an administrator refused. Delivered to the sender agency's "Thông báo" folder.

import type { DocumentRow } from '../../storage/rows.js';
import { composeNotice } from './compose.js';
import { baseFacts, localText, type DeliveryFacts, type NamedAgency } from './facts.js';

type NoticeStatus = '01' | '02' | '03';

export interface StatusNoticeInput {
  hostname: string;
  timeZone: string;
  document: DocumentRow;
  sender: NamedAgency;
  /** The agency the status is about; null when docgate itself decided (a refused quarantine). */
  recipient: NamedAgency | null;
  status: NoticeStatus;
  incomingNumber: number | null;
  actor: string | null;
  at: Date;
  reason: { vi: string; en: string } | null;
  /** 01: where the document arrived. */
  delivery?: DeliveryFacts | null;
}

const STATUS_TEXT: Record<NoticeStatus, { vi: string; en: string; subject: string }> = {
  '01': { vi: 'đã đến', en: 'arrived', subject: 'Đã đến' },
  '02': { vi: 'từ chối, trả lại', en: 'returned', subject: 'Trả lại' },
  '03': { vi: 'đã tiếp nhận, vào sổ', en: 'registered', subject: 'Đã vào sổ' },
};

function whereText(delivery: DeliveryFacts): { vi: string; en: string } {
  return delivery.via === 'mailbox'
    ? { vi: `hộp thư "${delivery.where}" trên docgate`, en: `its docgate mailbox "${delivery.where}"` }
    : {
        vi: `máy chủ thư riêng ${delivery.where} (trả lời: ${delivery.reply ?? ''})`,
        en: `its own mail server ${delivery.where} (reply: ${delivery.reply ?? ''})`,
      };
}

function headline(input: StatusNoticeInput): { vi: string; en: string } {
  const name = input.recipient?.name ?? 'docgate';
  if (input.status === '01') {
    const where = input.delivery ? whereText(input.delivery) : null;
    return {
      vi: `Văn bản của quý cơ quan đã đến ${name} (trạng thái 01)${where ? `: ${where.vi}` : ''}.`,
      en: `Your document has arrived at ${name} (status 01)${where ? `: ${where.en}` : ''}.`,
    };
  }
  if (input.status === '03')
    return {
      vi: `Văn bản của quý cơ quan đã được ${name} tiếp nhận và vào sổ đến (trạng thái 03).`,
      en: `Your document was received and registered by ${name} (status 03).`,
    };
  if (input.recipient === null)
    return {
      vi: 'Văn bản của quý cơ quan bị giữ lại để xem xét và đã bị quản trị viên từ chối (trạng thái 02): văn bản không được vào sổ và không được chuyển đến nơi nhận.',
      en: 'Your document was held for review and refused by the administrator (status 02): it was neither registered nor delivered.',
    };
  return { vi: `Văn bản của quý cơ quan đã bị ${name} trả lại (trạng thái 02).`, en: `Your document was returned by ${name} (status 02).` };
}

export function composeStatusNotice(input: StatusNoticeInput): Buffer {
  const doc = input.document;
  const facts = baseFacts('status', doc, input.sender, input.at, input.timeZone);
  const label = STATUS_TEXT[input.status];
  Object.assign(facts, {
    status: input.status,
    statusText: { vi: label.vi, en: label.en },
    agency: input.recipient,
    actor: input.actor,
    incomingNumber: input.incomingNumber,
    reason: input.reason,
    delivery: input.delivery ?? null,
  });
  const head = headline(input);
  const reasonLabel = input.recipient === null ? 'Ghi chú của quản trị viên' : 'Lý do trả lại';
  const vi = [
    head.vi,
    '',
    `- Mã theo dõi: ${doc.id}`,
    `- Số, ký hiệu: ${doc.documentNumber ?? '(không có)'}`,
    `- Trích yếu: ${doc.summary ?? doc.subject ?? '(không có)'}`,
    ...(input.incomingNumber !== null ? [`- Số đến: ${input.incomingNumber}`] : []),
    `- Thời điểm: ${localText(facts.time)}`,
    ...(input.actor ? [`- Người xử lý: ${input.actor}`] : []),
    ...(input.reason ? [`- ${reasonLabel}: ${input.reason.vi}`] : []),
  ];
  const en = [
    head.en,
    '',
    `- Tracking id: ${doc.id}`,
    `- Number: ${doc.documentNumber ?? '(none)'}`,
    ...(input.incomingNumber !== null ? [`- Incoming number: ${input.incomingNumber}`] : []),
    `- Time: ${facts.time.utc}`,
    ...(input.actor ? [`- Clerk: ${input.actor}`] : []),
    ...(input.reason ? [`- ${input.recipient === null ? "Administrator's note" : 'Reason'}: ${input.reason.en}`] : []),
  ];
  return composeNotice({
    hostname: input.hostname,
    timeZone: input.timeZone,
    at: input.at,
    document: doc,
    statusHeader: input.status,
    fromLocal: 'docgate',
    subject: `[${label.subject}] ${doc.documentNumber ?? doc.subject ?? doc.id}`,
    text: { vi, en },
    facts,
    edxml: true,
  });
}
