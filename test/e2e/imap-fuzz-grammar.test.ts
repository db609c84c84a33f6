// Grammar-aware fuzzing over one live connection: LIST patterns, nested SEARCH keys, sequence sets, FETCH
// items, STORE and APPEND literals. Every command gets a tagged answer, and a second connection's NOOP is
// answered within 1 s throughout: no command may crash the server or hold the event loop.

import { expect } from 'chai';
import fc from 'fast-check';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, loggedIn, startImapGateway } from '../helpers/imap.js';
import type { ImapWire } from '../helpers/imap-wire.js';

const num = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(4294967295), fc.integer({ min: 0, max: 99999 })).map(String);
const seqItem = fc.oneof(
  num,
  fc.constant('*'),
  fc.tuple(fc.oneof(num, fc.constant('*')), fc.oneof(num, fc.constant('*'))).map(([a, b]) => `${a}:${b}`),
);
const seqSet = fc.oneof(
  { weight: 5, arbitrary: fc.array(seqItem, { minLength: 1, maxLength: 30 }).map((a) => a.join(',')) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map((n) => Array(n).fill('1:*').join(',')) },
);
const word = fc.constantFrom('x', '"văn bản"', 'thử', '""', 'a@b', '"("', 'NIL', '{3+}\r\nabc');
const flag = fc.constantFrom('\\Seen', '\\Flagged', '\\Deleted', '\\Answered', '\\Draft', '$TraLai-Khac', '$Fuzz', 'Moi', '\\Recent', '\\Bogus');
const flagList = fc.array(flag, { maxLength: 5 }).map((f) => `(${f.join(' ')})`);

const { key: searchKey } = fc.letrec<{ key: string }>((tie) => ({
  key: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'ALL',
      'SEEN',
      'UNSEEN',
      'FLAGGED',
      'NEW',
      'RECENT',
      'DELETED',
      'LARGER 10',
      'SMALLER 100000',
      'SINCE 1-Jan-2026',
      'BEFORE 31-Dec-2030',
      'ON 2-Feb-2026',
      'KEYWORD $Fuzz',
      'MODSEQ 1',
    ),
    word.map((w) => `SUBJECT ${w}`),
    word.map((w) => `FROM ${w}`),
    word.map((w) => `TO ${w}`),
    word.map((w) => `BODY ${w}`),
    word.map((w) => `TEXT ${w}`),
    word.map((w) => `HEADER X-Test ${w}`),
    seqSet.map((s) => `UID ${s}`),
    seqSet,
    tie('key').map((k) => `NOT ${k}`),
    fc.tuple(tie('key'), tie('key')).map(([a, b]) => `OR ${a} ${b}`),
    fc.array(tie('key'), { minLength: 1, maxLength: 4 }).map((ks) => `(${ks.join(' ')})`),
  ),
}));

const fetchItem = fc.constantFrom(
  'FLAGS',
  'UID',
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY',
  'RFC822.SIZE',
  'INTERNALDATE',
  'MODSEQ',
  'BODY.PEEK[]',
  'BODY.PEEK[HEADER]',
  'BODY.PEEK[TEXT]<0.10>',
  'BODY.PEEK[1]',
  'BODY.PEEK[1.MIME]',
  'BODY.PEEK[2.1]<5.5>',
  'BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]',
  'BODY.PEEK[HEADER.FIELDS.NOT (DATE)]',
  'BINARY.PEEK[1]',
  'RFC822.HEADER',
);
const pattern = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(fc.constantFrom('*', '%', 'a', 'T', '/', 'I', 'N', 'B', 'O', 'X', '&', '-', 'ă'), { maxLength: 40 }).map((a) => `"${a.join('')}"`),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((n) => `"${'*'.repeat(n)}x"`) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 400 }).map((n) => `"${'*%a'.repeat(n)}b"`) },
);
const literalMessage = fc.string({ maxLength: 200 }).map((body) => {
  const message = `Subject: fuzz\r\nFrom: a@b.c\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
  return `{${Buffer.byteLength(message)}+}\r\n${message}`;
});

const command = fc.oneof(
  pattern.map((p) => `LIST "" ${p}`),
  pattern.map((p) => `LSUB "" ${p}`),
  fc.tuple(fc.constantFrom('', 'CHARSET UTF-8 '), fc.array(searchKey, { minLength: 1, maxLength: 3 })).map(([c, ks]) => `SEARCH ${c}${ks.join(' ')}`),
  fc.array(searchKey, { minLength: 1, maxLength: 2 }).map((ks) => `UID SEARCH ${ks.join(' ')}`),
  fc
    .tuple(fc.constantFrom('FETCH', 'UID FETCH'), seqSet, fc.array(fetchItem, { minLength: 1, maxLength: 6 }))
    .map(([c, s, items]) => `${c} ${s} (${items.join(' ')})`),
  fc
    .tuple(fc.constantFrom('STORE', 'UID STORE'), seqSet, fc.constantFrom('+FLAGS', '-FLAGS', 'FLAGS', '+FLAGS.SILENT'), flagList)
    .map(([c, s, a, f]) => `${c} ${s} ${a} ${f}`),
  fc.tuple(flagList, literalMessage).map(([f, lit]) => `APPEND "Tam" ${f} ${lit}`),
  fc.tuple(seqSet, fc.constantFrom('"Tam"', '"Khong co"', 'INBOX')).map(([s, m]) => `COPY ${s} ${m}`),
  fc.constantFrom('NOOP', 'CHECK', 'STATUS "Tam" (MESSAGES UIDNEXT UNSEEN HIGHESTMODSEQ)', 'EXAMINE "Tam"', 'SELECT INBOX', 'LIST "" ~foo', 'SELECT "&Jjo"'),
);

describe('IMAP fuzz: grammar-aware commands against a live server', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let w: ImapWire;
  let watcher: ImapWire;
  let n = 0;

  before(async function () {
    tg = await startImapGateway();
    await deliver(tg, { subject: 'Văn bản thử', text: 'Nội dung', attachments: [{ filename: 'a.txt', content: Buffer.from('tệp') }] });
    w = await loggedIn(tg, CLERKS.snv);
    watcher = await loggedIn(tg, CLERKS.snv);
    await w.command('CREATE "Tam"');
    await w.command('SELECT INBOX');
    await watcher.command('EXAMINE INBOX');
  });
  after(async () => {
    w.close();
    watcher.close();
    await tg.stop();
  });

  it('~200 commands: each answered, and the other session answers NOOP within 1 s meanwhile', async function () {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(command, async (line) => {
        const tag = `G${++n}`;
        const answered = w.command(line, { tag, timeoutMs: 10_000 });
        const noop = await watcher.command('NOOP', { tag: `W${n}`, timeoutMs: 1_000 });
        expect(noop.tagged, `NOOP during: ${line.slice(0, 200)}`).to.match(/^W\d+ OK/);
        const r = await answered;
        expect(r.tagged, line.slice(0, 200)).to.match(/^G\d+ (OK|NO|BAD) /);
      }),
      { numRuns: 200, seed: 20261201, interruptAfterTimeLimit: 20_000, endOnFailure: true },
    );
    expect(Date.now() - started).to.be.lessThan(40_000);
    expect((await w.command('NOOP')).tagged).to.match(/OK/);
  });
});
