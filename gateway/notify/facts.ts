// The facts every notice and receipt states, once: the same object is the JSON part, feeds the
// bilingual text and the edXML status. Times are the gateway's clock, in the register's time zone and UTC.

import type { DocumentRow } from '../../storage/rows.js';
import { localDate, zonedParts } from '../../policies/text/dates.js';

export type NoticeKind = 'acceptance-receipt' | 'delivery-receipt' | 'status' | 'delivery-status';

export interface NoticeTime {
  utc: string;
  /** ISO 8601 with the offset of the register's time zone. */
  local: string;
  timeZone: string;
}

export interface NamedAgency {
  id: string;
  name: string;
}

export interface DeliveryFacts {
  agency: NamedAgency;
  /** mailbox: docgate's own INBOX of the agency; relay: the agency's own server. */
  via: 'mailbox' | 'relay';
  /** mailbox: the folder; relay: the peer (scheme://host:port). */
  where: string;
  /** relay: the peer's reply to the data. */
  reply: string | null;
}

/** The JSON part of every notice (version 1): fields a kind does not have are null. */
export interface NoticeFacts {
  version: 1;
  kind: NoticeKind;
  trackingId: string;
  /** edXML document id: {mã định danh},{yyyy/MM/dd},{số}/{ký hiệu}. */
  edxmlDocumentId: string;
  /** edXML status code (01, 02, 03 …) for status notices; the DSN action for delivery-status. */
  status: string | null;
  statusText: { vi: string; en: string } | null;
  time: NoticeTime;
  sender: { agency: NamedAgency; account: string };
  recipients: string[];
  documentNumber: string | null;
  summary: string | null;
  subject: string | null;
  messageId: string | null;
  /** SHA-256 and size of the bytes docgate received and stored (the blob), receipts only. */
  sha256: string | null;
  size: number | null;
  /** SHA-256 of the sender's copy as served over IMAP in Văn bản đi (docgate's trace block + those bytes), receipts only. */
  servedSha256: string | null;
  /** The agency the status is about (the recipient that filed, returned or received it). */
  agency: NamedAgency | null;
  actor: string | null;
  incomingNumber: number | null;
  reason: { vi: string; en: string } | null;
  delivery: DeliveryFacts | null;
}

function noticeTime(at: Date, timeZone: string): NoticeTime {
  const p = zonedParts(at, timeZone);
  const offset = `${p.offset.slice(0, 3)}:${p.offset.slice(3)}`;
  return { utc: at.toISOString(), local: `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`, timeZone };
}

/** "dd/mm/yyyy hh:mm:ss (Asia/Ho_Chi_Minh, UTC+07:00)" for the text parts. */
export function localText(time: NoticeTime): string {
  const [date, clock] = time.local.slice(0, 19).split('T');
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y} ${clock} (${time.timeZone}, UTC${time.local.slice(19)})`;
}

/** edXML document id; the date is the signing date, else the day docgate received it. */
function edxmlDocumentId(doc: DocumentRow, timeZone: string): string {
  const day = doc.signedDate ?? localDate(doc.receivedAt, timeZone);
  return `${doc.senderAgencyId},${day.replace(/-/g, '/')},${doc.documentNumber ?? doc.id}`;
}

function recipientsOf(doc: DocumentRow): string[] {
  try {
    const value: unknown = JSON.parse(doc.recipients);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

/** The fields every kind shares, from the document; callers fill in what their kind adds. */
export function baseFacts(kind: NoticeKind, doc: DocumentRow, sender: NamedAgency, at: Date, timeZone: string): NoticeFacts {
  return {
    version: 1,
    kind,
    trackingId: doc.id,
    edxmlDocumentId: edxmlDocumentId(doc, timeZone),
    status: null,
    statusText: null,
    time: noticeTime(at, timeZone),
    sender: { agency: sender, account: doc.senderAccount },
    recipients: recipientsOf(doc),
    documentNumber: doc.documentNumber,
    summary: doc.summary ?? doc.subject,
    subject: doc.subject,
    messageId: doc.rfc822MessageId,
    sha256: null,
    size: null,
    servedSha256: null,
    agency: null,
    actor: null,
    incomingNumber: null,
    reason: null,
    delivery: null,
  };
}
