// Urgent alerts (Điều 8.5): a Hỏa tốc or Thượng khẩn document reaching Sở Nội vụ alerts each of its
// leaders by SMS (the HTTP webhook of a brand-name SMS gateway, here node:http on loopback) and e-mail
// (an SMTP sink); a failing webhook is retried and each failure is a register event; a Thường document
// alerts nobody; `docgate alert list` shows the outcomes.

import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { isGsm7Basic } from '../../gateway/notify/sms-text.js';
import { AGENCIES } from '../helpers/env.js';
import { cliFor } from '../helpers/child.js';
import type { TestGateway } from '../helpers/gateway.js';
import { deliver, startImapGateway } from '../helpers/imap.js';
import { faultPeer, waitFor, type FaultPeer } from '../helpers/relay.js';
import { agenciesWithLeaders, alertsConfig, fakeSmsGateway, SMS_SECRET, SNV_LEADERS, writeSmsSecret, type FakeSmsGateway } from '../helpers/alerts.js';

const URGENT_TEXT = (level: string, ref: string) =>
  `Số ký hiệu: ${ref}\nĐộ khẩn: ${level}\nTrích yếu: V/v ứng phó khẩn cấp với bão số 12 "Kalmaegi" và mưa lũ trên địa bàn các huyện phía Nam tỉnh\nKính gửi Sở Nội vụ`;

