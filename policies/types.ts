// Contracts of the policy engine: a check detects, configuration decides (see DESIGN.md "Contracts").

import type { z } from 'zod';
import type { InboundMessage } from '../gateway/intake/message.js';
import type { Logger } from '../gateway/log.js';
import type { Config } from '../config/load.js';
import type { AgencyDirectory } from '../config/agencies.js';
import type { ReasonCode, ReasonSubject } from './reasons.js';

export const POLICY_ACTIONS = ['reject', 'warn', 'quarantine', 'ignore'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export interface Finding {
  code: ReasonCode;
  /** What the finding is about, shown to the sender (a file name, a field): plain text, never HTML. */
  subject?: ReasonSubject;
  /** Internal details for the register and logs; never sent on the wire. */
  details?: Record<string, unknown>;
  /**
   * The finding rejects whatever action policy.yaml gives its code: used where the code names the cause
   * the sender must hear (certificate-expired) but the fact disproves the document (a signature made
   * after the certificate expired), which no policy may accept.
   */
  mandatory?: boolean;
}

/**
 * Services a check may need, injected by the gateway so tests control them. Each is optional: a check
 * whose service is missing reports what it can and says so in its details.
 */
export interface PolicyServices {
  [name: string]: unknown;
}

export interface PolicyContext<Options = Record<string, unknown>> {
  config: Config;
  agencies: AgencyDirectory;
  /** The check's own options from policy.yaml, already validated by its schema. */
  options: Options;
  now(): Date;
  log: Logger;
  signal: AbortSignal;
  services: PolicyServices;
}

/**
 * What a check may report besides findings: `data` is kept with the document in the register (e.g. the
 * S/MIME verification result), `headers` are trace header fields docgate adds to the stored message
 * (only X-Docgate-* names; incoming ones were neutralised).
 */
export interface CheckReport {
  findings: Finding[];
  data?: Record<string, unknown>;
  headers?: string[];
}

export interface PolicyCheck<Options = Record<string, unknown>> {
  id: string;
  stage: 'envelope' | 'content';
  /** Never throws for bad input: bad input is a Finding. A throw is an internal error (4xx). */
  run(message: InboundMessage, ctx: PolicyContext<Options>): Promise<Finding[] | CheckReport>;
}

export interface CheckDefinition<Options = Record<string, unknown>> extends PolicyCheck<Options> {
  description: string;
  /** Schema of the `options:` block in policy.yaml; `{}` must parse to the defaults. */
  options: z.ZodType<Options, unknown>;
  /** Time budget per message before the check is abandoned as an internal error. */
  timeoutMs?: number;
}

export interface CheckOutcome {
  check: string;
  findings: Finding[];
  data?: Record<string, unknown>;
  headers?: string[];
  durationMs: number;
  /** Set when the check threw or timed out. */
  error?: string;
}

export type VerdictAction = 'accept' | 'reject' | 'quarantine' | 'defer';

export interface Verdict {
  action: VerdictAction;
  /** The deciding reason ('ok' when accepted without warnings). */
  reason: ReasonCode;
  /** The check that produced the deciding reason ('' when none). */
  check: string;
  smtp: { code: number; enhanced: string };
  message: { vi: string; en: string };
  subject?: ReasonSubject;
  details?: Record<string, unknown>;
  /** Accepted with these warnings (action 'warn' in policy.yaml). */
  warnings: Finding[];
  /** Every check's outcome, pass or fail, kept with the document. */
  outcomes: CheckOutcome[];
}
