// Runs the whole suite (or the files given as arguments) with mocha and ends with the line
// "N passed, N failed" alone on a line; exits non-zero on any failure.

import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'fixtures' && name !== 'helpers') out.push(...findTests(full));
    } else if (name.endsWith('.test.ts')) {
      out.push(full);
    }
  }
  return out;
}

const args = process.argv.slice(2);
const grepIndex = args.indexOf('--grep');
const grep = grepIndex !== -1 ? args.splice(grepIndex, 2)[1] : undefined;
const files = args.length > 0 ? args.flatMap((a) => (statSync(a).isDirectory() ? findTests(path.resolve(a)) : [path.resolve(a)])) : findTests(root);

const mocha = new Mocha({ timeout: 30_000, reporter: 'spec', ...(grep ? { grep } : {}) });
for (const file of files) mocha.addFile(file);
await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const passed = runner.stats?.passes ?? 0;
  const failed = runner.stats?.failures ?? failures;
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
  // Servers and sockets are closed by the tests; a forgotten handle must not hang CI.
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});
