// The check registry and the reason catalog against what README documents: each check is registered
// under its own id and its options parse `{}` (its defaults), and README's reason-code table is the
// catalog in policies/reasons.ts, row for row.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isReasonCode, REASON_CODES, REASONS, reasonText } from '../../../policies/reasons.js';
import { CHECK_DEFINITIONS } from '../../../policies/registry.js';
import { REPO_ROOT } from '../../helpers/env.js';

/** The rows of the first Markdown table after `## heading`, as cells without surrounding backticks. */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `README section "${heading}"`).to.not.equal(-1);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replace(/^`(.*)`$/, '$1')),
    );
  }
  return rows;
}

describe('check registry and reason catalog', function () {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

  it('each check is registered under its own id, declares its services and its options parse {}', () => {
    expect(Object.keys(CHECK_DEFINITIONS)).to.have.length.above(0);
    for (const [key, check] of Object.entries(CHECK_DEFINITIONS)) {
      expect(check.id, key).to.equal(key);
      expect(check.needs, key).to.be.an('array');
      const parsed = check.options.safeParse({});
      // malware has no default clamd address: `{}` must fail with its own bilingual message, nothing else.
      if (key === 'malware') expect(parsed.success, key).to.equal(false);
      else expect(parsed.success, `${key}: ${parsed.error?.message}`).to.equal(true);
    }
  });

  it("README's check table lists exactly the registered checks", () => {
    const rows = tableAfter(readme, 'Policy checks');
    expect(rows.map((r) => r[0]).sort()).to.deep.equal(Object.keys(CHECK_DEFINITIONS).sort());
  });

  it("README's reason-code table equals the catalog: code, reply, default action, meaning, in order", () => {
    const rows = tableAfter(readme, 'Reason codes');
    expect(rows.map((r) => r[0])).to.deep.equal(REASON_CODES);
    for (const [code, reply, action, , meaning] of rows) {
      if (!isReasonCode(code)) throw new Error(`README lists an unknown code ${code}`);
      const reason = REASONS[code];
      expect([reply, action, meaning], code).to.deep.equal([`${reason.smtp} ${reason.enhanced}`, reason.defaultAction, reasonText(code).en]);
    }
  });
});
