// `metadata-invalid` (DESIGN.md "Document metadata"): the required form fields are present; Ngày ký
// is a real calendar date, not after today in the configured time zone; the số ký hiệu has the NĐ 30
// shape and, when the type has an abbreviation, starts with it; the loại văn bản is one of NĐ 30's;
// and the main DOCX's or PDF's own "Số:" line, when there is one, says the same số ký hiệu. Values are NFC
// (form.ts normalises), so NFD input compares equal.

import { z } from 'zod';
import { mainDocumentText } from '../files/document-text.js';
import { extensionOf } from '../files/names.js';
import { documentTypeOf, parseDocumentNumber, sameDocumentNumber } from '../metadata/doc-types.js';
import type { MetadataField } from '../metadata/form.js';
import type { CheckDefinition, Finding } from '../types.js';
import { localDate } from '../text/dates.js';

const FIELD_LABELS: Record<MetadataField, string> = {
  documentNumber: 'Số ký hiệu',
  signedDate: 'Ngày ký',
  signer: 'Người ký',
  documentType: 'Loại văn bản',
  summary: 'Trích yếu',
  urgency: 'Độ khẩn',
  confidentiality: 'Độ mật',
  deadline: 'Hạn xử lý',
  mainFile: 'Văn bản chính',
  replaces: 'Thay thế văn bản',
  updates: 'Cập nhật văn bản',
};

/** C0 controls other than TAB, and DEL: never part of a form value (a QP "=00" decodes to NUL). */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/u;

const FIELDS = Object.keys(FIELD_LABELS) as [MetadataField, ...MetadataField[]];

const options = z.strictObject({
  required: z.array(z.enum(FIELDS)).default(['documentNumber', 'signedDate', 'documentType', 'summary']),
  /** Check the main DOCX's or PDF's "Số:" line against the form's số ký hiệu. */
  crossCheckDocument: z.boolean().default(true),
  /** Which main-document formats the cross-check reads (the PDF's text layer, the DOCX's paragraphs). */
  crossCheckFormats: z.array(z.enum(['docx', 'pdf'])).default(['docx', 'pdf']),
});

/** "Số: 05/QĐ-UBND" as the first lines of an NĐ 30 document write it. */
const NUMBER_LINE = /^\s*s[oố]\s*:\s*(\S.*?)\s*$/imu;

export const metadataCheck: CheckDefinition<z.output<typeof options>, 'memoryBudget'> = {
  id: 'metadata',
  stage: 'content',
  description: 'Thong tin van ban day du, dung the thuc ND 30 / document metadata complete and well-formed',
  options,
  needs: ['memoryBudget'],
  async run(message, ctx) {
    const m = message.metadata;
    const findings: Finding[] = [];
    const invalid = (field: MetadataField, problem: string, details: Record<string, unknown> = {}) =>
      findings.push({ code: 'metadata-invalid', subject: `${FIELD_LABELS[field]}: ${problem}`, details: { field, problem, ...details } });

    for (const field of FIELDS) {
      const value = field === 'signedDate' ? m.signedDateText : field === 'urgency' ? m.urgencyText : m[field];
      if (typeof value === 'string' && CONTROL.test(value)) invalid(field, 'có ký tự điều khiển / contains a control character');
    }
    if (findings.length > 0) return findings;
    for (const field of ctx.options.required) {
      const value = field === 'signedDate' ? m.signedDateText : field === 'urgency' ? m.urgencyText : m[field];
      if (value === null || value === '') invalid(field, 'thiếu / missing');
    }
    if (m.signedDateText !== null) {
      if (m.signedDate === null) invalid('signedDate', `ngày không hợp lệ / not a real date (${m.signedDateText})`);
      else {
        const today = localDate(ctx.now(), ctx.timeZone);
        if (m.signedDate > today) invalid('signedDate', `ngày trong tương lai / in the future (${m.signedDateText})`, { today });
      }
    }
    const type = m.documentType === null ? null : documentTypeOf(m.documentType);
    if (m.documentType !== null && type === null) invalid('documentType', `không thuộc danh mục NĐ 30 / not an NĐ 30 type (${m.documentType})`);
    if (m.documentNumber !== null) {
      const parsed = parseDocumentNumber(m.documentNumber);
      if (!parsed) invalid('documentNumber', `sai thể thức / not in the NĐ 30 form (${m.documentNumber})`);
      else if (type?.abbr && parsed.groups[0] !== type.abbr) {
        invalid('documentNumber', `ký hiệu không khớp loại văn bản / notation does not match the type (${m.documentNumber}, ${type.name})`);
      }
      if (ctx.options.crossCheckDocument) {
        const found = await mainDocumentText(message, ctx);
        const format = found && extensionOf(found.file) === 'pdf' ? 'pdf' : 'docx';
        const doc = found && ctx.options.crossCheckFormats.includes(format) ? found : null;
        const line = doc ? NUMBER_LINE.exec(doc.text) : null;
        if (doc && line && !sameDocumentNumber(line[1], m.documentNumber)) {
          invalid('documentNumber', `khác số trong văn bản / differs from the document (${line[1]})`, { document: doc.file });
        }
      }
    }
    return findings;
  },
};
