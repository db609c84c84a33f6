// The inspection memory budget: reservations beyond the limit wait in order, an oversize one runs
// alone, an aborted wait leaves the queue.

import { expect } from 'chai';
import { ByteBudget } from '../../../policies/files/budget.js';

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
