// LineBuffer (protocol/line-buffer.ts): the bytes of response lines written without strings must be
// exactly what the string form would give, across buffer boundaries and for non-ASCII text.

import { expect } from 'chai';
import { LineBuffer } from '../../../../gateway/imap/protocol/line-buffer.js';

function bytesOf(buffers: Buffer[]): string {
  return Buffer.concat(buffers).toString('utf8');
}

describe('IMAP LineBuffer', function () {
  it('writes integers as decimal digits, text as it is, each line as "* …\\r\\n"', function () {
    const out = new LineBuffer();
    const numbers = [0, 7, 9, 10, 99, 100, 101, 65_535, 4_294_967_295, 9_007_199_254_740_991];
    for (const n of numbers)
      out
        .begin(80)
        .int(n)
        .text(' FETCH (UID ')
        .int(n + 1)
        .text(')')
        .end();
    expect(bytesOf(out.take())).to.equal(numbers.map((n) => `* ${n} FETCH (UID ${n + 1})\r\n`).join(''));
  });

  it('writes non-ASCII text as UTF-8', function () {
    const out = new LineBuffer();
    out.begin(64).text('1 FETCH (FLAGS ($Đã-xử-lý \\Seen))').end();
    expect(bytesOf(out.take())).to.equal('* 1 FETCH (FLAGS ($Đã-xử-lý \\Seen))\r\n');
  });

  it('hands out full buffers as it goes and loses no line across them', function () {
    const out = new LineBuffer();
    const taken: Buffer[] = [];
    let expected = '';
    let handedOut = 0;
    for (let i = 1; i <= 30_000; i++) {
      out.begin(100).int(i).text(' FETCH (UID ').int(i).text(' FLAGS (\\Seen))').end();
      expected += `* ${i} FETCH (UID ${i} FLAGS (\\Seen))\r\n`;
      if (out.full) {
        handedOut++;
        taken.push(...out.take());
        expect(out.full).to.equal(false);
      }
    }
    taken.push(...out.take());
    expect(handedOut).to.be.greaterThan(1);
    expect(bytesOf(taken)).to.equal(expected);
    expect(out.take()).to.deep.equal([]);
  });

  it('makes room for a line longer than a whole buffer', function () {
    const out = new LineBuffer();
    const long = 'k'.repeat(300 * 1024);
    out.begin(10).text('1 OK').end();
    out
      .begin(long.length + 18)
      .text('2 FETCH (FLAGS (')
      .text(long)
      .text('))')
      .end();
    expect(bytesOf(out.take())).to.equal(`* 1 OK\r\n* 2 FETCH (FLAGS (${long}))\r\n`);
  });

  it('never cuts a line whose room begin() under-estimated, at a buffer boundary or alone', function () {
    const out = new LineBuffer();
    const long = `$${'k'.repeat(300_000)}`;
    let expected = '';
    for (let i = 1; i <= 2_000; i++) {
      out
        .begin(8)
        .int(i)
        .text(' FETCH (FLAGS (')
        .text(i % 500 === 0 ? long : '\\Seen')
        .text('))')
        .end();
      expected += `* ${i} FETCH (FLAGS (${i % 500 === 0 ? long : '\\Seen'}))\r\n`;
    }
    out.begin(0).text('Đ'.repeat(100_000)).end();
    expected += `* ${'Đ'.repeat(100_000)}\r\n`;
    expect(bytesOf(out.take())).to.equal(expected);
  });
});
