// `duplicate` (DOMAIN.md "Receiving"): the same Message-ID already registered, or the same số ký hiệu
// from the same issuing agency in the same year. The register is asked through the injected
// `register` service (policies/services.ts), never imported, so the check runs against any store.
// Returned or quarantined submissions do not count: a corrected resend must go through.

import { z } from 'zod';
import { registerLookupOf } from '../services.js';
import type { CheckDefinition } from '../types.js';

const options = z.strictObject({
  byMessageId: z.boolean().default(true),
  byDocumentNumber: z.boolean().default(true),
});

export const duplicateCheck: CheckDefinition<z.output<typeof options>> = {
  id: 'duplicate',
  stage: 'content',
  description: 'Van ban chua gui truoc do / not already sent',
  options,
  async run(message, ctx) {
    const lookup = registerLookupOf(ctx.services);
    if (!lookup) throw new Error('duplicate check needs the register service');
    const m = message.metadata;
    const year = Number((m.signedDate ?? message.receivedAt.toISOString()).slice(0, 4));
    const match = await lookup.findDuplicate({
      messageId: ctx.options.byMessageId ? message.messageId : null,
      senderAgencyId: message.sender.agency.id,
      documentNumber: ctx.options.byDocumentNumber ? m.documentNumber : null,
      year,
    });
    if (!match) return [];
    const subject = match.by === 'message-id' ? `Message-ID ${message.messageId}` : `${m.documentNumber} (${year})`;
    return [{ code: 'duplicate', subject, details: { ...match } }];
  },
};
