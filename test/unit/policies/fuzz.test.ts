// Bounded fuzzing: random mutations (byte changes, insertions, deletions, truncation) of valid
// documents, archives and whole messages never crash the inspection or the engine, and always end in
// a result within a time bound. Seeds are fixed so a failure replays; counts keep it to seconds.

import { expect } from 'chai';
import fc from 'fast-check';
import { AgencyDirectory } from '../../../config/agencies.js';
import { createLogger } from '../../../config/log.js';
import { attachmentsCheck, fileRulesFrom } from '../../../policies/checks/attachments.js';
import { PolicyEngine } from '../../../policies/engine.js';
import { ByteBudget } from '../../../policies/files/budget.js';
import { inspectFile, type InspectState } from '../../../policies/files/inspect.js';
import { openTrust } from '../../helpers/smime.js';
import { samplePolicy } from '../../helpers/policy-e2e.js';
import { composeRaw, fixture, messageFrom, testConfig, TEST_NOW } from '../../helpers/policy.js';
import { policySchema } from '../../../policies/policy-file.js';

const mutation = fc.record({
  kind: fc.constantFrom('set', 'insert', 'delete', 'truncate'),
  at: fc.noBias(fc.integer({ min: 0, max: 2 ** 31 - 1 })),
  byte: fc.integer({ min: 0, max: 255 }),
  length: fc.integer({ min: 1, max: 64 }),
});

function mutate(data: Buffer, mutations: { kind: string; at: number; byte: number; length: number }[]): Buffer {
  let out = Buffer.from(data);
  for (const m of mutations) {
    // The first 8 bytes (magic numbers) are left alone: past them is where parsers get exercised.
    const pos = out.length <= 8 ? out.length : 8 + (m.at % (out.length - 8));
    if (m.kind === 'set') for (let i = 0; i < m.length && pos + i < out.length; i++) out[pos + i] = (m.byte + i * 31) & 0xff;
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, pos), Buffer.alloc(m.length, m.byte), out.subarray(pos)]);
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, pos), out.subarray(pos + m.length)]);
    else out = out.subarray(0, pos);
  }
  return out;
}

const TIME_BOUND_MS = 3000;

async function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no result in time')), TIME_BOUND_MS)))]);
  } finally {
    clearTimeout(timer);
    expect(performance.now() - started).to.be.below(TIME_BOUND_MS);
  }
}

describe('fuzz: mutated files and messages', function () {
  this.timeout(60_000);
  const rules = fileRulesFrom(attachmentsCheck.options.parse({}));

  for (const name of ['two-pdfs.zip', 'two-pdfs.rar', 'qd-05.docx', 'qd-05.doc', 'qd-05.pdf', 'bang-ke.xlsx', 'nested.zip', 'pdf-objstm.pdf']) {
    it(`${name}: every mutation gets findings or none, never a throw`, async () => {
      const original = fixture(name);
      let runs = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (mutations) => {
          const state: InspectState = { counter: { inflated: 0 }, findings: [], maxFindings: 5 };
          await bounded(inspectFile(name, name, mutate(original, mutations), rules, state));
          for (const f of state.findings) expect(f.code).to.be.a('string');
          runs++;
          if (state.findings.length > 0) refused++;
        }),
        { numRuns: 150, seed: 4242 },
      );
      // The mutations must reach the parsers: a fuzz run that never changes an outcome proves nothing.
      expect(refused, `${refused}/${runs} mutated files refused`).to.be.above(runs * 0.1);
    });
  }

  it('whole messages: the engine always reaches a verdict', async () => {
    const config = testConfig();
    const policy = policySchema.parse({ ...samplePolicy(), checks: samplePolicy().checks.filter((c) => c.id !== 'duplicate') });
    const services = { memoryBudget: new ByteBudget(256 * 1024 * 1024), trust: await openTrust() };
    const engine = new PolicyEngine(policy, {
      timeZone: config.docgate.timezone,
      agencies: new AgencyDirectory(config.agencies),
      log: createLogger('silent'),
      now: () => TEST_NOW,
      services,
    });
    const raw = await composeRaw({
      attachments: [
        { filename: 'Quyết định.docx', content: fixture('qd-05.docx') },
        { filename: 'Phụ lục.zip', content: fixture('two-pdfs.zip') },
      ],
    });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 8 }), async (mutations) => {
        const mutated = mutate(raw, mutations);
        const verdict = await bounded(
          (async () => {
            const message = await messageFrom(mutated);
            try {
              return await engine.evaluate(message);
            } finally {
              await message.mime.dispose();
            }
          })(),
        );
        expect(['accept', 'reject', 'quarantine', 'defer']).to.include(verdict.action);
        expect(verdict.outcomes.filter((o) => o.error)).to.deep.equal([]);
      }),
      { numRuns: 150, seed: 2026 },
    );
  });
});
