// Submissions parsed and checked in an inspection thread (gateway/intake/inspect-pool.ts): the verdicts are
// the main thread's, the register look-ups and the memory budget are the main thread's, a reloaded policy
// reaches the thread, so does a re-read of the trust files, and a thread that dies mid-check costs only that submission (4xx), nothing else.

import { expect } from 'chai';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { ByteBudget } from '../../policies/files/budget.js';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { expectAccepted, expectReturned, freshNumberPolicy, submit } from '../helpers/policy-e2e.js';
import { fixture, FORM_LINES, TEST_NOW } from '../helpers/policy.js';
import { fixture as smimeFixture, SMIME_TRUST, TEST_NOW as SMIME_NOW } from '../helpers/smime.js';
import { submitRaw } from '../helpers/submit.js';

const pdf = () => ({ filename: 'Quyết định.pdf', content: fixture('qd-05.pdf') });
const form = (number: string, date?: string) =>
  FORM_LINES.map((l) => l.replace('05/QĐ-UBND', number).replace(/^Ngày ký: .*/, (line) => (date ? `Ngày ký: ${date}` : line))).join('\n');

/** One inspection thread: every submission below inspection.largeMessage is checked there. */
async function startThreaded(memoryBudget?: ByteBudget): Promise<TestGateway> {
  const tg = await startTestGateway({
    docgate: { inspection: { threads: 1 } },
    policy: freshNumberPolicy(),
    now: () => TEST_NOW,
    ...(memoryBudget ? { services: { memoryBudget } } : {}),
  });
  await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  return tg;
}

describe('inspection threads', function () {
  this.timeout(90_000);

  describe('verdicts', function () {
    let tg: TestGateway;
    before(async () => {
      tg = await startThreaded();
    });
    after(async () => tg?.stop());

    it('a compliant document is checked in the thread and registered; a bad one is returned with its reason', async () => {
      expect(tg.gateway.inspection, 'the pool').to.not.equal(null);
      await expectAccepted(tg, await submit(tg, { text: form('401/QĐ-UBND'), attachments: [pdf()] }), []);
      expect(tg.gateway.inspection!.threads, 'one live inspection thread').to.have.length(1);
      await expectReturned(tg, await submit(tg, { text: form('402/QĐ-UBND', '30/02/2026'), attachments: [pdf()] }), 'metadata-invalid');
      await expectReturned(tg, await submit(tg, { subject: 'MẬT - V/v phương án bảo vệ', attachments: [pdf()] }), 'confidential-document');
    });

    it("the duplicate check asks the main thread's register", async () => {
      await expectAccepted(tg, await submit(tg, { text: form('403/QĐ-UBND'), attachments: [pdf()] }), []);
      await expectReturned(tg, await submit(tg, { text: form('403/QĐ-UBND'), attachments: [pdf()] }), 'duplicate');
    });

    it('a reloaded policy is the one the thread applies to the next submission', async () => {
      const late = () => submit(tg, { text: form(`${410 + Math.floor(Math.random() * 1000)}/QĐ-UBND`, '20/11/2026'), attachments: [pdf()] });
      expect((await late()).response).to.match(/^250 2\.0\.0 \[warning:late-sending\]/);
      writeFileSync(path.join(tg.env.configDir, 'policy.yaml'), stringify({ ...freshNumberPolicy(), actions: { 'late-sending': 'reject' } }));
      expect(tg.gateway.reloadPolicy()).to.deep.equal({ ok: true });
      expect((await late()).response).to.match(/^550 5\.7\.1 \[late-sending\] /);
    });
  });

  describe('S/MIME in the thread', function () {
    let tg: TestGateway;
    before(async () => {
      tg = await startTestGateway({
        docgate: { inspection: { threads: 1 } },
        trustFrom: SMIME_TRUST,
        now: () => SMIME_NOW,
        policy: { checks: [{ id: 'sender-header' }, { id: 'smime-signature' }], actions: {} },
      });
      await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    });
    after(async () => tg?.stop());

    it("verifies against the thread's trust store, which an administrator's reload re-reads", async () => {
      expect((await submitRaw(tg, smimeFixture('openssl-detached-rsa.eml'))).code).to.equal(250);
      const anchor = path.join(tg.env.configDir, 'trust/anchors/root.pem');
      const saved = readFileSync(anchor);
      rmSync(anchor);
      await tg.gateway.reloadTrust();
      expect((await submitRaw(tg, smimeFixture('openssl-detached-rsa.eml'))).response).to.match(/^550 5\.7\.5 \[signature-untrusted\] /);
      writeFileSync(anchor, saved);
      await tg.gateway.reloadTrust();
      expect((await submitRaw(tg, smimeFixture('openssl-detached-rsa.eml'))).code).to.equal(250);
    });
  });

  describe('a thread that dies', function () {
    let tg: TestGateway;
    let budget: KillingBudget;
    before(async () => {
      budget = new KillingBudget(32 * 1024 * 1024);
      tg = await startThreaded(budget);
      budget.gateway = tg;
    });
    after(async () => tg?.stop());

    it('mid-check defers that submission (4xx), gives its memory back, and the next one is accepted', async () => {
      budget.killNext = true;
      const first = await submit(tg, { text: form('501/QĐ-UBND'), attachments: [pdf()] });
      expect(first.response).to.match(/^451 4\.3\.0 \[internal-error\] /);
      expect(budget.killed, 'the thread was terminated while it held a reservation').to.equal(true);
      expect(budget.inUse, 'bytes still reserved').to.equal(0);
      await expectAccepted(tg, await submit(tg, { text: form('502/QĐ-UBND'), attachments: [pdf()] }), []);
      expect(budget.inUse).to.equal(0);
    });
  });
});

/** The shared budget, which terminates the inspection thread once it has granted a reservation to it. */
class KillingBudget extends ByteBudget {
  gateway: TestGateway | null = null;
  killNext = false;
  killed = false;

  override async reserve(bytes: number, signal?: AbortSignal): Promise<() => void> {
    const release = await super.reserve(bytes, signal);
    if (this.killNext && this.gateway) {
      this.killNext = false;
      await Promise.all(this.gateway.gateway.inspection!.threads.map((t) => t.terminate()));
      this.killed = true;
    }
    return release;
  }
}
