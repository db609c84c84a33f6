// Bounded fuzzing: random and truncated command lines never crash the server; malformed ones get BAD
// (or NO), and the connection keeps answering a NOOP afterwards.

import { expect } from 'chai';
import fc from 'fast-check';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, loggedIn, startImapGateway } from '../helpers/imap.js';
import type { ImapWire } from '../helpers/imap-wire.js';

const VALID = [
  'FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.20>)',
  'UID FETCH 1:* (BODYSTRUCTURE ENVELOPE)',
  'SEARCH CHARSET UTF-8 OR SUBJECT "văn bản" NOT BODY "x"',
  'STORE 1 +FLAGS (\\Seen $TraLai-Khac)',
  'LIST "" "%"',
  'STATUS INBOX (MESSAGES UNSEEN HIGHESTMODSEQ)',
  'UID SEARCH UID 1:3,5 LARGER 10',
  'COPY 1 "Tam"',
];

describe('IMAP fuzz: random and truncated commands', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let w: ImapWire;
  let n = 0;

  before(async function () {
    tg = await startImapGateway();
    await deliver(tg, { subject: 'Văn bản thử', text: 'Nội dung' });
    w = await loggedIn(tg, CLERKS.snv);
    await w.command('CREATE "Tam"');
    await w.command('SELECT INBOX');
  });
  after(async () => {
    w.close();
    await tg.stop();
  });

  async function send(body: string): Promise<string> {
    const tag = `F${++n}`;
    // Literal markers would wait for data that never comes: the fuzzer keeps to single lines.
    const line = body.replace(/[\r\n]/g, ' ').replace(/\{\d*\+?\}$/, '');
    const r = await w.command(line, { tag, timeoutMs: 5_000 });
    return r.tagged;
  }

  it('truncations of valid commands get BAD (or complete normally)', async function () {
    for (const command of VALID) {
      for (let cut = 1; cut < command.length; cut += 3) {
        const tagged = await send(command.slice(0, cut));
        expect(tagged, command.slice(0, cut)).to.match(/^F\d+ (OK|NO|BAD) /);
      }
    }
    expect((await w.command('NOOP')).tagged).to.match(/OK/);
  });

  it('random printable and binary junk gets BAD; the server keeps serving', async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.stringMatching(/^[A-Z. ()[\]<>{}"\\*%0-9:,-]{0,120}$/),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        async (junk) => {
          const tagged = await send(junk);
          expect(tagged).to.match(/^F\d+ (OK|NO|BAD) /);
        },
      ),
      { numRuns: 300, seed: 20261125 },
    );
    expect((await w.command('FETCH 1 (UID)')).lines).to.deep.equal(['* 1 FETCH (UID 1)']);
  });

  it('garbage instead of a tag gets an untagged BAD', async function () {
    w.send('\x00\x01\x02\r\n');
    expect((await w.line())!.text).to.match(/^\* BAD /);
    w.send('"quoted tag" NOOP\r\n');
    expect((await w.line())!.text).to.match(/^\* BAD /);
    expect((await w.command('NOOP')).tagged).to.match(/OK/);
  });
});
