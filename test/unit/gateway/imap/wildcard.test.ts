// LIST pattern matching: agrees with a memoised reference matcher on random patterns and names, and
// stays polynomial on the patterns that made the old RegExp backtrack exponentially.

import { expect } from 'chai';
import fc from 'fast-check';
import { compilePattern, matchPattern } from '../../../../gateway/imap/protocol/wildcard.js';

function reference(pattern: string, name: string): boolean {
  const p = Array.from(pattern);
  const s = Array.from(name);
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (s.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === s.length;
    else if (p[i] === '*') r = go(i + 1, j) || (j < s.length && go(i, j + 1));
    else if (p[i] === '%') r = go(i + 1, j) || (j < s.length && s[j] !== '/' && go(i, j + 1));
    else r = j < s.length && p[i] === s[j] && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

const match = (pattern: string, name: string) => matchPattern(compilePattern(pattern), name);

describe('IMAP LIST wildcard matcher', function () {
  it('matches * across levels and % within one', function () {
    expect(match('*', 'a/b/c')).to.equal(true);
    expect(match('%', 'a/b')).to.equal(false);
    expect(match('a/%', 'a/b')).to.equal(true);
    expect(match('a/%', 'a/b/c')).to.equal(false);
    expect(match('%/%', 'a/b')).to.equal(true);
    expect(match('a%*c', 'a/b/c')).to.equal(true);
    expect(match('a*%', 'a/')).to.equal(true);
    expect(match('%*', '')).to.equal(true);
    expect(match('Lưu trữ/%', 'Lưu trữ/Năm 2026')).to.equal(true);
    expect(match('x', 'X')).to.equal(false);
    expect(match('.*', 'abc')).to.equal(false);
  });

  it('agrees with the reference on random patterns and names', function () {
    const ch = fc.constantFrom('a', 'b', '/', 'ă');
    const pch = fc.constantFrom('a', 'b', '/', 'ă', '*', '%');
    fc.assert(
      fc.property(
        fc.array(pch, { maxLength: 12 }).map((a) => a.join('')),
        fc.array(ch, { maxLength: 14 }).map((a) => a.join('')),
        (pattern, name) => {
          expect(match(pattern, name), `${pattern} ~ ${name}`).to.equal(reference(pattern, name));
        },
      ),
      { numRuns: 3000, seed: 20261201 },
    );
  });

  it('hostile patterns complete: 5000 stars against 1000 characters, alternating wildcards and letters', function () {
    const name = 'a'.repeat(1000);
    expect(match(`${'*'.repeat(5000)}x`, name)).to.equal(false);
    expect(match(`${'*'.repeat(5000)}a`, name)).to.equal(true);
    expect(match('*%'.repeat(2500) + 'b', name)).to.equal(false);
    expect(match('a*'.repeat(400) + 'b', name)).to.equal(false);
    expect(match('%a'.repeat(500) + '%', name)).to.equal(true);
    expect(match(`${'*a'.repeat(1001)}`, name)).to.equal(false);
  });
});
