// Runs the checks policy.yaml lists, in order, each with a time budget and an AbortSignal, and merges
// their findings into one Verdict by the actions policy.yaml gives each reason code.

import type { AgencyDirectory } from '../config/agencies.js';
import type { Config } from '../config/load.js';
import type { PolicyConfig } from '../config/schema.js';
import type { InboundMessage } from '../gateway/intake/message.js';
import type { Logger } from '../gateway/log.js';
import { isTemporary, REASONS, reasonText, type ReasonCode } from './reasons.js';
import { CHECK_DEFINITIONS } from './registry.js';
import type { CheckOutcome, Finding, PolicyAction, PolicyServices, Verdict, VerdictAction } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

export interface PolicyEngineDeps {
  config: Config;
  agencies: AgencyDirectory;
  log: Logger;
  now: () => Date;
  services: PolicyServices;
}

export function actionFor(policy: PolicyConfig, code: ReasonCode): PolicyAction {
  return (policy.actions[code] as PolicyAction | undefined) ?? REASONS[code].defaultAction;
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

export function acceptVerdict(outcomes: CheckOutcome[] = [], warnings: Finding[] = []): Verdict {
  return {
    action: 'accept',
    reason: 'ok',
    check: '',
    smtp: { code: 250, enhanced: '2.0.0' },
    message: reasonText('ok'),
    warnings,
    outcomes,
  };
}

export function verdictFor(action: VerdictAction, finding: Finding, check: string, outcomes: CheckOutcome[], warnings: Finding[] = []): Verdict {
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
  };
}

export class PolicyEngine {
  private policy: PolicyConfig;

  constructor(policy: PolicyConfig, private readonly deps: PolicyEngineDeps) {
    this.policy = policy;
  }

  /** Swaps in a reloaded policy; sessions already evaluating keep the one they started with. */
  setPolicy(policy: PolicyConfig): void {
    this.policy = policy;
  }

  get current(): PolicyConfig {
    return this.policy;
  }

  async evaluate(message: InboundMessage, stage: 'envelope' | 'content' = 'content'): Promise<Verdict> {
    const policy = this.policy;
    const outcomes: CheckOutcome[] = [];
    for (const entry of policy.checks) {
      const check = CHECK_DEFINITIONS[entry.id];
      if (!check || check.stage !== stage) continue;
      const started = performance.now();
      try {
        const result = await withTimeout(
          (signal) =>
            check.run(message, {
              config: this.deps.config,
              agencies: this.deps.agencies,
              options: entry.options,
              now: this.deps.now,
              log: this.deps.log.child({ check: check.id }),
              signal,
              services: this.deps.services,
            }),
          check.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        );
        const report = Array.isArray(result) ? { findings: result } : result;
        outcomes.push({ check: check.id, ...report, durationMs: performance.now() - started });
      } catch (err) {
        this.deps.log.error('policy check failed', { check: check.id, trackingId: message.trackingId, err });
        outcomes.push({ check: check.id, findings: [], durationMs: performance.now() - started, error: (err as Error).message });
      }
    }
    return this.decide(policy, outcomes);
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
