// Signed receipts, as Italy's PEC gives them: an acceptance receipt when docgate accepts a document
// (the time of its 250), a delivery receipt for each recipient it reaches (its docgate INBOX at
// acceptance, or its own server's 250). Each is a multipart/signed S/MIME message by the gateway's
// certificate over the notice entity (bilingual text + JSON with the same facts), so anyone can check it
// with `openssl cms -verify -CAfile <signing CA>` or `docgate receipt verify`.

import type { DocumentRow } from '../../storage/rows.js';
import type { SigningIdentity } from '../signing/identity.js';
import { signedMessage } from '../signing/smime.js';
import { noticeEntity, noticeHeaderLines, type NoticeContent } from './compose.js';
import { baseFacts, localText, type DeliveryFacts, type NamedAgency, type NoticeFacts } from './facts.js';

export interface ReceiptInput {
  hostname: string;
  timeZone: string;
  /** The time the receipt attests: acceptance (the 250) or delivery. */
  at: Date;
  /** When it is signed (the CMS signingTime); later than `at` since receipts are made after the 250. */
  signedAt: Date;
  document: DocumentRow;
  sender: NamedAgency;
  message: { sha256: string; size: number; servedSha256: string };
  /** null: the acceptance receipt; else the delivery it attests. */
  delivery: DeliveryFacts | null;
  incomingNumber: number | null;
}

function receiptFacts(input: ReceiptInput): NoticeFacts {
  const facts = baseFacts(input.delivery ? 'delivery-receipt' : 'acceptance-receipt', input.document, input.sender, input.at, input.timeZone);
  return {
    ...facts,
    sha256: input.message.sha256,
    size: input.message.size,
    servedSha256: input.message.servedSha256,
    agency: input.delivery?.agency ?? null,
    incomingNumber: input.incomingNumber,
    delivery: input.delivery,
  };
}

function receiptText(input: ReceiptInput, facts: NoticeFacts): { vi: string[]; en: string[] } {
  const d = input.delivery;
  const doc = input.document;
  const where = d
    ? d.via === 'mailbox'
      ? { vi: `hộp thư "${d.where}" của ${d.agency.name} trên docgate`, en: `the docgate mailbox "${d.where}" of ${d.agency.name}` }
      : {
          vi: `máy chủ thư của ${d.agency.name}: ${d.where}, trả lời "${d.reply ?? ''}"`,
          en: `the mail server of ${d.agency.name}: ${d.where}, reply "${d.reply ?? ''}"`,
        }
    : null;
  const vi = [
    d ? 'BIÊN NHẬN CHUYỂN GIAO VĂN BẢN (có chữ ký số của docgate)' : 'BIÊN NHẬN CHẤP NHẬN VĂN BẢN (có chữ ký số của docgate)',
    '',
    d ? `docgate xác nhận đã chuyển văn bản dưới đây đến ${where!.vi}.` : 'docgate xác nhận đã nhận và chấp nhận văn bản dưới đây để chuyển đến nơi nhận.',
    '',
    `- Mã theo dõi: ${doc.id}`,
    `- Thời điểm ${d ? 'chuyển giao' : 'chấp nhận'}: ${localText(facts.time)}; UTC ${facts.time.utc}`,
    `- Người gửi: ${doc.senderAccount} (${input.sender.name}, ${input.sender.id})`,
    `- Nơi nhận: ${facts.recipients.join(', ')}`,
    ...(d ? [`- Cơ quan nhận: ${d.agency.name} (${d.agency.id})${input.incomingNumber !== null ? `, số đến ${input.incomingNumber}` : ''}`] : []),
    `- Số, ký hiệu: ${doc.documentNumber ?? '(không có)'}`,
    `- Trích yếu: ${doc.summary ?? doc.subject ?? '(không có)'}`,
    `- Message-ID: ${doc.rfc822MessageId ?? '(không có)'}`,
    `- SHA-256 của văn bản đã nhận (${input.message.size} byte): ${input.message.sha256}`,
    `- SHA-256 của bản lưu trong "Văn bản đi": ${input.message.servedSha256}`,
    '',
    'Kiểm tra: docgate receipt verify <tệp biên nhận> --message <văn bản gốc>, hoặc openssl cms -verify -CAfile <chứng thư CA của docgate>.',
  ];
  const en = [
    d ? 'DELIVERY RECEIPT (digitally signed by docgate)' : 'ACCEPTANCE RECEIPT (digitally signed by docgate)',
    '',
    d
      ? `docgate certifies that it delivered the document below to ${where!.en}.`
      : 'docgate certifies that it received and accepted the document below for delivery.',
    '',
    `- Tracking id: ${doc.id}`,
    `- ${d ? 'Delivered' : 'Accepted'} at: ${facts.time.utc} (${localText(facts.time)})`,
    `- Sender: ${doc.senderAccount} (${input.sender.id})`,
    `- Recipients: ${facts.recipients.join(', ')}`,
    ...(d ? [`- Recipient agency: ${d.agency.id}${input.incomingNumber !== null ? `, incoming number ${input.incomingNumber}` : ''}`] : []),
    `- Number: ${doc.documentNumber ?? '(none)'}`,
    `- SHA-256 of the bytes received (${input.message.size} bytes): ${input.message.sha256}`,
    `- SHA-256 of the copy in "Văn bản đi": ${input.message.servedSha256}`,
    '',
    'Verify: docgate receipt verify <receipt file> --message <original>, or openssl cms -verify -CAfile <docgate CA certificate>.',
  ];
  return { vi, en };
}

export function composeReceipt(identity: SigningIdentity, input: ReceiptInput): { bytes: Buffer; facts: NoticeFacts } {
  const facts = receiptFacts(input);
  const content: NoticeContent = {
    hostname: input.hostname,
    timeZone: input.timeZone,
    at: input.signedAt,
    document: input.document,
    statusHeader: input.delivery ? 'receipt-delivered' : 'receipt-accepted',
    // The signing certificate names postmaster@<hostname>: mail clients match it against From.
    fromLocal: 'postmaster',
    subject: `[${input.delivery ? 'Biên nhận chuyển giao / Delivery receipt' : 'Biên nhận chấp nhận / Acceptance receipt'}] ${input.document.documentNumber ?? input.document.subject ?? input.document.id}`,
    text: receiptText(input, facts),
    facts,
    edxml: false,
  };
  return { bytes: signedMessage(identity, noticeHeaderLines(content), noticeEntity(content), input.signedAt), facts };
}
