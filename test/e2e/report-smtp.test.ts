// `docgate report` counts documents that really went through the gateway: clerks submit over SMTP
// (STARTTLS, AUTH) to a test gateway, one submission is refused by the attachments check, and the
// year report of each agency says so.

import { expect } from 'chai';
import { localDate } from '../../policies/text/dates.js';
import { cliFor } from '../helpers/child.js';
import { makePdf } from '../helpers/documents.js';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, type TestGateway } from '../helpers/gateway.js';

describe('docgate report on documents submitted over SMTP', function () {
  this.timeout(400_000);
  let tg: TestGateway;
  const today = localDate(new Date(), 'Asia/Ho_Chi_Minh');
  const [y, m, d] = today.split('-');

  const send = async (from: string, to: string[], form: string, filename: string) => {
    const client = transport(tg.starttlsPort, from);
    try {
      const info = await client.sendMail({ from, to, subject: 'Báo cáo', text: form, attachments: [{ filename, content: makePdf('Bao cao') }] });
      return info.response;
    } catch (err) {
      return (err as { response?: string }).response ?? String(err);
    } finally {
      client.close();
    }
  };

  before(async () => {
    tg = await startTestGateway({ policy: { checks: [{ id: 'sender-header' }, { id: 'attachments' }], actions: {} } });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    await addClerk(tg.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
    const form = (n: number, day: string) =>
      `Số ký hiệu: ${n}/UBND-VX\nNgày ký: ${day}\nLoại văn bản: Công văn\nTrích yếu: Về việc số ${n}\nĐộ khẩn: Hỏa tốc\n`;
    const replies = [
      await send(AGENCIES.ubnd.address, [AGENCIES.snv.address, AGENCIES.stttt.address], form(1, `${d}/${m}/${y}`), 'cv1.pdf'),
      await send(AGENCIES.ubnd.address, [AGENCIES.snv.address], form(2, `${d}/${m}/${y}`), 'cv2.pdf'),
      await send(AGENCIES.ubnd.address, [AGENCIES.snv.address], form(3, '01/01/2020'), 'cv3.pdf'),
      await send(AGENCIES.snv.address, [AGENCIES.ubnd.address], form(4, `${d}/${m}/${y}`), 'cv4.pdf'),
      await send(AGENCIES.ubnd.address, [AGENCIES.snv.address], form(5, `${d}/${m}/${y}`), 'chuong-trinh.exe'),
    ];
    expect(
      replies.slice(0, 4).every((r) => r.startsWith('250 ')),
      replies.join('\n'),
    ).to.equal(true);
    expect(replies[4]).to.match(/^550 5\.6\.1 \[attachment-type\]/);
  });
  after(async () => {
    await tg?.stop();
  });

  it('sent, received, refused by reason, on the signing day and urgent: as submitted', async () => {
    const cli = cliFor(tg.env);
    const r = await cli(['report', '--period', y, '--format', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as { agencies: Record<string, unknown>[]; refusals: { code: string; count: number }[] };
    const of = (id: string) => report.agencies.find((a) => a.agencyId === id)!;
    expect(of(AGENCIES.ubnd.id)).to.include({ sent: 3, refused: 1, received: 1, signedDateKnown: 3, sentOnSigningDay: 2, sentFlash: 3, receivedPending: 1 });
    expect(of(AGENCIES.snv.id)).to.include({ sent: 1, refused: 0, received: 3, receivedFlash: 3, receivedPending: 3, filed: 0 });
    expect(of(AGENCIES.stttt.id)).to.include({ sent: 0, received: 1 });
    expect(report.refusals).to.deep.equal([{ code: 'attachment-type', vi: 'Tệp đính kèm không được phép', en: 'Attachment type not allowed', count: 1 }]);
  });
});
