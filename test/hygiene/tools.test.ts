// The field's hygiene tools as part of `npm test`: the layer rules (dependency-cruiser), ESLint's
// type-aware rules, Prettier's format and knip's unused files, exports and dependencies. A failure
// prints the tool's own report, which names the file and the rule.
//
// The tools start when this file is loaded, at a low CPU priority, and run beside the rest of the
// suite (mostly waiting on sockets and timers); each test waits for its tool's result.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ToolResult {
  status: number | null;
  output: string;
}

function start(bin: string, args: string[]): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn('nice', ['-n', '15', path.join(ROOT, 'node_modules/.bin', bin), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (err) => resolve({ status: null, output: String(err) }));
    child.on('close', (status) => resolve({ status, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

// Started one after another: in parallel they would compete with each other as well as with the suite.
const results = (async () => {
  const depcruise = await start('depcruise', ['--output-type', 'err', 'config', 'policies', 'storage', 'gateway', 'scripts', 'test', 'bench']);
  const prettier = await start('prettier', ['--check', '.']);
  const knip = await start('knip', []);
  const eslint = await start('eslint', ['--max-warnings', '0', '.']);
  return { depcruise, prettier, knip, eslint };
})();

describe('hygiene tools', function () {
  this.timeout(600_000);

  it('dependency-cruiser: imports go one way (DESIGN.md "Layers") and no file is in a cycle', async () => {
    const { status, output } = (await results).depcruise;
    expect(status, output).to.equal(0);
  });

  it('ESLint: no floating promise, no unsafe any, no unused code', async () => {
    const { status, output } = (await results).eslint;
    expect(status, output).to.equal(0);
  });

  it('Prettier: every source file is formatted', async () => {
    const { status, output } = (await results).prettier;
    expect(status, output).to.equal(0);
  });

  it('knip: no unused file, export or dependency', async () => {
    const { status, output } = (await results).knip;
    expect(status, output).to.equal(0);
  });
});
