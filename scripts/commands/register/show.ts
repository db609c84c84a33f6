// `docgate register show`: everything the register keeps about one document: NĐ 30's register columns
// for each book entry, the file list with sizes and SHA-256, the signature result and every event.

import { AgencyDirectory } from '../../../config/agencies.js';
import type { Config } from '../../../config/load.js';
import type { Storage } from '../../../storage/index.js';
import type { DocumentFileRow, DocumentRow, RegisterEntryRow, RegisterEventRow } from '../../../storage/rows.js';
import { localDateTime, vnDay } from '../../../policies/text/calendar.js';
import { urgencyLabel } from './labels.js';
import { table, type Column } from './output.js';

export interface DocumentDetails {
  document: DocumentRow;
  entries: RegisterEntryRow[];
  files: DocumentFileRow[];
  events: RegisterEventRow[];
}

export async function loadDetails(storage: Storage, trackingId: string): Promise<DocumentDetails | null> {
  const document = await storage.register.findDocument(trackingId);
  if (!document) return null;
  const [entries, files, events] = await Promise.all([
    storage.register.entriesOf(trackingId),
    storage.register.filesOf(trackingId),
    storage.register.eventsOf(trackingId),
  ]);
  return { document, entries, files, events };
}

interface Signature {
  status?: string;
  reason?: string;
  signers?: { verified?: boolean; subject?: string | null; emails?: string[]; serial?: string | null; signingTime?: string | null }[];
}

function signatureLine(json: string | null): string {
  if (!json) return 'không ký / unsigned';
  const s = JSON.parse(json) as Signature;
  const signers = (s.signers ?? []).map(
    (x) => `${x.subject ?? x.emails?.join(',') ?? '?'}${x.serial ? ` (serial ${x.serial})` : ''}: ${x.verified ? 'hợp lệ / valid' : 'không hợp lệ / invalid'}`,
  );
  return [`${s.status ?? '?'} [${s.reason ?? '?'}]`, ...signers].join('; ');
}

function agencyName(dir: AgencyDirectory, id: string | null): string {
  if (!id) return '';
  const a = dir.get(id);
  return a ? `${a.name} (${id})` : id;
}

/** The register's view as plain data (what --json prints). */
export function detailsJson(config: Config, d: DocumentDetails): Record<string, unknown> {
  const doc = d.document;
  return {
    trackingId: doc.id,
    status: doc.status,
    reason: doc.reason,
    origin: doc.origin ?? 'smtp',
    receivedAt: doc.receivedAt.toISOString(),
    sender: { agencyId: doc.senderAgencyId, account: doc.senderAccount },
    recipients: JSON.parse(doc.recipients) as string[],
    rfc822MessageId: doc.rfc822MessageId,
    subject: doc.subject,
    documentNumber: doc.documentNumber,
    signedDate: doc.signedDate,
    signer: doc.signer,
    documentType: doc.documentType,
    summary: doc.summary,
    urgency: doc.urgency,
    confidentiality: doc.confidentiality,
    paperCopyRequired: doc.paperCopyRequired,
    signature: doc.signature ? (JSON.parse(doc.signature) as unknown) : null,
    entries: d.entries.map((e) => ({
      agencyId: e.agencyId,
      book: e.book,
      year: e.year,
      number: e.number,
      status: e.status,
      registeredAt: e.registeredAt.toISOString(),
      counterpartAgencyId: e.counterpartAgencyId,
      note: e.note,
    })),
    files: d.files.map((f) => ({
      position: f.position,
      name: f.filename,
      size: f.size,
      declaredType: f.declaredType,
      detectedType: f.detectedType,
      role: f.role,
      sha256: f.sha256,
    })),
    events: d.events.map((e) => ({ at: e.at.toISOString(), agencyId: e.agencyId, status: e.status, actor: e.actor, note: e.note })),
    timeZone: config.docgate.timezone,
  };
}

