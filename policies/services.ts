// The services docgate's own checks use, under their names in PolicyContext.services. The gateway
// provides them (gateway/server.ts); tests pass their own. A check whose service is missing says so.

import type { PolicyServices } from './types.js';
import { ByteBudget } from './files/budget.js';

export interface DuplicateQuery {
  messageId: string | null;
  senderAgencyId: string;
  /** NFC số ký hiệu as written, or null. */
  documentNumber: string | null;
  /** Register year of the signing date (or of receipt when the date is unknown). */
  year: number;
}

export interface DuplicateMatch {
  trackingId: string;
  by: 'message-id' | 'document-number';
}

/** Read-only look-ups in the register, so checks never import storage. */
export interface RegisterLookup {
  findDuplicate(query: DuplicateQuery): Promise<DuplicateMatch | null>;
}

export const SERVICE_NAMES = { memoryBudget: 'memoryBudget', register: 'register' } as const;

export function memoryBudgetOf(services: PolicyServices): ByteBudget | null {
  const budget = services[SERVICE_NAMES.memoryBudget];
  return budget instanceof ByteBudget ? budget : null;
}

export function registerLookupOf(services: PolicyServices): RegisterLookup | null {
  const lookup = services[SERVICE_NAMES.register] as RegisterLookup | undefined;
  return lookup && typeof lookup.findDuplicate === 'function' ? lookup : null;
}
