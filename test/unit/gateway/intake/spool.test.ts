// The DATA spooler: limits found wherever a chunk boundary falls, X-Docgate-* neutralised, the file
// fsynced and hashed.

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spoolData } from '../../../../gateway/intake/spool.js';

const limits = { maxSize: 1024 * 1024, maxLineLength: 998, maxHeaderSize: 4096 };

function chunked(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

describe('DATA spool', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'spool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the bytes, hashes them and renames X-Docgate-* header fields', async () => {
    const data = Buffer.from(
      'From: a@b.vn\r\nX-Docgate-Tracking-Id: forged\r\nx-docgate-signature: verified\r\nSubject: s\r\n\r\nX-Docgate-In-Body: stays\r\n',
    );
    for (const size of [1, 3, 7, 1000]) {
      const result = await spoolData(chunked(data, size), dir, limits);
      expect(result.violation).to.equal(null);
      const stored = readFileSync(result.path);
      expect(stored.toString()).to.equal(
        'From: a@b.vn\r\nX-Untrusted-X-Docgate-Tracking-Id: forged\r\nX-Untrusted-x-docgate-signature: verified\r\nSubject: s\r\n\r\nX-Docgate-In-Body: stays\r\n',
      );
      expect(result.sha256).to.equal(createHash('sha256').update(stored).digest('hex'));
      expect(result.neutralisedHeaders).to.equal(2);
    }
  });

  const violations: [string, string, string][] = [
    ['bare LF', 'a: b\r\n\r\nline\nnext\r\n', 'bare-lf'],
    ['bare CR', 'a: b\r\n\r\nline\rnext\r\n', 'bare-cr'],
    ['trailing bare CR', 'a: b\r\n\r\nline\r', 'bare-cr'],
    ['NUL', 'a: b\r\n\r\nli\0ne\r\n', 'nul'],
    ['long line', `a: b\r\n\r\n${'x'.repeat(999)}\r\n`, 'line-length'],
  ];
  for (const [name, text, kind] of violations) {
    it(`finds ${name} at every chunk split and leaves no file`, async () => {
      const data = Buffer.from(text, 'latin1');
      for (let size = 1; size <= data.length; size += Math.max(1, Math.floor(data.length / 13))) {
        const result = await spoolData(chunked(data, size), dir, limits);
        expect(result.violation?.kind, `chunk ${size}`).to.equal(kind);
      }
      expect(readdirSync(dir)).to.deep.equal([]);
    });
  }

  it('accepts a 998-character line and CRLF split across chunks', async () => {
    const data = Buffer.from(`a: b\r\n\r\n${'x'.repeat(998)}\r\nend\r\n`);
    for (const size of [1, 2, 997, 998, 999, 1000, 1001]) {
      const result = await spoolData(chunked(data, size), dir, limits);
      expect(result.violation, `chunk ${size}`).to.equal(null);
    }
  });

  it('refuses an oversize message and an oversize header, draining the stream', async () => {
    const big = Buffer.concat([Buffer.from('a: b\r\n\r\n'), Buffer.from(`${'y'.repeat(100)}\r\n`.repeat(20000))]);
    expect((await spoolData(chunked(big, 65536), dir, limits)).violation?.kind).to.equal('size');
    const header = Buffer.from(`${'X-H: v\r\n'.repeat(1000)}\r\nbody\r\n`);
    expect((await spoolData(chunked(header, 500), dir, limits)).violation?.kind).to.equal('header-size');
    expect(readdirSync(dir)).to.deep.equal([]);
  });
});
