// Every policy check docgate knows, by id. policy.yaml picks which run and in what order.
// Explicit map: adding a check is one import and one line here (no side-effect registration).

import type { CheckDefinition } from './types.js';
import { senderHeaderCheck } from './checks/sender-header.js';
import { smimeSignatureCheck } from './checks/smime-signature.js';

function define<O>(check: CheckDefinition<O>): CheckDefinition {
  return check as unknown as CheckDefinition;
}

export const CHECK_DEFINITIONS: Readonly<Record<string, CheckDefinition>> = Object.freeze({
  [senderHeaderCheck.id]: define(senderHeaderCheck),
  [smimeSignatureCheck.id]: define(smimeSignatureCheck),
});
