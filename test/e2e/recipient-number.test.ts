// The recipient sees its own số đến (issue 11): each recipient agency's copy carries X-Docgate-So-Den and
// its tracking id in docgate's trace block and the IMAP keyword $SoDen-<n>, offered in FLAGS and
// PERMANENTFLAGS and found by SEARCH KEYWORD; the submitted bytes follow the trace block unchanged.

import { expect } from 'chai';
import { ImapFlow } from 'imapflow';
import { encodeMailboxName } from '../../gateway/imap/protocol/mutf7.js';
import { registerYear } from '../../policies/text/dates.js';
import { AGENCIES } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, loggedIn, startImapGateway, type DeliveredDocument, imapflowClient } from '../helpers/imap.js';

const client = (tg: TestGateway, user: string): ImapFlow => imapflowClient(tg, user);

describe('Recipient copies show their own số đến', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let first: DeliveredDocument;
  let both: DeliveredDocument;
  const year = registerYear(new Date(), 'Asia/Ho_Chi_Minh');

  before(async () => {
    tg = await startImapGateway();
    // SNV gets two documents (numbers 1 and 2); STTTT only the second (its number 1).
    first = await deliver(tg, { subject: 'Công văn 1', text: 'Số ký hiệu: 01/UBND-VX\nTrích yếu: Thứ nhất', to: [CLERKS.snv] });
    both = await deliver(tg, { subject: 'Quyết định 2', text: 'Số ký hiệu: 02/QĐ-UBND\nTrích yếu: Thứ hai', to: [CLERKS.snv, CLERKS.stttt] });
  });
  after(async () => tg.stop());

  it('the recipient clerk fetches its copy with imapflow: trace header, tracking id and keyword', async () => {
    const imap = client(tg, CLERKS.snv);
    await imap.connect();
    try {
      const box = await imap.mailboxOpen('INBOX');
      expect([...box.flags]).to.include.members(['$SoDen-1', '$SoDen-2']);
      expect([...(box.permanentFlags ?? [])]).to.include.members(['$SoDen-1', '$SoDen-2', '\\*']);
      const messages = [];
      for await (const m of imap.fetch('1:*', { uid: true, flags: true, source: true, headers: ['x-docgate-so-den', 'x-docgate-tracking-id'] }))
        messages.push(m);
      expect(messages).to.have.length(2);
      const [one, two] = messages;
      expect([...one.flags!].filter((f) => f !== '\\Recent')).to.deep.equal(['$SoDen-1']);
      expect([...two.flags!].filter((f) => f !== '\\Recent')).to.deep.equal(['$SoDen-2']);
      expect(one.headers!.toString('latin1')).to.equal(`X-Docgate-Tracking-Id: ${first.trackingId}\r\nX-Docgate-So-Den: 1/${year}\r\n\r\n`);
      expect(two.headers!.toString('latin1')).to.equal(`X-Docgate-Tracking-Id: ${both.trackingId}\r\nX-Docgate-So-Den: 2/${year}\r\n\r\n`);
      // The trace block ends with the recipient's lines; the submitted bytes follow, unchanged.
      const source = two.source!.toString('latin1');
      expect(source).to.contain(`X-Docgate-So-Den: 2/${year}\r\nX-Docgate-Recipient-Agency: ${AGENCIES.snv.id}\r\n`);
      expect(two.source!.subarray(two.source!.length - both.submitted.length).equals(both.submitted)).to.equal(true);
      expect(await imap.search({ keyword: '$SoDen-2' }, { uid: true })).to.deep.equal([two.uid]);
      expect(await imap.search({ keyword: '$SoDen-1' }, { uid: true })).to.deep.equal([one.uid]);
      expect(await imap.search({ keyword: '$SoDen-3' }, { uid: true })).to.deep.equal([]);
    } finally {
      await imap.logout();
    }
  });

  it('another recipient agency sees its own number for the same document; the sender copy has none', async () => {
    const imap = client(tg, CLERKS.stttt);
    await imap.connect();
    try {
      await imap.mailboxOpen('INBOX');
      const messages = [];
      for await (const m of imap.fetch('1:*', { flags: true, headers: ['x-docgate-so-den', 'x-docgate-tracking-id', 'x-docgate-recipient-agency'] }))
        messages.push(m);
      expect(messages).to.have.length(1);
      expect([...messages[0].flags!].filter((f) => f !== '\\Recent')).to.deep.equal(['$SoDen-1']);
      expect(messages[0].headers!.toString('latin1')).to.equal(
        `X-Docgate-Tracking-Id: ${both.trackingId}\r\nX-Docgate-So-Den: 1/${year}\r\nX-Docgate-Recipient-Agency: ${AGENCIES.stttt.id}\r\n\r\n`,
      );
      expect(await imap.search({ keyword: '$SoDen-1' })).to.deep.equal([1]);
    } finally {
      await imap.logout();
    }
    const sender = await loggedIn(tg, CLERKS.ubnd);
    const sent = await sender.command(`SELECT "${encodeMailboxName('Văn bản đi')}"`);
    expect(sent.tagged, sent.lines.join('\n')).to.match(/OK/);
    const r = await sender.command('FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (X-DOCGATE-SO-DEN)])');
    expect(r.raw.toString('latin1')).not.to.contain('X-Docgate-So-Den:');
    expect(r.raw.toString('latin1')).not.to.contain('$SoDen');
    sender.close();
  });

  it('the register holds the same numbers the copies show', async () => {
    expect((await tg.gateway.storage.register.incomingEntry(AGENCIES.snv.id, both.trackingId))!.number).to.equal(2);
    expect((await tg.gateway.storage.register.incomingEntry(AGENCIES.stttt.id, both.trackingId))!.number).to.equal(1);
  });
});
