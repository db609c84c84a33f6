// Reads the document's metadata from the form lines of the text body ("Số ký hiệu: 05/QĐ-UBND"),
// labels with or without diacritics, any case; the Subject gives the trích yếu when no line does.
// Values are kept as written (NFC); validation is the metadata check's job.

import { foldKey, nfc } from '../text/vietnamese.js';

type Urgency = 'normal' | 'urgent' | 'very-urgent' | 'flash';

export interface DocumentMetadata {
  /** Số, ký hiệu (e.g. "05/QĐ-UBND"). */
  documentNumber: string | null;
  /** Ngày ký as written. */
  signedDateText: string | null;
  /** Ngày ký as yyyy-mm-dd when it is a real calendar date in dd/mm/yyyy form. */
  signedDate: string | null;
  /** Người ký. */
  signer: string | null;
  /** Loại văn bản. */
  documentType: string | null;
  /** Trích yếu. */
  summary: string | null;
  /** Độ khẩn as written. */
  urgencyText: string | null;
  urgency: Urgency | null;
  /** Độ mật as written. */
  confidentiality: string | null;
  /** Hạn xử lý as written. */
  deadline: string | null;
  /** "Văn bản chính: <file name>": names the main document among the attachments. */
  mainFile: string | null;
  /** "Thay thế văn bản: <số ký hiệu>": this document replaces an earlier one of the same agency (edXML business type 3). */
  replaces: string | null;
  /** "Cập nhật văn bản: <số ký hiệu>": this document updates an earlier one (business type 2). */
  updates: string | null;
  /** Where each field came from. */
  sources: Partial<Record<MetadataField, 'form' | 'subject'>>;
  /** Fields given more than once (the first one counts). */
  repeated: MetadataField[];
}

export type MetadataField =
  'documentNumber' | 'signedDate' | 'signer' | 'documentType' | 'summary' | 'urgency' | 'confidentiality' | 'deadline' | 'mainFile' | 'replaces' | 'updates';

const LABELS: Record<string, MetadataField> = {
  'so ky hieu': 'documentNumber',
  'so va ky hieu': 'documentNumber',
  'ngay ky': 'signedDate',
  'nguoi ky': 'signer',
  'loai van ban': 'documentType',
  'trich yeu': 'summary',
  'do khan': 'urgency',
  'do mat': 'confidentiality',
  'han xu ly': 'deadline',
  'van ban chinh': 'mainFile',
  'tep chinh': 'mainFile',
  'thay the van ban': 'replaces',
  'thay the': 'replaces',
  'cap nhat van ban': 'updates',
  'cap nhat': 'updates',
};

const URGENCY: Record<string, Urgency> = {
  thuong: 'normal',
  khan: 'urgent',
  'thuong khan': 'very-urgent',
  'hoa toc': 'flash',
};

const FORM_LINE = /^[ \t]*([^:\r\n]{2,40}?)[ \t]*:[ \t]*(.*?)[ \t]*$/;
/** Only the head of a long body is searched: form lines sit at the top. */
const SEARCH_LIMIT = 64 * 1024;

/** "Hỏa tốc", "hoa toc" … → the stored urgency code (also read by `docgate register --urgency`). */
export function parseUrgency(text: string | null): Urgency | null {
  if (text === null) return null;
  return URGENCY[foldKey(text)] ?? null;
}

/** dd/mm/yyyy (or d/m/yyyy, with - or .) → yyyy-mm-dd when the calendar date exists. */
export function parseVietnameseDate(text: string | null): string | null {
  if (text === null) return null;
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim());
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseFormMetadata(textBody: string | null, subject: string | null): DocumentMetadata {
  const values: Partial<Record<MetadataField, string>> = {};
  const repeated: MetadataField[] = [];
  const sources: DocumentMetadata['sources'] = {};
  const text = nfc((textBody ?? '').slice(0, SEARCH_LIMIT));
  for (const line of text.split(/\r?\n/)) {
    const match = FORM_LINE.exec(line);
    if (!match) continue;
    const field = LABELS[foldKey(match[1].replace(/[,/.-]/g, ' '))];
    if (!field) continue;
    const value = match[2].trim();
    if (value === '') continue;
    if (values[field] !== undefined) {
      if (!repeated.includes(field)) repeated.push(field);
      continue;
    }
    values[field] = value;
    sources[field] = 'form';
  }
  const subjectText = subject ? nfc(subject).trim() : '';
  if (values.summary === undefined && subjectText) {
    values.summary = subjectText;
    sources.summary = 'subject';
  }
  return {
    documentNumber: values.documentNumber ?? null,
    signedDateText: values.signedDate ?? null,
    signedDate: parseVietnameseDate(values.signedDate ?? null),
    signer: values.signer ?? null,
    documentType: values.documentType ?? null,
    summary: values.summary ?? null,
    urgencyText: values.urgency ?? null,
    urgency: parseUrgency(values.urgency ?? null),
    confidentiality: values.confidentiality ?? null,
    deadline: values.deadline ?? null,
    mainFile: values.mainFile ?? null,
    replaces: values.replaces ?? null,
    updates: values.updates ?? null,
    sources,
    repeated,
  };
}
