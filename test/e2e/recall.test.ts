// Recall (edXML business type 1, statuses 13 / 15 / 16) with nothing but IMAP (imapflow): the sender
// moves its copy from "Văn bản đi" to "Thu hồi"; every recipient gets the request in INBOX and its copy
// is flagged $ThuHoi; one recipient agrees (15), one that already registered the document refuses (16),
// both by filing the request; the sender gets each answer in "Thông báo"; every step is a register event.

import { expect } from 'chai';
import type { ImapFlow } from 'imapflow';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { cliFor } from '../helpers/child.js';
import { AGENCIES } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, imapflowClient, startImapGateway } from '../helpers/imap.js';
import { everythingIn, waitFor } from '../helpers/relay.js';

async function withClient<T>(tg: TestGateway, user: string, work: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = imapflowClient(tg, user);
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.logout();
  }
}

/** UID and source of every message of a folder. */
async function folder(c: ImapFlow, name: string): Promise<{ uid: number; flags: Set<string>; source: string }[]> {
  const lock = await c.getMailboxLock(name);
  try {
    const out: { uid: number; flags: Set<string>; source: string }[] = [];
    if ((c.mailbox as { exists: number }).exists === 0) return out;
    for await (const m of c.fetch('1:*', { uid: true, flags: true, source: true }))
      out.push({ uid: m.uid, flags: m.flags ?? new Set(), source: m.source!.toString('latin1') });
    return out;
  } finally {
    lock.release();
  }
}

async function move(c: ImapFlow, from: string, uid: number, to: string): Promise<void> {
  const lock = await c.getMailboxLock(from);
  try {
    expect(await c.messageMove(String(uid), to, { uid: true })).to.not.equal(false);
  } finally {
    lock.release();
  }
}

const has = (trackingId: string, status?: string) => (m: { source: string }) =>
  m.source.includes(`X-Docgate-Tracking-Id: ${trackingId}\r\n`) && (status === undefined ? true : m.source.includes(`X-Docgate-Status: ${status}\r\n`));