export function detailsText(config: Config, d: DocumentDetails): string {
  const tz = config.docgate.timezone;
  const dir = new AgencyDirectory(config.agencies);
  const doc = d.document;
  const out: string[] = [];
  const field = (vi: string, en: string, value: string | number | null | undefined) => out.push(`${`${vi} / ${en}:`.padEnd(44)} ${value ?? ''}`);
  field('Mã theo dõi', 'Tracking id', doc.id);
  field('Trạng thái văn bản', 'Document status', `${doc.status} [${doc.reason}]`);
  field('Nguồn', 'Origin', doc.origin === 'paper' ? 'văn bản giấy, bản quét / paper document, scanned' : 'thư điện tử / mail');
  field('Tác giả / cơ quan ban hành', 'Issuing agency', agencyName(dir, doc.senderAgencyId));
  field('Người gửi', 'Sent by', doc.senderAccount);
  field('Số ký hiệu', 'Number and notation', doc.documentNumber);
  field('Ngày ký', 'Signing date', vnDay(doc.signedDate));
  field('Loại văn bản', 'Document type', doc.documentType);
  field('Trích yếu', 'Summary', doc.summary ?? doc.subject);
  field('Người ký', 'Signer', doc.signer);
  field('Độ khẩn', 'Urgency', urgencyLabel(doc.urgency) ?? 'Thường');
  field('Độ mật', 'Confidentiality', doc.confidentiality);
  field('Nơi nhận', 'Recipients', (JSON.parse(doc.recipients) as string[]).join(', '));
  field('Cần bản giấy', 'Paper copy required', doc.paperCopyRequired ? 'có / yes' : 'không / no');
  field('Chữ ký số', 'Digital signature', signatureLine(doc.signature));
  for (const e of d.entries) {
    out.push('');
    const book = e.book === 'incoming' ? 'Sổ đến / Incoming register' : 'Sổ đi / Outgoing register';
    out.push(`${book}: ${agencyName(dir, e.agencyId)}`);
    field(e.book === 'incoming' ? 'Ngày đến' : 'Ngày đi', e.book === 'incoming' ? 'Received' : 'Sent', localDateTime(e.registeredAt, tz));
    field(e.book === 'incoming' ? 'Số đến' : 'Số đi', 'Number', e.number === null ? 'chưa vào sổ / unnumbered' : `${e.number}/${e.year}`);
    if (e.book === 'incoming') field('Đơn vị / người nhận', 'Receiving unit', agencyName(dir, e.agencyId));
    field('Trạng thái', 'Status', e.status);
    field('Ghi chú', 'Note', e.note);
  }
  out.push('', 'Tệp / Files:');
  const fileColumns: Column<DocumentFileRow>[] = [
    { vi: 'TT', en: 'No.', key: 'position', value: (f) => f.position },
    { vi: 'Tên tệp', en: 'File name', key: 'name', value: (f) => f.filename },
    { vi: 'Kích thước', en: 'Bytes', key: 'size', value: (f) => f.size },
    { vi: 'Loại', en: 'Type', key: 'type', value: (f) => f.detectedType },
    { vi: 'Vai trò', en: 'Role', key: 'role', value: (f) => f.role },
    { vi: 'SHA-256', en: 'SHA-256', key: 'sha256', value: (f) => f.sha256 },
  ];
  out.push(table(fileColumns, d.files).trimEnd());
  out.push('', 'Sự kiện / Events:');
  const eventColumns: Column<RegisterEventRow>[] = [
    { vi: 'Thời gian', en: 'Time', key: 'at', value: (e) => localDateTime(e.at, tz) },
    { vi: 'Cơ quan', en: 'Agency', key: 'agency', value: (e) => e.agencyId },
    { vi: 'Trạng thái', en: 'Status', key: 'status', value: (e) => e.status },
    { vi: 'Người thực hiện', en: 'Actor', key: 'actor', value: (e) => e.actor ?? 'docgate' },
    { vi: 'Ghi chú', en: 'Note', key: 'note', value: (e) => e.note },
  ];
  out.push(table(eventColumns, d.events).trimEnd());
  return out.join('\n') + '\n';
}
