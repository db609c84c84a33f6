// Two clerks of one agency move and flag the same messages at once while a third IDLEs: every UID
// ends in exactly one place, and the watcher's EXPUNGE/FETCH stream replays to the mailbox's final
// state (its sequence numbers never point at the wrong message).

import { expect } from 'chai';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, loggedIn, startImapGateway } from '../helpers/imap.js';
import type { ImapWire } from '../helpers/imap-wire.js';

const COUNT = 12;

describe('IMAP concurrency: two clerks, one IDLE watcher', function () {
  this.timeout(60_000);
  let tg: TestGateway;

  before(async function () {
    tg = await startImapGateway();
    for (let i = 0; i < COUNT; i++) await deliver(tg, { subject: `Văn bản ${i}`, text: `Nội dung ${i}` });
  });
  after(async () => tg.stop());

  it('moves and flag changes race; the watcher stays consistent', async function () {
    const a = await loggedIn(tg, CLERKS.snv);
    const b = await loggedIn(tg, CLERKS.snv2);
    const watcher = await loggedIn(tg, CLERKS.snv3);
    await a.command('CREATE "A"');
    await b.command('CREATE "B"');
    for (const w of [a, b]) await w.command('SELECT INBOX');
    const selected = await watcher.command('SELECT INBOX');
    expect(selected.lines).to.include(`* ${COUNT} EXISTS`);
    // The watcher's model: sequence number i+1 holds uids[i].
    const model = (await watcher.command('UID SEARCH ALL')).lines[0].split(' ').slice(2).map(Number);
    const flags = new Map<number, string>();
    watcher.send('W1 IDLE\r\n');
    expect((await watcher.line())!.text).to.equal('+ idling');
    let watching = true;
    const seen: string[] = [];
    const reader = (async () => {
      while (watching) {
        const line = await watcher.line(15_000).catch(() => null);
        if (!line) break;
        seen.push(line.text);
        const expunge = /^\* (\d+) EXPUNGE$/.exec(line.text);
        if (expunge) model.splice(Number(expunge[1]) - 1, 1);
        const fetch = /^\* (\d+) FETCH \(UID (\d+) FLAGS \(([^)]*)\)/.exec(line.text);
        if (fetch) {
          expect(model[Number(fetch[1]) - 1], line.text).to.equal(Number(fetch[2]));
          flags.set(Number(fetch[2]), fetch[3]);
        }
        if (line.text.startsWith('W1 ')) break;
      }
    })();

    const work = async (w: ImapWire, target: string, flag: string) => {
      for (let uid = 1; uid <= COUNT; uid++) {
        await w.command(`UID STORE ${uid} +FLAGS (${flag})`);
        if (uid % 3 === 0) await w.command(`UID MOVE ${uid} "${target}"`);
      }
      await w.command('NOOP');
    };
    await Promise.all([work(a, 'A', '\\Flagged'), work(b, 'B', '\\Answered')]);

    await new Promise((r) => setTimeout(r, 300));
    watching = false;
    watcher.send('DONE\r\n');
    await reader;
    const left = (await watcher.command('UID SEARCH ALL')).lines[0].split(' ').slice(2).map(Number);
    expect(model).to.deep.equal(left);
    expect(left).to.deep.equal([1, 2, 4, 5, 7, 8, 10, 11]);
    for (const uid of left)
      expect(flags.get(uid), `uid ${uid}: ${seen.join('\n')}`)
        .to.match(/\\Flagged/)
        .and.match(/\\Answered/);

    // Every moved message is in exactly one of the two folders.
    const inA = (await a.command('STATUS "A" (MESSAGES)')).lines[0];
    const inB = (await a.command('STATUS "B" (MESSAGES)')).lines[0];
    const total = Number(/MESSAGES (\d+)/.exec(inA)![1]) + Number(/MESSAGES (\d+)/.exec(inB)![1]);
    expect(total).to.equal(4);
    for (const w of [a, b, watcher]) w.close();
  });
});
