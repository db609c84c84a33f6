// What Thunderbird and Outlook do over IMAP by default, with imapflow as the client: the Archive
// button files into per-year subfolders ("Đã vào sổ/2026"), and every sent message is APPENDed to
// the \Sent folder "Văn bản đi", where docgate already filed the sender's copy.

import { expect } from 'chai';
import { ImapFlow } from 'imapflow';
import { AGENCIES } from '../helpers/env.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, startImapGateway, imapflowClient } from '../helpers/imap.js';

const client = (tg: TestGateway, user: string): ImapFlow => imapflowClient(tg, user);

describe("IMAP: mail clients' default habits (imapflow)", function () {
  this.timeout(60_000);
  let tg: TestGateway;
  before(async () => {
    tg = await startImapGateway();
  });
  after(async () => tg?.stop());

  const status = async (trackingId: string) => (await tg.gateway.storage.register.incomingEntry(AGENCIES.snv.id, trackingId))!;

  async function moveFromInbox(flow: ImapFlow, trackingId: string, target: string, flags: string[] = []) {
    const lock = await flow.getMailboxLock('INBOX');
    try {
      const uids = (await flow.search({ header: { 'x-docgate-tracking-id': trackingId } }, { uid: true })) as number[];
      expect(uids).to.have.length(1);
      if (flags.length > 0) await flow.messageFlagsAdd(String(uids[0]), flags, { uid: true });
      const moved = await flow.messageMove(String(uids[0]), target, { uid: true });
      expect(moved && moved.uidMap!.size, `moved into ${target}`).to.equal(1);
    } finally {
      lock.release();
    }
  }

  it('a MOVE into "Đã vào sổ/2026" registers (03) exactly as into "Đã vào sổ", and notifies the sender', async () => {
    const doc = await deliver(tg, { subject: 'Công văn 21/UBND-VX', text: 'Số ký hiệu: 21/UBND-VX' });
    const flow = client(tg, CLERKS.snv);
    await flow.connect();
    const year = `${FOLDERS.registered.name}/2026`;
    await flow.mailboxCreate(year);
    await moveFromInbox(flow, doc.trackingId, year);
    await flow.logout();
    expect(await status(doc.trackingId)).to.include({ status: '03' });
    const events = await tg.gateway.storage.register.eventsOf(doc.trackingId);
    expect(events.filter((e) => e.status === '03').map((e) => e.actor)).to.deep.equal([CLERKS.snv]);
    const notices = await tg.gateway.storage.mailboxes.find(AGENCIES.ubnd.id, FOLDERS.notices.name);
    expect(await tg.gateway.storage.db.models.MailboxMessage.count({ where: { mailboxId: notices!.id } })).to.be.greaterThan(0);
  });

  it('a MOVE two levels below "Trả lại" with a keyword returns (02) with the reason', async () => {
    const doc = await deliver(tg, { subject: 'Tờ trình gửi nhầm', text: 'Tờ trình số 8' });
    const flow = client(tg, CLERKS.snv);
    await flow.connect();
    const folder = `${FOLDERS.returned.name}/2026/Quý 4`;
    await flow.mailboxCreate(folder);
    await moveFromInbox(flow, doc.trackingId, folder, ['$TraLai-SaiNoiNhan']);
    await flow.logout();
    expect(await status(doc.trackingId)).to.include({ status: '02', note: 'Gửi nhầm nơi nhận, văn bản không gửi cho cơ quan này / Sent to the wrong agency' });
  });

  it('a folder that only starts with the same words ("Đã vào sổ cũ") does not file', async () => {
    const doc = await deliver(tg, { subject: 'Giấy mời họp', text: 'Mời họp' });
    const flow = client(tg, CLERKS.snv);
    await flow.connect();
    const folder = `${FOLDERS.registered.name} cũ`;
    await flow.mailboxCreate(folder);
    await moveFromInbox(flow, doc.trackingId, folder);
    await flow.logout();
    expect(await status(doc.trackingId)).to.include({ status: '01' });
  });

  it('APPEND of the sent message to "Văn bản đi" keeps one copy and answers its APPENDUID', async () => {
    const doc = await deliver(tg, { subject: 'Kế hoạch 30/KH-UBND', text: 'Số ký hiệu: 30/KH-UBND' });
    const sent = (await tg.gateway.storage.mailboxes.find(AGENCIES.ubnd.id, FOLDERS.sent.name))!;
    const copies = async () => tg.gateway.storage.db.models.MailboxMessage.count({ where: { mailboxId: sent.id } });
    const row = (await tg.gateway.storage.db.models.MailboxMessage.findOne({ where: { mailboxId: sent.id, documentId: doc.trackingId } }))!;
    const existingUid = Number(row.get('uid'));
    const before = await copies();

    const flow = client(tg, CLERKS.ubnd);
    await flow.connect();
    // What Thunderbird appends: the message as it sent it, flagged \Seen.
    const appended = await flow.append(FOLDERS.sent.name, doc.submitted, ['\\Seen']);
    expect(appended && { uid: appended.uid, uidValidity: Number(appended.uidValidity) }).to.deep.equal({ uid: existingUid, uidValidity: sent.uidValidity });
    expect(await copies(), 'copies in Văn bản đi').to.equal(before);
    const st = await flow.status(FOLDERS.sent.name, { messages: true });
    expect(st && st.messages).to.equal(before);
    // The client's \Seen is set on the existing copy, as if it were the one Thunderbird stored.
    expect(JSON.parse(String((await row.reload()).get('flags')))).to.include('\\Seen');

    // A message that is not a document the agency sent is stored as any APPEND.
    const other = Buffer.from(`From: ${CLERKS.ubnd}\r\nMessage-ID: <not-a-document@ubnd.hatinh.gov.vn>\r\nSubject: Ghi chu\r\n\r\nGhi chu\r\n`);
    const stored = await flow.append(FOLDERS.sent.name, other);
    expect(stored && stored.uid).to.be.greaterThan(existingUid);
    expect(await copies()).to.equal(before + 1);
    // Into another folder, the same sent message is an ordinary copy.
    await flow.mailboxCreate('Lưu trữ');
    const archived = await flow.append('Lưu trữ', doc.submitted);
    expect(archived && archived.uid).to.equal(1);
    await flow.logout();

    // Another agency appending a message with that Message-ID gets its own copy, not a pointer to UBND's.
    const foreign = client(tg, CLERKS.snv);
    await foreign.connect();
    const snvSent = (await tg.gateway.storage.mailboxes.find(AGENCIES.snv.id, FOLDERS.sent.name))!;
    const snvBefore = await tg.gateway.storage.db.models.MailboxMessage.count({ where: { mailboxId: snvSent.id } });
    await foreign.append(FOLDERS.sent.name, doc.submitted);
    expect(await tg.gateway.storage.db.models.MailboxMessage.count({ where: { mailboxId: snvSent.id } })).to.equal(snvBefore + 1);
    await foreign.logout();
  });
});
