// The header From must be exactly one address, and it must belong to the authenticated clerk's agency
// (the envelope sender is checked at MAIL FROM). A clerk of one agency cannot sign as another.

import { z } from 'zod';
import type { CheckDefinition, Finding } from '../types.js';

const options = z.strictObject({});

export const senderHeaderCheck: CheckDefinition<z.output<typeof options>> = {
  id: 'sender-header',
  stage: 'content',
  description: 'Header From is one address of the sender agency / Dia chi From thuoc co quan gui',
  options,
  needs: [],
  async run(message, ctx) {
    const findings: Finding[] = [];
    if (message.fromFieldCount !== 1 || message.from.length !== 1) {
      findings.push({
        code: 'sender-unauthorized',
        subject: message.fromFieldCount === 0 ? 'From' : `From (${message.from.length})`,
        details: { fromFields: message.fromFieldCount, addresses: message.from.map((a) => a.address) },
      });
      return findings;
    }
    const address = message.from[0].address;
    if (!ctx.agencies.belongsTo(address, message.sender.agency.id)) {
      findings.push({ code: 'sender-unauthorized', subject: address, details: { from: address, agency: message.sender.agency.id } });
    }
    return findings;
  },
};
