// The protocol layer on its own: framing (line and literal limits, LITERAL+, spooling of APPEND
// literals), tokens, sequence sets, modified UTF-7, and BODYSTRUCTURE of malformed messages.

import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandFramer, type Frame } from '../../../../gateway/imap/protocol/framer.js';
import { decodeMailboxName, encodeMailboxName } from '../../../../gateway/imap/protocol/mutf7.js';
import { formatSet, parseSequenceSet, resolveSequenceNumbers, resolveUidSet } from '../../../../gateway/imap/protocol/sequence.js';
import { BadCommand, tokenize } from '../../../../gateway/imap/protocol/tokens.js';
import { bodyStructure } from '../../../../gateway/imap/fetch/bodystructure.js';
import { HeaderCache } from '../../../../gateway/imap/fetch/header-cache.js';
import { MessageView } from '../../../../gateway/imap/fetch/message-view.js';
import { render } from '../../../../gateway/imap/fetch/sexp.js';
import { parseMimeBuffer, structureOf } from '../../../../policies/mime/parser.js';
import type { MailboxStore, MessageContent } from '../../../../storage/mailbox/store.js';
import { Readable } from 'node:stream';

describe('IMAP protocol units', function () {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'imap-unit-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function framer(continued: string[] = []) {
    return new CommandFramer(
      { maxLineLength: 100, maxLiteralSize: 50, maxAppendSize: 1000, memoryThreshold: 20, spoolDir: dir },
      { continueLiteral: () => continued.push('+') },
    );
  }

  it('frames lines and literals fed one byte at a time', async function () {
    const continued: string[] = [];
    const f = framer(continued);
    const frames: Frame[] = [];
    for (const byte of Buffer.from('a LOGIN {3}\r\nabc {4+}\r\nwxyz\r\nb NOOP\r\n')) frames.push(...(await f.feed(Buffer.from([byte]))));
    expect(continued).to.deep.equal(['+']);
    expect(frames).to.have.length(2);
    const tokens = tokenize((frames[0] as unknown as { parts: never }).parts);
    expect(tokens.map((t) => (t.type === 'list' ? 'list' : t.value))).to.deep.equal(['a', 'LOGIN', 'abc', 'wxyz']);
  });

  it('refuses over-long lines and over-large literals; spools big APPEND literals', async function () {
    const f = framer();
    expect(await f.feed(Buffer.from(`x NOOP ${'y'.repeat(200)}\r\nz NOOP\r\n`))).to.deep.include({
      kind: 'refused',
      tag: 'x',
      reason: 'line-too-long',
      fatal: false,
    });
    expect(await f.feed(Buffer.from('q LIST {60}\r\n'))).to.deep.equal([{ kind: 'refused', tag: 'q', reason: 'literal-too-big', fatal: false }]);
    expect(await f.feed(Buffer.from('q LIST {60+}\r\n'))).to.deep.equal([{ kind: 'refused', tag: 'q', reason: 'literal-too-big', fatal: true }]);
    const g = framer();
    const body = 'M'.repeat(300);
    const frames = await g.feed(Buffer.from(`p APPEND INBOX {300+}\r\n${body}\r\n`));
    const literal = (frames[0] as { parts: unknown[] }).parts[1] as { kind: string; file: { path: string; size: number } };
    expect(literal.kind).to.equal('file');
    expect(readFileSync(literal.file.path, 'latin1')).to.equal(body);
    await g.reset();
    expect(existsSync(literal.file.path)).to.equal(true);
  });

  it('tokenizes sections, partials, quoted strings and rejects what the grammar forbids', function () {
    const t = tokenize([Buffer.from('a FETCH 1 (BODY.PEEK[HEADER.FIELDS (FROM)]<0.10> "q\\"x" [Gmail]/Sent)')]);
    const list = t[3] as { items: { type: string; value: string; section?: unknown; partial?: unknown }[] };
    expect(list.items[0]).to.deep.include({ value: 'BODY.PEEK', partial: { start: 0, length: 10 } });
    expect(list.items[1]).to.deep.include({ type: 'string', value: 'q"x' });
    expect(list.items[2]).to.deep.include({ type: 'atom', value: '[Gmail]/Sent' });
    for (const bad of ['a  NOOP', 'a NOOP ', 'a (x', 'a x)', 'a "unterminated', 'a "bad\\q"', 'a {3}', 'a x\\y', 'a BODY[1]<1.0>']) {
      expect(() => tokenize([Buffer.from(bad)]), bad).to.throw(BadCommand);
    }
  });

  it('sequence sets: *, reversed ranges, merged intervals, compact output', function () {
    const uids = [3, 5, 9, 12];
    expect(resolveUidSet(parseSequenceSet('*'), uids)).to.deep.equal([12]);
    expect(resolveUidSet(parseSequenceSet('10:4'), uids)).to.deep.equal([5, 9]);
    expect(resolveUidSet(parseSequenceSet('20:*'), uids)).to.deep.equal([12]);
    expect(resolveUidSet(parseSequenceSet('1:4294967295,3,3'), uids)).to.deep.equal(uids);
    expect(resolveUidSet(parseSequenceSet('1'), [])).to.deep.equal([]);
    expect(resolveSequenceNumbers(parseSequenceSet('2:*'), uids)).to.deep.equal([5, 9, 12]);
    expect(() => resolveSequenceNumbers(parseSequenceSet('5'), uids)).to.throw(BadCommand);
    for (const bad of ['0', '1:', ':2', '1,,2', '4294967296', 'a']) expect(() => parseSequenceSet(bad), bad).to.throw(BadCommand);
    expect(formatSet([1, 2, 3, 5, 7, 8])).to.equal('1:3,5,7:8');
  });

  it('modified UTF-7: Vietnamese folder names round-trip, non-canonical forms are refused', function () {
    for (const name of ['Đã vào sổ', 'Trả lại', 'Văn bản đi', 'Thông báo', 'Hồ sơ/Năm 2026', 'a&b', '~peter/mail/台北/日本語']) {
      expect(decodeMailboxName(encodeMailboxName(name))).to.equal(name);
    }
    expect(encodeMailboxName('~peter/mail/台北/日本語')).to.equal('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    for (const bad of ['&Jjo', '&U,BTFw-&ZeVnLIqe-', 'Đã', '&AGE-', '&2D0-']) expect(decodeMailboxName(bad), bad).to.equal(null);
  });

  it('BODYSTRUCTURE never throws on malformed messages', async function () {
    const samples = [
      'Content-Type: multipart/mixed\r\n\r\nno boundary',
      'Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n\r\nSubject: (unterminated',
      'Content-Type: multipart/alternative; boundary=z\r\n\r\npreamble only',
      'no header separator at all',
      '\r\n',
      'Content-Type: ???\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%',
    ];
    for (const sample of samples) {
      const bytes = Buffer.from(sample, 'latin1');
      const parsed = await parseMimeBuffer(bytes, { decode: false });
      const content: MessageContent = {
        id: 1,
        prefix: Buffer.alloc(0),
        blobSha256: '0'.repeat(64),
        size: bytes.length,
        structure: structureOf(parsed.root),
        header: null,
        rendered: {},
      };
      const store = {
        read: async (_c: MessageContent, s: number, e: number) => bytes.subarray(s, e),
        stream: (_c: MessageContent, s: number, e: number) => Readable.from([bytes.subarray(s, e)]),
      } as unknown as MailboxStore;
      const text = render(await bodyStructure(new MessageView(store, content, new HeaderCache(1 << 20)), true))
        .map((c) => (typeof c === 'string' ? c : Buffer.isBuffer(c) ? c.toString('latin1') : `{${c.size}}`))
        .join('');
      expect(text, sample).to.match(/^\(.*\)$/s);
      const noStructure = new MessageView(store, { ...content, structure: null }, new HeaderCache(1 << 20));
      expect(
        render(await bodyStructure(noStructure, false))
          .filter((c) => typeof c === 'string')
          .join(''),
        sample,
      ).to.match(/^\(/);
    }
  });
});
