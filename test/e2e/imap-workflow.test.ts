// The filing workflow with nothing but IMAP: a clerk moves a document from INBOX to "Đã vào sổ"
// (status 03) or, with a $TraLai-* keyword, to "Trả lại" (status 02, reason from the keyword); the
// register gets an event with time and clerk, and the sender's clerk, IDLE-ing in "Thông báo", sees
// the bilingual notice arrive.

import { expect } from 'chai';
import { encodeMailboxName } from '../../gateway/imap/protocol/mutf7.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { AGENCIES } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, literalAfter, loggedIn, startImapGateway } from '../helpers/imap.js';

const REGISTERED = encodeMailboxName(FOLDERS.registered.name);
const RETURNED = encodeMailboxName(FOLDERS.returned.name);
const NOTICES = encodeMailboxName(FOLDERS.notices.name);
const FIXED_NOW = new Date('2026-11-25T03:04:05Z');

function decodeQp(text: string): string {
  return Buffer.from(
    text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

describe('IMAP filing workflow: register status and sender notices', function () {
  let tg: TestGateway;

  before(async function () {
    tg = await startImapGateway({ now: () => FIXED_NOW });
  });
  after(async () => tg.stop());

  async function incoming(trackingId: string) {
    return tg.gateway.storage.register.incomingEntry(AGENCIES.snv.id, trackingId);
  }

  it('MOVE to "Đã vào sổ" registers the document (03), records the clerk, and notifies the sender', async function () {
    const doc = await deliver(tg, { subject: 'Công văn 12/UBND-VX về cải cách hành chính', text: 'Số ký hiệu: 12/UBND-VX\nKính gửi Sở Nội vụ' });
    expect((await incoming(doc.trackingId))!.status).to.equal('01');
    const sender = await loggedIn(tg, CLERKS.ubnd);
    const before = await sender.command(`SELECT "${NOTICES}"`);
    const exists = Number(/\* (\d+) EXISTS/.exec(before.lines.join('\n'))![1]);
    sender.send('I1 IDLE\r\n');
    expect((await sender.line())!.text).to.equal('+ idling');

    const clerk = await loggedIn(tg, CLERKS.snv);
    await clerk.command('SELECT INBOX');
    const uid = (await clerk.command(`UID SEARCH HEADER X-Docgate-Tracking-Id ${doc.trackingId}`)).lines[0].split(' ')[2];
    const moved = await clerk.command(`UID MOVE ${uid} "${REGISTERED}"`);
    expect(moved.tagged).to.match(/OK/);

    expect((await sender.line(5_000))!.text).to.equal(`* ${exists + 1} EXISTS`);
    sender.send('DONE\r\n');
    await sender.until('I1');

    const entry = await incoming(doc.trackingId);
    expect(entry).to.include({ status: '03' });
    const events = await tg.gateway.storage.register.eventsOf(doc.trackingId);
    expect(events.at(-1)).to.deep.include({ status: '03', actor: CLERKS.snv, agencyId: AGENCIES.snv.id, at: FIXED_NOW });

    const notice = await sender.command(
      `FETCH ${exists + 1} (BODY.PEEK[HEADER.FIELDS (SUBJECT X-DOCGATE-STATUS X-DOCGATE-TRACKING-ID IN-REPLY-TO)] BODY.PEEK[TEXT])`,
    );
    const header = literalAfter(notice.raw, 'BODY[HEADER.FIELDS (SUBJECT X-DOCGATE-STATUS X-DOCGATE-TRACKING-ID IN-REPLY-TO)] ').toString('latin1');
    expect(header.toLowerCase()).to.contain(`x-docgate-tracking-id: ${doc.trackingId.toLowerCase()}`);
    expect(header).to.contain('X-Docgate-Status: 03');
    expect(header).to.contain(`X-Docgate-Tracking-Id: ${doc.trackingId}\r\n`);
    expect(header).to.match(/In-Reply-To: <[^>]+@ubnd\.hatinh\.gov\.vn>/);
    const body = decodeQp(literalAfter(notice.raw, 'BODY[TEXT] ').toString('latin1'));
    expect(body).to.contain('Văn bản của quý cơ quan đã được Sở Nội vụ tỉnh Hà Tĩnh tiếp nhận và vào sổ đến (trạng thái 03).');
    expect(body).to.contain(`- Số đến: ${entry!.number}`);
    expect(body).to.contain('- Thời điểm: 25/11/2026 10:04:05');
    expect(body).to.contain(`- Người xử lý: ${CLERKS.snv}`);
    expect(body).to.contain('Your document was received and registered by');

    // Filing again (back and forth) neither changes the status nor sends a second notice.
    await clerk.command(`SELECT "${REGISTERED}"`);
    await clerk.command(`UID MOVE 1:* INBOX`);
    await clerk.command('SELECT INBOX');
    await clerk.command(`UID MOVE 1:* "${REGISTERED}"`);
    expect((await tg.gateway.storage.register.eventsOf(doc.trackingId)).filter((e) => e.status === '03')).to.have.length(1);
    const status = await sender.command(`STATUS "${NOTICES}" (MESSAGES)`);
    expect(status.lines[0]).to.contain(`(MESSAGES ${exists + 1})`);
    sender.close();
    clerk.close();
  });

  it('COPY + \\Deleted + EXPUNGE to "Trả lại" with a $TraLai keyword returns the document (02) with that reason', async function () {
    const doc = await deliver(tg, { subject: 'Tờ trình gửi nhầm', text: 'Tờ trình số 7' });
    const clerk = await loggedIn(tg, CLERKS.snv2);
    await clerk.command('SELECT INBOX');
    const uid = (await clerk.command(`UID SEARCH HEADER X-Docgate-Tracking-Id ${doc.trackingId}`)).lines[0].split(' ')[2];
    await clerk.command(`UID STORE ${uid} +FLAGS ($TraLai-SaiNoiNhan)`);
    expect((await clerk.command(`UID COPY ${uid} "${RETURNED}"`)).tagged).to.match(/OK \[COPYUID/);
    await clerk.command(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
    expect((await clerk.command('EXPUNGE')).lines).to.have.length(1);
    const entry = await incoming(doc.trackingId);
    expect(entry).to.include({ status: '02', note: 'Gửi nhầm nơi nhận, văn bản không gửi cho cơ quan này / Sent to the wrong agency' });
    const event = (await tg.gateway.storage.register.eventsOf(doc.trackingId)).at(-1)!;
    expect(event).to.include({ status: '02', actor: CLERKS.snv2 });

    const sender = await loggedIn(tg, CLERKS.ubnd);
    await sender.command(`EXAMINE "${NOTICES}"`);
    const found = await sender.command(`SEARCH HEADER X-Docgate-Tracking-Id ${doc.trackingId} HEADER X-Docgate-Status 02`);
    const seq = found.lines[0].split(' ')[2];
    const text = decodeQp(literalAfter((await sender.command(`FETCH ${seq} BODY.PEEK[TEXT]`)).raw, 'BODY[TEXT] ').toString('latin1'));
    expect(text).to.contain('đã bị Sở Nội vụ tỉnh Hà Tĩnh trả lại (trạng thái 02)');
    expect(text).to.contain('- Lý do trả lại: Gửi nhầm nơi nhận, văn bản không gửi cho cơ quan này');
    expect(text).to.contain('- Reason: Sent to the wrong agency');
    sender.close();
    clerk.close();
  });

  it('a document returned without a reason keyword says so; other folders do not file', async function () {
    const doc = await deliver(tg, { subject: 'Báo cáo', text: 'Báo cáo tháng' });
    const other = await deliver(tg, { subject: 'Lưu tạm', text: 'Chưa xử lý' });
    const clerk = await loggedIn(tg, CLERKS.snv);
    await clerk.command('CREATE "Cho xu ly"');
    await clerk.command('SELECT INBOX');
    const uidOf = async (id: string) => (await clerk.command(`UID SEARCH HEADER X-Docgate-Tracking-Id ${id}`)).lines[0].split(' ')[2];
    await clerk.command(`UID MOVE ${await uidOf(other.trackingId)} "Cho xu ly"`);
    expect((await incoming(other.trackingId))!.status).to.equal('01');
    await clerk.command(`UID MOVE ${await uidOf(doc.trackingId)} "${RETURNED}"`);
    expect(await incoming(doc.trackingId)).to.include({ status: '02', note: 'Không ghi lý do / No reason given' });
    clerk.close();
  });
});
