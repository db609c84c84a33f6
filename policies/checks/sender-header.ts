// The header From must be exactly one address, and it must belong to the authenticated clerk's agency
// (the envelope sender is checked at MAIL FROM). A clerk of one agency cannot sign as another, neither
// by address nor by display name (policies/text/display-name.ts), in From or in Sender.

import { z } from 'zod';
import { describeDisplayNameProblem, displayNameProblem } from '../text/display-name.js';
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
    const own = message.sender.agency;
    for (const [field, addresses] of [
      ['From', message.from],
      ['Sender', message.senderHeader],
    ] as const) {
      for (const { name, address } of addresses) {
        if (!ctx.agencies.belongsTo(address, own.id)) {
          findings.push({ code: 'sender-unauthorized', subject: address, details: { [field.toLowerCase()]: address, agency: own.id } });
          continue;
        }
        const problem = displayNameProblem(name, address, own, ctx.agencies.agencies);
        if (problem)
          findings.push({
            code: 'sender-unauthorized',
            subject: describeDisplayNameProblem(field, problem),
            details: { field, displayName: name, address, problem: problem.kind },
          });
      }
    }
    return findings;
  },
};
