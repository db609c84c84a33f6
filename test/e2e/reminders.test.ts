// Deadlines: a recipient that has neither filed (03) nor returned (02) a document by its deadline gets a
// reminder in its INBOX and the sender a notice in "Thông báo" (register event `reminder`); a document
// filed in time gets none. The gateway's clock is moved past a short configured deadline: no sleeping.

import { expect } from 'chai';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { AGENCIES } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, imapflowClient, startImapGateway } from '../helpers/imap.js';
import { everythingIn, waitFor } from '../helpers/relay.js';

describe('reminders of documents not filed in time', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let offset = 0;

  before(async () => {
    tg = await startImapGateway({
      docgate: { reminders: { deadline: '1h', byUrgency: {}, pollInterval: '100ms' } },
      now: () => new Date(Date.now() + offset),
    });
  });
  after(async () => tg?.stop());

  it('reminds the late recipient and tells the sender; the document filed in time gets nothing', async () => {
    const filed = await deliver(tg, { subject: 'Đã vào sổ kịp thời', text: 'Số ký hiệu: 31/UBND-VX\nKính gửi Sở Nội vụ' });
    const late = await deliver(tg, { subject: 'Chưa xử lý', text: 'Số ký hiệu: 32/UBND-VX\nTrích yếu: V/v báo cáo tháng 12\nKính gửi Sở Nội vụ' });
    const [job] = await tg.gateway.storage.queue.list({ kind: 'reminder', documentId: late.trackingId });
    expect(job.agencyId).to.equal(AGENCIES.snv.id);
    expect(job.nextAttemptAt.getTime() - job.createdAt.getTime()).to.equal(3600_000);

    const clerk = imapflowClient(tg, CLERKS.snv);
    await clerk.connect();
    try {
      const lock = await clerk.getMailboxLock('INBOX');
      try {
        const uids = await clerk.search({ header: { 'X-Docgate-Tracking-Id': filed.trackingId } }, { uid: true });
        expect(uids).to.have.length(1);
        await clerk.messageMove(uids as number[], FOLDERS.registered.name, { uid: true });
      } finally {
        lock.release();
      }
      expect((await tg.gateway.storage.register.incomingEntry(AGENCIES.snv.id, filed.trackingId))!.status).to.equal('03');

      offset = 2 * 3600_000;
      tg.gateway.reminders.wake();
      const events = await waitFor('the reminder event', async () => {
        const e = (await tg.gateway.storage.register.eventsOf(late.trackingId)).filter((x) => x.status === 'reminder');
        return e.length > 0 ? e : null;
      });
      expect(events).to.have.length(1);
      expect(events[0]).to.deep.include({ agencyId: AGENCIES.snv.id, actor: 'reminder' });
      await waitFor('the filed document’s job ended', async () => {
        const [j] = await tg.gateway.storage.queue.list({ kind: 'reminder', documentId: filed.trackingId });
        return j.status === 'dropped';
      });
      expect((await tg.gateway.storage.register.eventsOf(filed.trackingId)).filter((x) => x.status === 'reminder')).to.deep.equal([]);

      // The recipient's clerk sees the reminder in INBOX.
      const lock2 = await clerk.getMailboxLock('INBOX');
      try {
        await clerk.noop(); // the reminder arrived while INBOX stayed selected: let the server announce it
        const reminders = [];
        for await (const m of clerk.fetch('1:*', { source: true, envelope: true })) {
          if (/^X-Docgate-Reminder: 000\.01\.00\.H27\r$/m.test(m.source!.toString('latin1'))) reminders.push(m);
        }
        expect(reminders).to.have.length(1);
        expect(reminders[0].envelope!.subject).to.equal('[Nhắc việc] 32/UBND-VX / Reminder');
        const text = reminders[0].source!.toString('utf8');
        expect(text).to.contain(`X-Docgate-Tracking-Id: ${late.trackingId}`);
        expect(text).to.contain(`In-Reply-To: ${/^Message-ID: (.*)\r$/m.exec(late.submitted.toString('latin1'))![1]}`);
      } finally {
        lock2.release();
      }
    } finally {
      await clerk.logout();
    }
    // The sender's notice.
    const notices = (await everythingIn(tg, AGENCIES.ubnd.id)).map((b) => b.toString('latin1'));
    const notice = notices.find((n) => n.includes(`X-Docgate-Reminder: ${AGENCIES.snv.id}`) && n.includes(late.trackingId));
    expect(notice, 'sender notice').to.not.equal(undefined);
    expect(notices.some((n) => n.includes(`X-Docgate-Reminder`) && n.includes(filed.trackingId))).to.equal(false);
  });
});
