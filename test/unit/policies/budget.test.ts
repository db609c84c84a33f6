// The inspection memory budget: reservations beyond the limit wait in order, an oversize one runs
// alone, an aborted wait leaves the queue; a whole-file read reserves what it needs in one go.

import { expect } from 'chai';
import { ByteBudget } from '../../../policies/files/budget.js';
import { mainDocumentText } from '../../../policies/files/document-text.js';
import { composeMessage, fixture, FORM_LINES } from '../../helpers/policy.js';

describe('ByteBudget', function () {
  it('admits in order while reservations fit; an oversize one waits until it is alone', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const a = await budget.reserve(60);
    const b = budget.reserve(60).then((release) => (order.push('b'), release));
    const c = budget.reserve(500).then((release) => (order.push('c'), release));
    await new Promise((r) => setImmediate(r));
    expect(order).to.deep.equal([]);
    a();
    const releaseB = await b;
    expect(order).to.deep.equal(['b']);
    expect(budget.inUse).to.equal(60);
    releaseB();
    const releaseC = await c;
    expect(budget.inUse).to.equal(500);
    releaseC();
    releaseC();
    expect(budget.inUse).to.equal(0);
  });
  it('an aborted wait is removed and rejects', async () => {
    const budget = new ByteBudget(10);
    const held = await budget.reserve(10);
    const controller = new AbortController();
    const waiting = budget.reserve(5, controller.signal);
    controller.abort();
    let error: Error | null = null;
    await waiting.catch((e: unknown) => {
      error = e as Error;
    });
    expect(error).to.be.instanceOf(Error);
    held();
    expect(budget.inUse).to.equal(0);
  });
});

describe('whole-file reads under the budget', function () {
  this.timeout(30_000);

  it('two PDFs read at once under a budget that fits one take turns instead of waiting for each other', async () => {
    // A unique file each (trailing bytes after %%EOF), so neither read is shared or cached.
    const unique = (n: number) => Buffer.concat([fixture('qd-05.pdf'), Buffer.from(`\n% budget test ${n} ${process.pid} ${Date.now()}\n`)]);
    const messages = await Promise.all(
      [1, 2].map((n) => composeMessage({ text: FORM_LINES.join('\n'), attachments: [{ filename: 'Quyết định.pdf', content: unique(n) }] })),
    );
    try {
      const size = messages[0].attachments[messages[0].mainDocument!].size;
      // The PDF and pdfjs's objects (4 x its size) of one read fit; two reads' do not.
      const budget = new ByteBudget(4 * size + 1024);
      const texts = await Promise.all(messages.map((m) => mainDocumentText(m, { services: { memoryBudget: budget }, signal: AbortSignal.timeout(10_000) })));
      expect(texts.map((t) => t?.textLayer)).to.deep.equal([true, true]);
      expect(budget.inUse).to.equal(0);
    } finally {
      await Promise.all(messages.map((m) => m.mime.dispose()));
    }
  });
});
