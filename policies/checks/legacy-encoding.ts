// TCVN 6909:2001 (Unicode) is required for Vietnamese text (DOMAIN.md): TCVN3/ABC or VNI text in the
// Subject, the text body or the main document (its text or fonts) is `legacy-encoding`, with the text
// decoded as it should read in the details (the return notice shows it). How text is recognised is in
// policies/encoding/legacy.ts.

import { z } from 'zod';
import { detectLegacyText, isLegacyFont } from '../encoding/legacy.js';
import { mainDocumentText } from '../files/document-text.js';
import type { CheckDefinition, Finding } from '../types.js';

const options = z.strictObject({
  subject: z.boolean().default(true),
  body: z.boolean().default(true),
  document: z.boolean().default(true),
});

export const legacyEncodingCheck: CheckDefinition<z.output<typeof options>, 'memoryBudget'> = {
  id: 'legacy-encoding',
  stage: 'content',
  description: 'Van ban dung Unicode (TCVN 6909:2001) / text must be Unicode',
  options,
  needs: ['memoryBudget'],
  async run(message, ctx) {
    const findings: Finding[] = [];
    const report = (where: string, text: string | null) => {
      const found = detectLegacyText(text);
      if (found)
        findings.push({ code: 'legacy-encoding', subject: where, details: { encoding: found.encoding, preview: found.preview, evidence: found.evidence } });
    };
    if (ctx.options.subject) report('Subject', message.subject);
    if (ctx.options.body) report('body / noi dung thu', message.textBody);
    if (ctx.options.document && findings.length === 0) {
      const doc = await mainDocumentText(message, ctx);
      if (doc) {
        const font = doc.fonts.find((f) => isLegacyFont(f) !== null);
        if (font) {
          const detected = detectLegacyText(doc.text);
          findings.push({
            code: 'legacy-encoding',
            subject: `${doc.file} (font ${font})`,
            details: { encoding: isLegacyFont(font), font, preview: detected?.preview ?? null },
          });
        } else report(doc.file, doc.text);
      }
    }
    return findings;
  },
};
