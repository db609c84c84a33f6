// `docgate register list|search|show` on a register filled by real SMTP submissions, on SQLite and on
// PostgreSQL: full text with and without diacritics ("trien khai", "Đ" = "D"), số ký hiệu, date ranges,
// loại / độ khẩn folded, table / JSON / CSV output, and the documented exit codes of bad input.

import { expect } from 'chai';
import { localDate } from '../../policies/text/dates.js';
import { runCli } from '../helpers/child.js';
import { makePdf } from '../helpers/documents.js';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, type TestGateway } from '../helpers/gateway.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

interface Sent {
  trackingId: string;
}

async function send(
  tg: TestGateway,
  from: string,
  to: string[],
  subject: string,
  form: string,
  attachments: { filename: string; content: Buffer }[] = [],
): Promise<Sent> {
  const client = transport(tg.starttlsPort, from);
  const info = await client.sendMail({ from, to, subject, text: form, attachments });
  client.close();
  const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)?.[1];
  if (!trackingId) throw new Error(`not accepted: ${info.response}`);
  return { trackingId };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`docgate register (${dialect})`, function () {
    this.timeout(180_000);
    let tg: TestGateway;
    let temp: TempDatabase | null = null;
    let cli: (args: string[]) => ReturnType<typeof runCli>;
    let decision: Sent;
    let report: Sent;
    let letter: Sent;
    const today = localDate(new Date(), 'Asia/Ho_Chi_Minh');
    const [y, m, d] = today.split('-');
    const todayVn = `${d}/${m}/${y}`;

    before(async () => {
      if (dialect === 'postgres') temp = await createTempDatabase();
      tg = await startTestGateway(temp ? { docgate: { database: { url: temp.url } } } : {});
      await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
      await addClerk(tg.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
      cli = (args) => runCli(['register', ...args, '--config', tg.env.configDir, '--data', tg.env.dataDir]);
      decision = await send(
        tg,
        AGENCIES.ubnd.address,
        [AGENCIES.snv.address, AGENCIES.stttt.address],
        'Quyết định triển khai',
        'Số ký hiệu: 05/QĐ-UBND\nNgày ký: 01/11/2026\nNgười ký: Nguyễn Văn An\nLoại văn bản: Quyết định\nTrích yếu: V/v triển khai Đề án chuyển đổi số năm 2026\nĐộ khẩn: Khẩn\n',
        [{ filename: 'Kế-hoạch_chuyển-đổi.pdf', content: makePdf('Ke hoach') }],
      );
      report = await send(
        tg,
        AGENCIES.snv.address,
        [AGENCIES.ubnd.address],
        'Báo cáo',
        'Số ký hiệu: 12/BC-SNV\nNgày ký: 15/10/2026\nLoại văn bản: Báo cáo\nTrích yếu: Báo cáo tình hình Đoàn thanh niên quý III\n',
      );
      letter = await send(
        tg,
        AGENCIES.ubnd.address,
        [AGENCIES.snv.address],
        'Công văn',
        'Số ký hiệu: 07/UBND-VX\nNgày ký: 20/11/2026\nLoại văn bản: Công văn\nTrích yếu: Về việc tổ chức hội nghị tổng kết\n',
      );
    });
    after(async () => {
      await tg?.stop();
      await temp?.drop();
    });

    const jsonOf = async (args: string[]) => {
      const r = await cli([...args, '--json']);
      expect(r.code, r.stderr).to.equal(0);
      return JSON.parse(r.stdout) as Record<string, unknown>[];
    };

    it('search without diacritics finds "triển khai", in every book of the document', async () => {
      const hits = await jsonOf(['search', 'trien', 'khai']);
      expect(hits.map((h) => `${String(h.book)} ${String(h.agencyId)}`).sort()).to.deep.equal([
        `incoming ${AGENCIES.snv.id}`,
        `incoming ${AGENCIES.stttt.id}`,
        `outgoing ${AGENCIES.ubnd.id}`,
      ]);
      expect(hits.every((h) => h.trackingId === decision.trackingId)).to.equal(true);
      const inSnv = await jsonOf(['search', 'TRIỂN KHAI', '--book', 'in', '--agency', AGENCIES.snv.id]);
      expect(inSnv).to.have.length(1);
      expect(inSnv[0].number).to.equal(`1/${y}`);
      expect(inSnv[0].summary).to.equal('V/v triển khai Đề án chuyển đổi số năm 2026');
    });

    it('"Đ" matches "D", case-insensitively, and file names are searched', async () => {
      for (const q of [['doan', 'thanh', 'nien'], ['ĐOÀN'], ['Đoàn', 'quý', 'iii']]) {
        const hits = await jsonOf(['search', ...q, '--book', 'out']);
        expect(
          hits.map((h) => h.trackingId),
          q.join(' '),
        ).to.deep.equal([report.trackingId]);
      }
      const byFile = await jsonOf(['search', 'ke hoach chuyen doi', '--book', 'out']);
      expect(byFile.map((h) => h.trackingId)).to.deep.equal([decision.trackingId]);
      // An FTS operator from the user is a word, not syntax.
      const r = await cli(['search', 'NOT', 'OR', '*']);
      expect(r.code).to.equal(3);
    });

    it('list by số ký hiệu, loại văn bản and độ khẩn (folded), status and sender', async () => {
      const byRef = await jsonOf(['list', '--ref', '05/QĐ-UBND', '--book', 'out']);
      expect(byRef.map((h) => h.trackingId)).to.deep.equal([decision.trackingId]);
      expect(byRef[0]).to.include({ documentNumber: '05/QĐ-UBND', signedDate: '01/11/2026', documentType: 'Quyết định', urgency: 'Khẩn', status: 'sent' });
      const byType = await jsonOf(['list', '--type', 'cong van']);
      expect(byType.map((h) => h.trackingId)).to.deep.equal([letter.trackingId, letter.trackingId]);
      const urgent = await jsonOf(['list', '--urgency', 'khan', '--book', 'in']);
      expect(urgent).to.have.length(2);
      const arrived = await jsonOf(['list', '--status', '01', '--agency', AGENCIES.snv.id]);
      expect(arrived.map((h) => h.number)).to.deep.equal([`2/${y}`, `1/${y}`]);
      const fromSnv = await jsonOf(['list', '--sender', AGENCIES.snv.address, '--book', 'in']);
      expect(fromSnv.map((h) => h.trackingId)).to.deep.equal([report.trackingId]);
      const toStttt = await jsonOf(['list', '--recipient', AGENCIES.stttt.id, '--book', 'out']);
      expect(toStttt.map((h) => h.trackingId)).to.deep.equal([decision.trackingId]);
    });

    it('date ranges: received (dd/mm/yyyy or ISO) and signed', async () => {
      const signedNov = await jsonOf(['list', '--book', 'out', '--signed-from', '01/11/2026', '--signed-to', '2026-11-30']);
      expect(signedNov.map((h) => h.trackingId).sort()).to.deep.equal([decision.trackingId, letter.trackingId].sort());
      const receivedToday = await jsonOf(['list', '--book', 'out', '--from', todayVn, '--to', today]);
      expect(receivedToday).to.have.length(3);
      const tomorrow = new Date(Date.now() + 86_400_000);
      const r = await cli(['list', '--from', localDate(tomorrow, 'Asia/Ho_Chi_Minh')]);
      expect(r.code).to.equal(3);
      expect(r.stderr).to.equal('Không tìm thấy văn bản nào / No document found\n');
    });

    it('the table has Vietnamese / English headings; CSV has one line per entry', async () => {
      const t = await cli(['list', '--agency', AGENCIES.snv.id, '--book', 'in']);
      expect(t.code, t.stderr).to.equal(0);
      const lines = t.stdout.split('\n');
      expect(lines[0]).to.match(/^Sổ \/ Book\s+Cơ quan \/ Agency\s+Số \/ No\.\s+Ngày đến\/đi \/ Registered\s+Số ký hiệu \/ Reference/);
      expect(t.stdout).to.contain('05/QĐ-UBND');
      expect(t.stdout).to.contain('2 mục / 2 entries');
      const c = await cli(['list', '--agency', AGENCIES.snv.id, '--book', 'in', '--csv']);
      expect(c.code, c.stderr).to.equal(0);
      const rows = c.stdout.trimEnd().split('\r\n');
      expect(rows[0]).to.equal(
        'book,agencyId,number,registeredAt,documentNumber,signedDate,documentType,summary,urgency,counterpart,status,origin,trackingId,agencyName',
      );
      expect(rows).to.have.length(3);
      expect(rows[2]).to.contain(`incoming,${AGENCIES.snv.id},1/${y},`);
      expect(lines[2]).to.match(/^đến\/in /);
      expect(rows[2]).to.contain(',Sở Nội vụ tỉnh Hà Tĩnh');
    });

    it('show by tracking id and by agency + year + số đến prints the register columns, files, signature and events', async () => {
      const byNumber = await cli(['show', AGENCIES.stttt.id, y, '1']);
      expect(byNumber.code, byNumber.stderr).to.equal(0);
      const out = byNumber.stdout;
      for (const expected of [
        `Mã theo dõi / Tracking id:`,
        decision.trackingId,
        'Tác giả / cơ quan ban hành / Issuing agency:',
        `Ủy ban nhân dân tỉnh Hà Tĩnh (${AGENCIES.ubnd.id})`,
        '05/QĐ-UBND',
        '01/11/2026',
        'Nguyễn Văn An',
        'V/v triển khai Đề án chuyển đổi số năm 2026',
        'Khẩn',
        'không ký / unsigned',
        `Sổ đến / Incoming register: Sở Thông tin và Truyền thông tỉnh Hà Tĩnh (${AGENCIES.stttt.id})`,
        `Số đến / Number:`,
        `1/${y}`,
        `Sổ đi / Outgoing register: Ủy ban nhân dân tỉnh Hà Tĩnh`,
        'Kế-hoạch_chuyển-đổi.pdf',
        'Sự kiện / Events:',
        AGENCIES.ubnd.address,
      ]) {
        expect(out, expected).to.contain(expected);
      }
      const byId = await cli(['show', decision.trackingId]);
      expect(byId.stdout).to.equal(out);
      const j = await cli(['show', decision.trackingId, '--json']);
      const details = JSON.parse(j.stdout) as {
        files: { name: string; size: number; sha256: string }[];
        events: { status: string; actor: string | null }[];
        entries: unknown[];
      };
      expect(details.files).to.have.length(1);
      expect(details.files[0].name).to.equal('Kế-hoạch_chuyển-đổi.pdf');
      expect(details.files[0].sha256).to.match(/^[0-9a-f]{64}$/);
      expect(out).to.contain(details.files[0].sha256);
      expect(details.entries).to.have.length(3);
      // Receipts are signed in the background, so their events may or may not be there yet.
      expect(
        details.events
          .map((e) => e.status)
          .filter((s) => !s.startsWith('receipt-'))
          .sort(),
      ).to.deep.equal(['01', '01', 'sent']);
      expect(details.events.find((e) => e.status === 'sent')!.actor).to.equal(AGENCIES.ubnd.address);
      const out2 = await cli(['show', AGENCIES.ubnd.id, y, '2', '--book', 'out']);
      expect(out2.stdout).to.contain(letter.trackingId);
    });

    it('bad input is a usage error (exit 2), Vietnamese first; an unknown document exits 3', async () => {
      const agency = await cli(['list', '--agency', '000.99.00.H27']);
      expect(agency.code).to.equal(2);
      expect(agency.stderr).to.equal('Không có cơ quan 000.99.00.H27 trong agencies.yaml (--agency) / Unknown agency 000.99.00.H27 (--agency)\n');
      const date = await cli(['list', '--from', '31/02/2026']);
      expect(date.code).to.equal(2);
      expect(date.stderr).to.match(/^Ngày không hợp lệ cho --from: "31\/02\/2026" .* \/ Invalid date for --from/);
      const signed = await cli(['search', 'x', '--signed-to', 'hôm qua']);
      expect(signed.code).to.equal(2);
      const book = await cli(['list', '--book', 'sideways']);
      expect(book.code).to.equal(2);
      expect(book.stderr).to.match(/^Sổ không hợp lệ/);
      const missing = await cli(['show', 'DG20260101-AAAAAAAAAA']);
      expect(missing.code).to.equal(3);
      expect(missing.stderr).to.equal('Không có văn bản DG20260101-AAAAAAAAAA trong sổ / No document DG20260101-AAAAAAAAAA in the register\n');
      const noNumber = await cli(['show', AGENCIES.snv.id, y, '99']);
      expect(noNumber.code).to.equal(3);
    });
  });
}
