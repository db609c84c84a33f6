// Contracts of the policy engine: a check detects, configuration decides (see DESIGN.md "Contracts").

import type { z } from 'zod';
import type { InboundMessage } from './message.js';
import type { Logger } from '../config/log.js';
import type { AgencyDirectory } from '../config/agencies.js';
import type { Finding } from './finding.js';
import type { ReasonCode, ReasonSubject } from './reasons.js';
import type { ServiceName, ServicesOf } from './services.js';
import type { SignatureResult } from './smime/report.js';
import type { PdfSignatureRecord } from './pdf/record.js';
import type { OfficeSignatureRecord } from './office/record.js';

export type { Finding } from './finding.js';

export interface PolicyContext<Options = Record<string, unknown>, Needs extends ServiceName = never> {
  /** The register's time zone (docgate.yaml `timezone`): the only part of the configuration checks read. */
  timeZone: string;
  agencies: AgencyDirectory;
  /** The check's own options from policy.yaml, already validated by its schema. */
  options: Options;
  now(): Date;
  log: Logger;
  signal: AbortSignal;
  /** The services the check declared in `needs`, all present (its type shows only those). */
  services: ServicesOf<Needs>;
}

/** What a check asks to be filed with the document, beside the verdict (the register's own columns). */
export interface DocumentRecord {
  /** The S/MIME verification result (register `signature`). */
  signature?: SignatureResult;
  /** Every signature found in the PDFs (pdf-signature): signer, role, time, chain result, changes after signing. */
  pdfSignatures?: PdfSignatureRecord[];
  /** Every XML-DSig signature found in Office packages (office-signature). */
  officeSignatures?: OfficeSignatureRecord[];
}

/**
 * What a check may report besides findings: `data` is kept in the verdict with the check's outcome,
 * `record` is filed with the document (e.g. the S/MIME verification result), `headers` are trace header
 * fields docgate adds to the stored message (only X-Docgate-* names; incoming ones were neutralised).
 */
export interface CheckReport {
  findings: Finding[];
  data?: Record<string, unknown>;
  record?: DocumentRecord;
  headers?: string[];
}

export interface CheckDefinition<Options = Record<string, unknown>, Needs extends ServiceName = never> {
  id: string;
  stage: 'envelope' | 'content';
  description: string;
  /** Schema of the `options:` block in policy.yaml; `{}` parses to the defaults (malware alone needs clamd's address). */
  options: z.ZodType<Options, unknown>;
  /** The services the check uses; the engine runs it only when all are provided. */
  needs: readonly Needs[];
  /** Time budget per message before the check is abandoned as an internal error. */
  timeoutMs?: number;
  /** The file types a main document may have under these options (only the attachments check says). */
  documentExtensions?(options: Options): readonly string[];
  /** Never throws for bad input: bad input is a Finding. A throw is an internal error (4xx). */
  run(message: InboundMessage, ctx: PolicyContext<Options, Needs>): Promise<Finding[] | CheckReport>;
}

/** A check as the registry holds it: options already validated by its own schema when policy.yaml loads. */
export type RegisteredCheck = CheckDefinition<Record<string, unknown>, ServiceName>;

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
  /** What the checks asked to file with the document (CheckReport.record), merged in policy order. */
  record: DocumentRecord;
}
