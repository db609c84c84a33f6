// Runs the whole suite (or the files given as arguments) with mocha and ends with the line
// "N passed, N failed" alone on a line; exits non-zero on any failure. The whole suite runs as
// DOCGATE_TEST_SHARDS processes (default 2, one per core) over interleaved halves of the file list:
// most tests wait on child gateways, fsync and real clients, so two processes keep both cores busy.
// Each shard's output is printed whole when it ends, then the summed line.

import Mocha from 'mocha';
import { spawn } from 'node:child_process';
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
const shardIndex = args.indexOf('--shard');
const shard = shardIndex !== -1 ? args.splice(shardIndex, 2)[1] : undefined;
const files = args.length > 0 ? args.flatMap((a) => (statSync(a).isDirectory() ? findTests(path.resolve(a)) : [path.resolve(a)])) : findTests(root);
const shards = Math.max(1, Number(process.env.DOCGATE_TEST_SHARDS ?? 2));

async function runShards(count: number): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, k) => {
      const mine = files.filter((_, i) => i % count === k);
      return new Promise<{ output: string; passed: number; failed: number }>((resolve) => {
        const child = spawn(
          process.execPath,
          [...process.execArgv, fileURLToPath(import.meta.url), '--shard', `${k + 1}/${count}`, ...(grep ? ['--grep', grep] : []), ...mine],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, DOCGATE_TEST_SHARDS: '1' },
          },
        );
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
        child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
        child.on('close', (code) => {
          const summary = /^(\d+) passed, (\d+) failed$/m.exec(output);
          // A shard that died before its summary counts as one failure, so the run cannot pass.
          resolve({ output, passed: summary ? Number(summary[1]) : 0, failed: summary ? Number(summary[2]) : Math.max(1, code ?? 1) });
        });
      });
    }),
  );
  results.forEach((r, k) => process.stdout.write(`\n===== shard ${k + 1}/${count} =====\n${r.output.replace(/\n\d+ passed, \d+ failed\n?$/, '\n')}`));
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(failed > 0 ? 1 : 0);
}

if (!shard && shards > 1 && files.length > 1) {
  await runShards(Math.min(shards, files.length));
} else {
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
}
