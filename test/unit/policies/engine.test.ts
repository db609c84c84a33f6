// The policy engine alone, with fake checks injected as its registry: no server, no database, no real
// check. Action precedence, policy order, time budgets (sinon fake timers), thrown checks, temporary
// codes, warnings, missing services, what checks file with the document, and the context they get.

import { expect } from 'chai';
import sinon from 'sinon';
import { AgencyDirectory } from '../../../config/agencies.js';
import { createLogger } from '../../../config/log.js';
import { PolicyEngine, type PolicyEngineDeps } from '../../../policies/engine.js';
import { DEFAULT_ALLOWED_EXTENSIONS } from '../../../policies/files/main-document.js';
import type { InboundMessage } from '../../../policies/message.js';
import type { PolicyConfig } from '../../../policies/policy-file.js';
import type { ReasonCode } from '../../../policies/reasons.js';
import type { DuplicateQuery, PolicyServices, ServiceName } from '../../../policies/services.js';
import type { CheckDefinition, CheckReport, Finding, PolicyContext, RegisteredCheck } from '../../../policies/types.js';
import { composeMessage, testConfig, TEST_NOW } from '../../helpers/policy.js';
import { z } from 'zod';

type Run = (message: InboundMessage, ctx: PolicyContext<Record<string, unknown>, ServiceName>) => Promise<Finding[] | CheckReport>;

/** A fake check: its findings (or its own run), no options, the services it names. */
function fake(
  id: string,
  result: ReasonCode[] | Run,
  extra: { needs?: ServiceName[]; timeoutMs?: number; documentExtensions?: (o: Record<string, unknown>) => readonly string[] } = {},
): RegisteredCheck {
  const run: Run = typeof result === 'function' ? result : async () => result.map((code) => ({ code, subject: id }));
  return { id, stage: 'content', description: id, options: z.record(z.string(), z.unknown()), needs: extra.needs ?? [], run, ...extra };
}

function policyOf(ids: string[], actions: PolicyConfig['actions'] = {}): PolicyConfig {
  return { checks: ids.map((id) => ({ id, options: {} })), actions };
}

