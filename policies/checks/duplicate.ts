// `duplicate` (DOMAIN.md "Receiving"): the same Message-ID already registered, or the same số ký hiệu
// from the same issuing agency in the same year. The register is asked through the injected
// `register` service (policies/services.ts), never imported, so the check runs against any store.
// The year is the register's (registerYear in the configured time zone), the same one counters use.
// Returned or quarantined submissions do not count: a corrected resend must go through.

import { z } from 'zod';
import { documentYear } from '../text/dates.js';
import type { CheckDefinition } from '../types.js';

const options = z.strictObject({
  byMessageId: z.boolean().default(true),
  byDocumentNumber: z.boolean().default(true),
});

export const duplicateCheck: CheckDefinition<z.output<typeof options>, 'register'> = {
  id: 'duplicate',
  stage: 'content',
  description: 'Van ban chua gui truoc do / not already sent',
  options,
  needs: ['register'],
  async run(message, ctx) {
    const m = message.metadata;
    const year = documentYear(m.signedDate, message.receivedAt, ctx.timeZone);
    const match = await ctx.services.register.findDuplicate({
      messageId: ctx.options.byMessageId ? message.messageId : null,
      senderAgencyId: message.sender.agency.id,
      documentNumber: ctx.options.byDocumentNumber ? m.documentNumber : null,
      year,
      timeZone: ctx.timeZone,
    });
    if (!match) return [];
    const subject = match.by === 'message-id' ? `Message-ID ${message.messageId}` : `${m.documentNumber} (${year})`;
    return [{ code: 'duplicate', subject, details: { ...match } }];
  },
};
