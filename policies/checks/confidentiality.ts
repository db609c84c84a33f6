// Quy chế Điều 7: documents marked Mật, Tối mật or Tuyệt mật never go through the system
// (`confidential-document`). Where a mark is looked for and what counts as one is decided in
// policies/text/confidentiality.ts (the header comment there states the rule).

import { z } from 'zod';
import { mainDocumentText } from '../files/document-text.js';
import { markInFormValue, markInSubject, markInText } from '../text/confidentiality.js';
import type { CheckDefinition, Finding } from '../types.js';

const options = z.strictObject({
  /** Also read the main document's text (DOCX/XLSX, the PDF text layer). */
  documentText: z.boolean().default(true),
  /** Also read the text body (lines that are only a mark). */
  bodyText: z.boolean().default(true),
});

export const confidentialityCheck: CheckDefinition<z.output<typeof options>, 'memoryBudget'> = {
  id: 'confidentiality',
  stage: 'content',
  description: 'Khong gui van ban mat / no classified documents',
  options,
  needs: ['memoryBudget'],
  async run(message, ctx) {
    const findings: Finding[] = [];
    const form = markInFormValue(message.metadata.confidentiality);
    if (form) findings.push({ code: 'confidential-document', subject: `Độ mật: ${form}`, details: { source: 'form', mark: form } });
    const subject = markInSubject(message.subject);
    if (subject) findings.push({ code: 'confidential-document', subject: `Subject: ${subject}`, details: { source: 'subject', mark: subject } });
    if (ctx.options.bodyText && findings.length === 0) {
      const body = markInText(message.textBody);
      if (body) findings.push({ code: 'confidential-document', subject: body.mark, details: { source: 'body', mark: body.mark, line: body.line } });
    }
    if (ctx.options.documentText && findings.length === 0) {
      const doc = await mainDocumentText(message, ctx);
      const found = doc ? markInText(doc.text) : null;
      if (doc && found)
        findings.push({
          code: 'confidential-document',
          subject: `${doc.file}: ${found.mark}`,
          details: { source: 'document', mark: found.mark, line: found.line },
        });
    }
    return findings;
  },
};