describe('urgent alerts to the recipient agency leaders', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let sms: FakeSmsGateway;
  let mail: FaultPeer;

  before(async () => {
    sms = await fakeSmsGateway();
    mail = await faultPeer();
    await mail.listen();
    tg = await startImapGateway({ docgate: alertsConfig({ webhookPort: sms.port, smtpPort: mail.port }), agencies: agenciesWithLeaders() });
    writeSmsSecret(tg.env.configDir);
  });
  after(async () => {
    await tg?.stop();
    await sms?.close();
    await mail?.close();
  });
  beforeEach(() => {
    sms.calls.length = 0;
    sms.script = [];
    sms.fallback = 200;
    mail.received.length = 0;
  });

  async function alertEvents(trackingId: string) {
    return (await tg.gateway.storage.register.eventsOf(trackingId)).filter((e) => e.status.startsWith('alert-'));
  }

  it('Hỏa tốc: an SMS to each leader through the webhook, with the configured headers and body', async () => {
    const doc = await deliver(tg, { subject: 'Công điện hỏa tốc', text: URGENT_TEXT('Hỏa tốc', '12/CĐ-UBND') });
    await waitFor('two webhook calls', async () => sms.calls.length >= 2);
    const byPhone = new Map(sms.calls.map((c) => [(c.body as { phone: string }).phone, c]));
    expect([...byPhone.keys()].sort()).to.deep.equal(SNV_LEADERS.map((l) => l.phone).sort());
    for (const call of sms.calls) {
      expect(call.method).to.equal('POST');
      expect(call.url).to.equal('/api/v1/sms/send');
      expect(call.headers.authorization).to.equal(`Bearer ${SMS_SECRET}`);
      expect(call.headers['x-brandname']).to.equal('UBND-HATINH');
      expect(call.headers['content-type']).to.match(/^application\/json/);
      const body = call.body as Record<string, string>;
      expect(body).to.include({ brandname: 'UBND-HATINH', ref: '12/CĐ-UBND', agency: 'Sở Nội vụ tỉnh Hà Tĩnh', trackingId: doc.trackingId });
      expect(body.message.length).to.be.at.most(160);
      expect(isGsm7Basic(body.message), body.message).to.equal(true);
      expect(body.message).to.match(
        /^HOA TOC - So Noi vu tinh Ha Tinh: VB 12\/CD-UBND cua Uy ban nhan dan tinh Ha Tinh, den \d\d:\d\d \d\d\/\d\d\/\d{4}\. V\/v ung pho/,
      );
    }
    const events = await waitFor('three alert events', async () => {
      const e = await alertEvents(doc.trackingId);
      return e.length >= 3 ? e : null;
    });
    expect(events.every((e) => e.status === 'alert-sent' && e.agencyId === AGENCIES.snv.id)).to.equal(true);
    expect(events.filter((e) => e.actor === 'alert:sms').map((e) => e.note)).to.satisfy((notes: string[]) => notes.every((n) => / HTTP 200 /.test(n)));
    expect(events.filter((e) => e.actor === 'alert:email')).to.have.length(1);
  });

  it("the leader's e-mail arrives, bilingual, at the configured SMTP server", async () => {
    const doc = await deliver(tg, { subject: 'Thượng khẩn', text: URGENT_TEXT('Thượng khẩn', '13/UBND-VX') });
    const got = await waitFor('the alert e-mail', async () => mail.received.find((m) => m.data.toString('latin1').includes(doc.trackingId)));
    expect(got.from).to.equal('canhbao@docgate.test');
    expect(got.to).to.deep.equal([SNV_LEADERS[0].email]);
    const parsed = await simpleParser(got.data);
    expect(parsed.subject).to.equal('[THƯỢNG KHẨN] Văn bản đến 13/UBND-VX / Urgent document');
    expect(parsed.text).to.contain('Kính gửi Trần Thị Bình,');
    expect(parsed.text).to.contain('Sở Nội vụ tỉnh Hà Tĩnh vừa nhận một văn bản Thượng khẩn');
    expect(parsed.text).to.contain('- Số, ký hiệu: 13/UBND-VX');
    expect(parsed.text).to.contain(`- Mã theo dõi: ${doc.trackingId}`);
    expect(parsed.text).to.contain('has just received a very urgent (Thượng khẩn) official document');
    expect(parsed.headers.get('x-docgate-tracking-id')).to.equal(doc.trackingId);
  });

  it('a Thường document alerts nobody: no job, no call, no event', async () => {
    const plain = await deliver(tg, { subject: 'Thường', text: 'Số ký hiệu: 14/UBND-VX\nĐộ khẩn: Thường\nKính gửi Sở Nội vụ' });
    const none = await deliver(tg, { subject: 'Không ghi độ khẩn', text: 'Số ký hiệu: 15/UBND-VX\nKính gửi Sở Nội vụ' });
    // A Hỏa tốc document sent after them: once its alerts are out, theirs would have been too.
    const urgent = await deliver(tg, { subject: 'Hỏa tốc', text: URGENT_TEXT('Hỏa tốc', '16/CĐ-UBND') });
    await waitFor('alerts of the urgent document', async () => (await alertEvents(urgent.trackingId)).length >= 3);
    for (const doc of [plain, none]) {
      expect(await tg.gateway.storage.queue.list({ kind: 'alert', documentId: doc.trackingId })).to.deep.equal([]);
      expect(await alertEvents(doc.trackingId)).to.deep.equal([]);
    }
    expect(sms.calls.map((c) => (c.body as { ref: string }).ref)).to.deep.equal(['16/CĐ-UBND', '16/CĐ-UBND']);
  });

  it('a failing webhook (500, then a timeout) is retried; each failure is an alert-failed event', async () => {
    sms.script = [500, 'hang'];
    sms.fallback = 200;
    const doc = await deliver(tg, { subject: 'Hỏa tốc', text: URGENT_TEXT('Hỏa tốc', '17/CĐ-UBND') });
    const events = await waitFor('both SMS sent after failures', async () => {
      const e = (await alertEvents(doc.trackingId)).filter((x) => x.actor === 'alert:sms');
      return e.filter((x) => x.status === 'alert-sent').length === 2 ? e : null;
    });
    const failed = events.filter((e) => e.status === 'alert-failed');
    expect(failed).to.have.length(2);
    expect(failed.filter((e) => / HTTP 500 /.test(e.note!))).to.have.length(1);
    expect(failed.filter((e) => /timeout after 400 ms/.test(e.note!))).to.have.length(1);
    expect(failed.every((e) => /\(attempt 1\/4, retry at /.test(e.note!))).to.equal(true);
    expect(events.filter((e) => e.status === 'alert-sent').every((e) => /attempt 2\/4, sent\)$/.test(e.note!))).to.equal(true);
    expect(sms.calls).to.have.length(4);
  });

  it('gives up after maxAttempts and says so', async () => {
    sms.fallback = 503;
    const doc = await deliver(tg, { subject: 'Hỏa tốc', text: URGENT_TEXT('Hỏa tốc', '18/CĐ-UBND') });
    const jobs = await waitFor('SMS jobs failed', async () => {
      const j = (await tg.gateway.storage.queue.list({ kind: 'alert', documentId: doc.trackingId })).filter(
        (x) => (JSON.parse(x.payload) as { channel: string }).channel === 'sms',
      );
      return j.every((x) => x.status === 'failed') ? j : null;
    });
    expect(jobs.map((j) => j.attempts)).to.deep.equal([4, 4]);
    const notes = (await alertEvents(doc.trackingId)).filter((e) => e.actor === 'alert:sms').map((e) => e.note!);
    expect(notes).to.have.length(8);
    expect(notes.filter((n) => /attempt 4\/4, gave up\)$/.test(n))).to.have.length(2);
  });

  it('docgate alert list shows every attempt and its outcome (text, JSON, CSV)', async () => {
    const cli = cliFor(tg.env);
    const listed = await cli(['alert', 'list', '--agency', AGENCIES.snv.id, '--json']);
    expect(listed.code, listed.stderr).to.equal(0);
    const rows = JSON.parse(listed.stdout) as { status: string; channel: string; documentNumber: string; note: string; agency: string }[];
    expect(rows.some((r) => r.status === 'alert-sent' && r.channel === 'email' && r.documentNumber === '13/UBND-VX')).to.equal(true);
    expect(rows.filter((r) => r.documentNumber === '17/CĐ-UBND' && r.status === 'alert-failed')).to.have.length(2);
    expect(rows.every((r) => r.agency === AGENCIES.snv.id)).to.equal(true);
    const csv = await cli(['alert', 'list', '--csv']);
    expect(csv.stdout.split('\r\n')[0]).to.equal('at,document,documentNumber,urgency,agency,channel,status,note');
    const text = await cli(['alert', 'list']);
    expect(text.stdout).to.match(/\d+ lần gửi, \d+ thành công, \d+ lỗi \/ \d+ attempt\(s\)/);
    expect(text.stdout).to.contain('lỗi/alert-failed');
    const other = await cli(['alert', 'list', '--agency', AGENCIES.stttt.id, '--json']);
    expect(JSON.parse(other.stdout)).to.deep.equal([]);
  });
});