describe('recall over IMAP: request, $ThuHoi, answers 15 / 16 to the sender', function () {
  this.timeout(60_000);
  let tg: TestGateway;

  before(async () => {
    tg = await startImapGateway();
  });
  after(async () => tg?.stop());

  it('reaches every recipient and brings each answer back to the sender', async () => {
    const doc = await deliver(tg, { subject: 'Văn bản sẽ thu hồi', text: 'Số ký hiệu: 41/UBND-VX\nKính gửi các sở', to: [CLERKS.snv, CLERKS.stttt] });
    // Sở TT&TT registers the document before the recall.
    await withClient(tg, CLERKS.stttt, async (c) => {
      const inbox = await folder(c, 'INBOX');
      await move(c, 'INBOX', inbox.find(has(doc.trackingId))!.uid, FOLDERS.registered.name);
    });

    await withClient(tg, CLERKS.ubnd, async (c) => {
      const sent = await folder(c, FOLDERS.sent.name);
      await move(c, FOLDERS.sent.name, sent.find(has(doc.trackingId))!.uid, FOLDERS.recall.name);
    });
    const events13 = await waitFor('requests recorded', async () => {
      const e = (await tg.gateway.storage.register.eventsOf(doc.trackingId)).filter((x) => x.status === '13');
      return e.length === 2 ? e : null;
    });
    expect(events13.map((e) => e.agencyId).sort()).to.deep.equal([AGENCIES.snv.id, AGENCIES.stttt.id]);
    expect(events13.every((e) => e.actor === CLERKS.ubnd)).to.equal(true);

    await withClient(tg, CLERKS.snv, async (c) => {
      const inbox = await folder(c, 'INBOX');
      const copy = inbox.find((m) => has(doc.trackingId)(m) && m.source.includes('X-Docgate-So-Den'))!;
      expect([...copy.flags]).to.include('$ThuHoi');
      const request = inbox.find(has(doc.trackingId, '13'))!;
      expect(request.source).to.contain(`X-Docgate-Recipient-Agency: ${AGENCIES.snv.id}\r\n`);
      await move(c, 'INBOX', request.uid, FOLDERS.recallAgreed.name);
    });
    await withClient(tg, CLERKS.stttt, async (c) => {
      const registered = await folder(c, FOLDERS.registered.name);
      expect([...registered.find(has(doc.trackingId))!.flags]).to.include('$ThuHoi');
      const request = (await folder(c, 'INBOX')).find(has(doc.trackingId, '13'))!;
      await move(c, 'INBOX', request.uid, FOLDERS.recallRefused.name);
    });

    const answers = await waitFor('both answers in the sender’s Thông báo', async () => {
      const n = (await everythingIn(tg, AGENCIES.ubnd.id)).map((b) => b.toString('latin1')).filter((s) => has(doc.trackingId)({ source: s }));
      const a = n.filter((s) => /X-Docgate-Status: 1[56]\r\n/.test(s));
      return a.length === 2 ? a : null;
    });
    expect(answers.find((s) => s.includes('X-Docgate-Status: 15'))).to.contain(`X-Docgate-Recipient-Agency: ${AGENCIES.snv.id}`);
    expect(answers.find((s) => s.includes('X-Docgate-Status: 16'))).to.contain(`X-Docgate-Recipient-Agency: ${AGENCIES.stttt.id}`);
    // The sender's clerk reads them over IMAP too.
    await withClient(tg, CLERKS.ubnd, async (c) => {
      const notices = (await folder(c, FOLDERS.notices.name)).filter(has(doc.trackingId));
      expect(notices.filter((m) => /X-Docgate-Status: 1[56]\r\n/.test(m.source))).to.have.length(2);
    });

    const events = await tg.gateway.storage.register.eventsOf(doc.trackingId);
    expect(events.find((e) => e.status === '15')).to.deep.include({ agencyId: AGENCIES.snv.id, actor: CLERKS.snv });
    expect(events.find((e) => e.status === '16')).to.deep.include({ agencyId: AGENCIES.stttt.id, actor: CLERKS.stttt });
    expect((await tg.gateway.storage.register.incomingEntry(AGENCIES.snv.id, doc.trackingId))!.status).to.equal('15');
    expect((await tg.gateway.storage.register.incomingEntry(AGENCIES.stttt.id, doc.trackingId))!.status).to.equal('03');

    // Filing the answered request again changes nothing.
    await withClient(tg, CLERKS.snv, async (c) => {
      const agreed = await folder(c, FOLDERS.recallAgreed.name);
      await move(c, FOLDERS.recallAgreed.name, agreed[0].uid, FOLDERS.recallRefused.name);
    });
    expect((await tg.gateway.storage.register.eventsOf(doc.trackingId)).filter((e) => e.status === '16')).to.have.length(1);
  });

  it('docgate document recall asks every recipient not asked yet', async () => {
    const doc = await deliver(tg, { subject: 'Thu hồi qua dòng lệnh', text: 'Số ký hiệu: 42/UBND-VX\nKính gửi Sở Nội vụ' });
    const cli = cliFor(tg.env);
    const r = await cli(['document', 'recall', doc.trackingId, '--actor', 'admin:test']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`Recall of ${doc.trackingId} requested from ${AGENCIES.snv.id}`);
    const again = await cli(['document', 'recall', doc.trackingId]);
    expect(again.stdout).to.contain('No recipient left to ask');
    const unknown = await cli(['document', 'recall', 'DG20261202-NOSUCHDOC2']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('No sent document');
    await withClient(tg, CLERKS.snv, async (c) => {
      expect((await folder(c, 'INBOX')).filter(has(doc.trackingId, '13'))).to.have.length(1);
    });
  });
});
