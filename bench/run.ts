// npm run bench [-- name ...]: runs the named benchmarks (default: all) and prints their figures.
// Each bench/<name>.ts exports `run(): Promise<BenchTable>`; every loop in them is bounded in count and time.

import type { BenchTable } from './report.js';
import { printTable } from './report.js';

type BenchModule = { run(): Promise<BenchTable> };

const BENCHES: Record<string, () => Promise<BenchModule>> = {
  smtp: () => import('./smtp.js'),
  smime: () => import('./smime.js'),
  pdf: () => import('./pdf.js'),
  imap: () => import('./imap.js'),
  policy: () => import('./policy.js'),
  relay: () => import('./relay.js'),
  race: () => import('./race.js'),
  alerts: () => import('./alerts.js'),
  'register-search': () => import('./register-search.js'),
  'register-chain': () => import('./register-chain.js'),
  'register-scale': () => import('./register-scale.js'),
  export: () => import('./export.js'),
  blobs: () => import('./blobs.js'),
  'register-report': () => import('./register-report.js'),
  'portal-report': () => import('./portal-report.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
for (const name of names) {
  const load = BENCHES[name];
  if (!load) {
    process.stderr.write(`unknown benchmark: ${name} (known: ${Object.keys(BENCHES).join(', ')})\n`);
    process.exit(2);
  }
  const bench = await load();
  printTable(name, await bench.run());
}
process.exit(0);