describe('policy engine (fake checks)', function () {
  let message: InboundMessage;
  const config = testConfig();
  before(async () => {
    message = await composeMessage({});
  });

  function engine(checks: RegisteredCheck[], policy: PolicyConfig, over: Partial<PolicyEngineDeps> = {}): PolicyEngine {
    return new PolicyEngine(policy, {
      timeZone: 'Asia/Ho_Chi_Minh',
      agencies: new AgencyDirectory(config.agencies),
      log: createLogger('silent'),
      now: () => TEST_NOW,
      services: {},
      checks: Object.fromEntries(checks.map((c) => [c.id, c])),
      ...over,
    });
  }

  // attachment-type → reject, metadata-invalid → quarantine, late-sending → warn (policy.yaml actions).
  const ACTIONS: PolicyConfig['actions'] = { 'metadata-invalid': 'quarantine' };
  const CHECKS = [
    fake('warns', ['late-sending']),
    fake('holds', ['metadata-invalid']),
    fake('fails', ['internal-error']),
    fake('refuses', ['attachment-type']),
  ];

  it('reject beats defer beats quarantine beats warn, in any policy order', async () => {
    const expected: [string[], string, ReasonCode][] = [
      [['warns', 'holds', 'fails', 'refuses'], 'reject', 'attachment-type'],
      [['refuses', 'fails', 'holds', 'warns'], 'reject', 'attachment-type'],
      [['warns', 'holds', 'fails'], 'defer', 'internal-error'],
      [['fails', 'holds', 'warns'], 'defer', 'internal-error'],
      [['warns', 'holds'], 'quarantine', 'metadata-invalid'],
      [['holds', 'warns'], 'quarantine', 'metadata-invalid'],
      [['warns'], 'accept', 'ok'],
    ];
    for (const [ids, action, reason] of expected) {
      const verdict = await engine(CHECKS, policyOf(ids, ACTIONS)).evaluate(message);
      expect([verdict.action, verdict.reason], ids.join(',')).to.deep.equal([action, reason]);
      expect(
        verdict.warnings.map((w) => w.code),
        ids.join(','),
      ).to.deep.equal(['late-sending']);
      expect(verdict.outcomes.map((o) => o.check)).to.deep.equal(ids);
    }
  });

  it('within a level, the first finding in policy order decides (and names its check)', async () => {
    const checks = [fake('first', ['duplicate']), fake('second', ['attachment-type', 'malware'])];
    const a = await engine(checks, policyOf(['first', 'second'])).evaluate(message);
    expect([a.reason, a.check, a.subject]).to.deep.equal(['duplicate', 'first', 'first']);
    const b = await engine(checks, policyOf(['second', 'first'])).evaluate(message);
    expect([b.reason, b.check]).to.deep.equal(['attachment-type', 'second']);
    expect(b.smtp).to.deep.equal({ code: 550, enhanced: '5.6.1' });
    expect(b.message.en).to.equal('Attachment type not allowed: second');
    const holds = [fake('q1', ['metadata-invalid']), fake('q2', ['legacy-encoding'])];
    const c = await engine(holds, policyOf(['q2', 'q1'], { 'metadata-invalid': 'quarantine', 'legacy-encoding': 'quarantine' })).evaluate(message);
    expect([c.action, c.reason, c.check]).to.deep.equal(['quarantine', 'legacy-encoding', 'q2']);
    // ignore: the finding is kept in the outcome but decides nothing.
    const d = await engine(checks, policyOf(['first'], { duplicate: 'ignore' })).evaluate(message);
    expect([d.action, d.warnings, d.outcomes[0].findings.map((f) => f.code)]).to.deep.equal(['accept', [], ['duplicate']]);
  });

  describe('time budget', function () {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => clock.restore());

    it('a check past its timeoutMs has its signal aborted and the message deferred (4xx)', async () => {
      let seen: AbortSignal | null = null;
      const hangs = fake(
        'hangs',
        (_m, ctx) => {
          seen = ctx.signal;
          return new Promise(() => undefined);
        },
        { timeoutMs: 5_000 },
      );
      const pending = engine([hangs, fake('after', [])], policyOf(['hangs', 'after'])).evaluate(message);
      await clock.tickAsync(4_999);
      expect(seen!.aborted, 'not yet').to.equal(false);
      await clock.tickAsync(1);
      const verdict = await pending;
      expect(seen!.aborted).to.equal(true);
      expect([verdict.action, verdict.reason, verdict.check]).to.deep.equal(['defer', 'internal-error', 'hangs']);
      expect(verdict.smtp).to.deep.equal({ code: 451, enhanced: '4.3.0' });
      expect(verdict.outcomes.map((o) => [o.check, o.error ?? null])).to.deep.equal([
        ['hangs', 'timed out after 5000 ms'],
        ['after', null],
      ]);
    });
    it('without its own timeoutMs a check gets 30 s', async () => {
      const pending = engine([fake('hangs', () => new Promise(() => undefined))], policyOf(['hangs'])).evaluate(message);
      await clock.tickAsync(29_999);
      let settled = false;
      void pending.then(() => (settled = true));
      await clock.tickAsync(0);
      expect(settled).to.equal(false);
      await clock.tickAsync(1);
      expect((await pending).outcomes[0].error).to.equal('timed out after 30000 ms');
    });
  });

  it('a check that throws defers the message; the checks after it still run', async () => {
    const throws = fake('throws', async () => {
      throw new Error('boom');
    });
    const verdict = await engine([throws, fake('warns', ['late-sending'])], policyOf(['throws', 'warns'])).evaluate(message);
    expect([verdict.action, verdict.reason, verdict.check]).to.deep.equal(['defer', 'internal-error', 'throws']);
    expect(verdict.details).to.deep.equal({ error: 'boom' });
    expect(verdict.outcomes.map((o) => o.check)).to.deep.equal(['throws', 'warns']);
    expect(verdict.warnings.map((w) => w.code)).to.deep.equal(['late-sending']);
  });

  it('a temporary code is never answered 5xx, whatever policy.yaml sets it to', async () => {
    for (const action of ['reject', 'warn', 'quarantine', 'ignore'] as const) {
      for (const code of ['internal-error', 'rate-limited'] as const) {
        const verdict = await engine([fake('t', [code])], policyOf(['t'], { [code]: action })).evaluate(message);
        expect([verdict.action, verdict.reason], `${code}: ${action}`).to.deep.equal(['defer', code]);
        expect(verdict.smtp.code, `${code}: ${action}`).to.be.within(400, 499);
        expect(verdict.warnings).to.deep.equal([]);
      }
    }
  });

  it('the same warning from several checks (or twice from one) is listed once, the first kept', async () => {
    const checks = [fake('a', ['late-sending', 'late-sending']), fake('b', ['paper-copy-required', 'late-sending'])];
    const verdict = await engine(checks, policyOf(['a', 'b'])).evaluate(message);
    expect(verdict.action).to.equal('accept');
    expect(verdict.warnings.map((w) => [w.code, w.subject])).to.deep.equal([
      ['late-sending', 'a'],
      ['paper-copy-required', 'b'],
    ]);
  });

  it('a missing service is one internal-error finding; the check never runs', async () => {
    let ran = false;
    const needy = fake(
      'needy',
      async () => {
        ran = true;
        return [];
      },
      { needs: ['register', 'memoryBudget'] },
    );
    const budget = { reserve: async () => () => undefined };
    const verdict = await engine([needy], policyOf(['needy']), { services: { memoryBudget: budget } }).evaluate(message);
    expect(ran).to.equal(false);
    expect([verdict.action, verdict.reason, verdict.check]).to.deep.equal(['defer', 'internal-error', 'needy']);
    expect(verdict.smtp.code).to.equal(451);
    expect(verdict.outcomes).to.have.length(1);
    expect(verdict.outcomes[0].findings).to.deep.equal([
      { code: 'internal-error', details: { error: 'missing service(s): register', missingServices: ['register'] } },
    ]);
    expect(verdict.outcomes[0].error).to.equal(undefined);
  });

  it('a check gets the services it names, typed (fakes through PolicyServices)', async () => {
    const queries: DuplicateQuery[] = [];
    const register: PolicyServices['register'] = { findDuplicate: async (q) => (queries.push(q), { trackingId: 'DG1', by: 'message-id' }) };
    const asks: CheckDefinition<Record<string, unknown>, 'register'> = {
      id: 'asks',
      stage: 'content',
      description: 'asks the register',
      options: z.record(z.string(), z.unknown()),
      needs: ['register'],
      async run(m, ctx) {
        const match = await ctx.services.register.findDuplicate({
          messageId: m.messageId,
          senderAgencyId: 'x',
          documentNumber: null,
          year: 2026,
          timeZone: ctx.timeZone,
        });
        return match ? [{ code: 'duplicate', details: { ...match } }] : [];
      },
    };
    const verdict = await engine([asks], policyOf(['asks']), { services: { register } }).evaluate(message);
    expect(verdict.reason).to.equal('duplicate');
    expect(queries.map((q) => q.timeZone)).to.deep.equal(['Asia/Ho_Chi_Minh']);
  });

  it('a check sees a frozen context: its options, the time zone, the clock, no Config', async () => {
    let seen: PolicyContext<Record<string, unknown>, ServiceName> | null = null;
    const looks = fake('looks', async (_m, ctx) => {
      seen = ctx;
      return [];
    });
    await engine([looks], { checks: [{ id: 'looks', options: { level: 3 } }], actions: {} }).evaluate(message);
    expect(Object.isFrozen(seen)).to.equal(true);
    expect(seen!.timeZone).to.equal('Asia/Ho_Chi_Minh');
    expect(seen!.options).to.deep.equal({ level: 3 });
    expect(seen!.now()).to.equal(TEST_NOW);
    expect(seen).to.not.have.property('config');
  });

  it('what checks file (CheckReport.record) is merged into verdict.record, not into the outcomes', async () => {
    const signature = {
      signed: false,
      status: 'unsigned' as const,
      format: null,
      reason: 'ok' as const,
      checkedAt: TEST_NOW.toISOString(),
      trustVersion: null,
      micalg: null,
      signers: [],
      problems: [],
    };
    const signs = fake('signs', async () => ({ findings: [], data: { kept: true }, record: { signature } }));
    const verdict = await engine([fake('plain', []), signs], policyOf(['plain', 'signs'])).evaluate(message);
    expect(verdict.record).to.deep.equal({ signature });
    expect(verdict.outcomes.map((o) => Object.keys(o).sort())).to.deep.equal([
      ['check', 'durationMs', 'findings'],
      ['check', 'data', 'durationMs', 'findings'],
    ]);
    const none = await engine([fake('plain', [])], policyOf(['plain'])).evaluate(message);
    expect(none.record).to.deep.equal({});
  });

  it('documentExtensions(): from the first check that says, for the policy in force, else the defaults', async () => {
    const picky = fake('picky', [], { documentExtensions: (o) => (Array.isArray(o.only) ? o.only.map(String) : ['pdf']) });
    const e = engine([picky, fake('plain', [])], policyOf(['plain']));
    expect(e.documentExtensions()).to.deep.equal(DEFAULT_ALLOWED_EXTENSIONS);
    e.setPolicy({
      checks: [
        { id: 'plain', options: {} },
        { id: 'picky', options: { only: ['odt'] } },
      ],
      actions: {},
    });
    expect(e.documentExtensions()).to.deep.equal(['odt']);
  });

  it('only checks of the stage asked for run; ids the registry lacks are skipped', async () => {
    const envelope: RegisteredCheck = { ...fake('env', ['sender-unauthorized']), stage: 'envelope' };
    const e = engine([envelope, fake('content', ['late-sending'])], policyOf(['env', 'content', 'unknown']));
    expect((await e.evaluate(message, 'envelope')).outcomes.map((o) => o.check)).to.deep.equal(['env']);
    expect((await e.evaluate(message)).outcomes.map((o) => o.check)).to.deep.equal(['content']);
  });

  it('without an injected registry the real one is used', async () => {
    const e = new PolicyEngine(policyOf(['sender-header']), {
      timeZone: 'Asia/Ho_Chi_Minh',
      agencies: new AgencyDirectory(config.agencies),
      log: createLogger('silent'),
      now: () => TEST_NOW,
      services: {},
    });
    const verdict = await e.evaluate(message);
    expect(verdict.outcomes.map((o) => o.check)).to.deep.equal(['sender-header']);
    expect(verdict.action).to.equal('accept');
  });
});
