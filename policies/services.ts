// The services checks may need, typed: built once by the gateway (gateway/server.ts), faked by tests
// through the same interface. A check lists the ones it needs (CheckDefinition.needs) and gets exactly
// those; when one is missing the engine reports one internal-error finding instead of running it.

import type { Readable } from 'node:stream';
import type { ClamdTarget, ScanResult } from './malware/clamd.js';
import type { TrustStore } from './smime/trust-store.js';

export interface DuplicateQuery {
  messageId: string | null;
  senderAgencyId: string;
  /** NFC số ký hiệu as written, or null. */
  documentNumber: string | null;
  /** Register year of the signing date (or of receipt when the date is unknown). */
  year: number;
  /** The register's time zone: the year of a stored document without a signing date is its receipt's year there. */
  timeZone: string;
}

export interface DuplicateMatch {
  trackingId: string;
  by: 'message-id' | 'document-number';
}

/** Read-only look-ups in the register, so checks never import storage. */
interface RegisterLookup {
  findDuplicate(query: DuplicateQuery): Promise<DuplicateMatch | null>;
  /** The latest accepted document of the agency with this số ký hiệu (what a replacement or update names). */
  findByNumber?(senderAgencyId: string, documentNumber: string): Promise<{ trackingId: string } | null>;
}

/** Memory shared by all submissions (policies/files/budget.ts ByteBudget): reserve before holding a whole file. */
interface MemoryBudget {
  /** Resolves with a release function once `bytes` fit; rejects when the signal aborts first. */
  reserve(bytes: number, signal?: AbortSignal): Promise<() => void>;
}

/** The clamd client (policies/malware/clamd.ts scanStream); where clamd listens comes from the malware check's options. */
export interface ClamdScanner {
  scan(target: ClamdTarget, source: Readable | Buffer, signal?: AbortSignal): Promise<ScanResult>;
}

export interface PolicyServices {
  register: RegisterLookup;
  memoryBudget: MemoryBudget;
  /** Licensed CAs, intermediates and CRLs for S/MIME. */
  trust: TrustStore;
  /** Only the malware check needs it; a gateway always provides the real client. */
  clamd?: ClamdScanner;
}

export type ServiceName = keyof PolicyServices;

/** The services a check that needs `N` is given: all of them present. */
export type ServicesOf<N extends ServiceName> = Pick<Required<PolicyServices>, N>;

/** Which of `needs` are not provided. */
export function missingServices(services: Partial<PolicyServices>, needs: readonly ServiceName[]): ServiceName[] {
  return needs.filter((name) => services[name] === undefined);
}

/** True when every service in `needs` is provided (a type guard, so callers need no cast). */
export function providesAll<N extends ServiceName>(
  services: Partial<PolicyServices>,
  needs: readonly N[],
): services is Partial<PolicyServices> & ServicesOf<N> {
  return missingServices(services, needs).length === 0;
}
