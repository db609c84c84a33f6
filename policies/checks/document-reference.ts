// `document-reference`: a submission that replaces ("Thay thế văn bản: 05/QĐ-UBND") or updates ("Cập nhật
// văn bản: …") an earlier document must name one the same agency has sent (accepted, any year): an unknown
// số ký hiệu is `reference-unknown`. The register is asked through the injected service.

import { z } from 'zod';
import type { CheckDefinition } from '../types.js';

const options = z.strictObject({});

export const documentReferenceCheck: CheckDefinition<z.output<typeof options>, 'register'> = {
  id: 'document-reference',
  stage: 'content',
  description: 'Van ban duoc thay the / cap nhat ton tai / the replaced or updated document exists',
  options,
  needs: ['register'],
  async run(message, ctx) {
    const m = message.metadata;
    const named = m.replaces ?? m.updates;
    if (named === null || !ctx.services.register.findByNumber) return [];
    const found = await ctx.services.register.findByNumber(message.sender.agency.id, named.normalize('NFC').trim());
    return found ? [] : [{ code: 'reference-unknown', subject: named }];
  },
};
