// Runs the checks policy.yaml lists, in order, each with a time budget and an AbortSignal, and merges
// their findings into one Verdict by the actions policy.yaml gives each reason code. The check registry
// and the services are injected (defaults: the real registry), so the engine is tested with fake checks.

import type { AgencyDirectory } from '../config/agencies.js';
import type { PolicyConfig } from './policy-file.js';
import type { InboundMessage } from './message.js';
import type { Logger } from '../config/log.js';
import { DEFAULT_ALLOWED_EXTENSIONS } from './files/main-document.js';
import { isTemporary, REASONS, reasonText, type PolicyAction, type ReasonCode } from './reasons.js';
import { CHECK_DEFINITIONS } from './registry.js';
import { missingServices, providesAll, type PolicyServices, type ServiceName } from './services.js';
import type { CheckOutcome, CheckReport, DocumentRecord, Finding, PolicyContext, RegisteredCheck, Verdict, VerdictAction } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

export interface PolicyEngineDeps {
  /** The register's time zone (docgate.yaml `timezone`), handed to checks as ctx.timeZone. */
  timeZone: string;
  agencies: AgencyDirectory;
  log: Logger;
  now: () => Date;
  /** What the gateway provides; a check needing an absent one gets one internal-error finding. */
  services: Partial<PolicyServices>;
  /** The checks policy.yaml may name, by id (default: the real registry, policies/registry.ts). */
  checks?: Readonly<Record<string, RegisteredCheck>>;
}

function actionFor(policy: PolicyConfig, code: ReasonCode): PolicyAction {
  return policy.actions[code] ?? REASONS[code].defaultAction;
}

class CheckTimeout extends Error {}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CheckTimeout(`timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function acceptVerdict(outcomes: CheckOutcome[], warnings: Finding[]): Verdict {
  return {
    action: 'accept',
    reason: 'ok',
    check: '',
    smtp: { code: 250, enhanced: '2.0.0' },
    message: reasonText('ok'),
    warnings,
    outcomes,
    record: {},
  };
}

function verdictFor(action: VerdictAction, finding: Finding, check: string, outcomes: CheckOutcome[], warnings: Finding[]): Verdict {
  const reason = REASONS[finding.code];
  return {
    action,
    reason: finding.code,
    check,
    smtp: { code: reason.smtp, enhanced: reason.enhanced },
    message: reasonText(finding.code, finding.subject),
    ...(finding.subject !== undefined ? { subject: finding.subject } : {}),
    ...(finding.details !== undefined ? { details: finding.details } : {}),
    warnings,
    outcomes,
    record: {},
  };
}

export class PolicyEngine {
  private policy: PolicyConfig;
  private readonly checks: Readonly<Record<string, RegisteredCheck>>;
  private readonly services: Readonly<Partial<PolicyServices>>;
  /** One child logger per check, made once: a pino child per check per message costs more than the check. */
  private readonly checkLogs = new Map<string, Logger>();

  constructor(
    policy: PolicyConfig,
    private readonly deps: PolicyEngineDeps,
  ) {
    this.policy = policy;
    this.checks = deps.checks ?? CHECK_DEFINITIONS;
    this.services = Object.freeze({ ...deps.services });
  }

  /** Swaps in a reloaded policy; sessions already evaluating keep the one they started with. */
  setPolicy(policy: PolicyConfig): void {
    this.policy = policy;
  }

  get current(): PolicyConfig {
    return this.policy;
  }

  /**
   * The file types a main document may have under the policy in force: what the first check that
   * says (the attachments check's allowedExtensions) allows, else DEFAULT_ALLOWED_EXTENSIONS.
   */
  documentExtensions(): readonly string[] {
    for (const entry of this.policy.checks) {
      const extensions = this.checks[entry.id]?.documentExtensions?.(entry.options);
      if (extensions) return extensions;
    }
    return DEFAULT_ALLOWED_EXTENSIONS;
  }

  private checkLog(id: string): Logger {
    let log = this.checkLogs.get(id);
    if (!log) {
      log = this.deps.log.child({ check: id });
      this.checkLogs.set(id, log);
    }
    return log;
  }

  async evaluate(message: InboundMessage, stage: 'envelope' | 'content' = 'content'): Promise<Verdict> {
    const policy = this.policy;
    const outcomes: CheckOutcome[] = [];
    const record: DocumentRecord = {};
    for (const entry of policy.checks) {
      const check = this.checks[entry.id];
      if (!check || check.stage !== stage) continue;
      const started = performance.now();
      const services = this.services;
      if (!providesAll(services, check.needs)) {
        const missing = missingServices(services, check.needs);
        this.deps.log.error('policy check lacks a service', { check: check.id, trackingId: message.trackingId, missing });
        const finding: Finding = { code: 'internal-error', details: { error: `missing service(s): ${missing.join(', ')}`, missingServices: missing } };
        outcomes.push({ check: check.id, findings: [finding], durationMs: performance.now() - started });
        continue;
      }
      try {
        const result = await withTimeout((signal) => {
          const ctx: PolicyContext<Record<string, unknown>, ServiceName> = Object.freeze({
            timeZone: this.deps.timeZone,
            agencies: this.deps.agencies,
            options: entry.options,
            now: this.deps.now,
            log: this.checkLog(check.id),
            signal,
            services,
          });
          return check.run(message, ctx);
        }, check.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        const { record: filed, ...report }: CheckReport = Array.isArray(result) ? { findings: result } : result;
        if (filed) Object.assign(record, filed);
        outcomes.push({ check: check.id, ...report, durationMs: performance.now() - started });
      } catch (err) {
        this.deps.log.error('policy check failed', { check: check.id, trackingId: message.trackingId, err });
        outcomes.push({ check: check.id, findings: [], durationMs: performance.now() - started, error: (err as Error).message });
      }
    }
    return { ...this.decide(policy, outcomes), record };
  }

  /** reject beats defer (the message is bad whatever else failed), defer beats quarantine, quarantine beats warn. */
  decide(policy: PolicyConfig, outcomes: CheckOutcome[]): Verdict {
    const warnings: Finding[] = [];
    let reject: { finding: Finding; check: string } | null = null;
    let defer: { finding: Finding; check: string } | null = null;
    let quarantine: { finding: Finding; check: string } | null = null;
    for (const outcome of outcomes) {
      if (outcome.error !== undefined && !defer) {
        defer = { finding: { code: 'internal-error', details: { error: outcome.error } }, check: outcome.check };
      }
      for (const finding of outcome.findings) {
        if (isTemporary(finding.code)) {
          defer ??= { finding, check: outcome.check };
          continue;
        }
        const action = finding.mandatory ? 'reject' : actionFor(policy, finding.code);
        if (action === 'reject') reject ??= { finding, check: outcome.check };
        else if (action === 'quarantine') quarantine ??= { finding, check: outcome.check };
        else if (action === 'warn' && !warnings.some((w) => w.code === finding.code)) warnings.push(finding);
      }
    }
    if (reject) return verdictFor('reject', reject.finding, reject.check, outcomes, warnings);
    if (defer) return verdictFor('defer', defer.finding, defer.check, outcomes, warnings);
    if (quarantine) return verdictFor('quarantine', quarantine.finding, quarantine.check, outcomes, warnings);
    return acceptVerdict(outcomes, warnings);
  }
}
