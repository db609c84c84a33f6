// The field's hygiene tools as part of `npm test`: the layer rules (dependency-cruiser), ESLint's
// type-aware rules, Prettier's format and knip's unused files, exports and dependencies. A failure
// prints the tool's own report, which names the file and the rule.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function run(bin: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin', bin), args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

describe('hygiene tools', function () {
  this.timeout(180_000);

  it('dependency-cruiser: imports go one way (DESIGN.md "Layers") and no file is in a cycle', () => {
    const { status, output } = run('depcruise', ['--output-type', 'err', 'config', 'policies', 'storage', 'gateway', 'scripts', 'test', 'bench']);
    expect(status, output).to.equal(0);
  });

  it('ESLint: no floating promise, no unsafe any, no unused code', () => {
    const { status, output } = run('eslint', ['--max-warnings', '0', '.']);
    expect(status, output).to.equal(0);
  });

  it('Prettier: every source file is formatted', () => {
    const { status, output } = run('prettier', ['--check', '.']);
    expect(status, output).to.equal(0);
  });

  it('knip: no unused file, export or dependency', () => {
    const { status, output } = run('knip', []);
    expect(status, output).to.equal(0);
  });
});
