// Child process of bench/policy.ts: a gateway alone in its process, so its peak RSS is its own.
// Prints "PORT <n>" when listening; on "report" from the parent, answers with its peak RSS and exits.

import { AGENCIES } from '../test/helpers/env.js';
import { addClerk, startTestGateway } from '../test/helpers/gateway.js';
import { samplePolicy } from '../test/helpers/policy-e2e.js';
import { TEST_NOW } from '../test/helpers/policy.js';

const policy = process.env.BENCH_POLICY === 'minimal' ? { checks: [{ id: 'sender-header' }], actions: {} } : samplePolicy();
const tg = await startTestGateway({ policy, now: () => TEST_NOW });
await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
let atPeak: NodeJS.MemoryUsage = process.memoryUsage();
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  if (usage.rss > peak) {
    peak = usage.rss;
    atPeak = usage;
  }
}, 10);
process.on('message', async (msg) => {
  if (msg !== 'report') return;
  clearInterval(sampler);
  process.send!({ baseline, peak, heapUsed: atPeak.heapUsed, heapTotal: atPeak.heapTotal, external: atPeak.external, arrayBuffers: atPeak.arrayBuffers });
  await tg.stop();
  process.exit(0);
});
process.send!({ port: tg.starttlsPort });
