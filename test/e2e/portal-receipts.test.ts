// The portal's receipts, urgent alerts and reports over HTTPS without a browser: the sender's clerk
// lists the document's signed receipts, downloads each (RFC 6266 name) and checks one with the verify
// button (a CSRF-protected POST running the `docgate receipt verify` check); every other agency gets a
// 404 for them. The alerts page lists the own agency's alerts only (another agency's document: 404).
// Hostile trích yếu shows as text on these pages. The administrator's report page draws its charts as
// inline SVG and its XLSX download, parsed back with exceljs, holds the register's numbers.

import { createHash } from 'node:crypto';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { addClerk, TEST_PASSWORD } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { CLERKS, deliver } from '../helpers/imap.js';
import { agenciesWithLeaders, alertsConfig, fakeSmsGateway, SNV_LEADERS, writeSmsSecret, type FakeSmsGateway } from '../helpers/alerts.js';
import { waitFor } from '../helpers/relay.js';
import { PortalClient, startPortalGateway, type PortalGateway } from '../helpers/portal.js';
import { zonedParts } from '../../policies/text/dates.js';
import { query } from '../../storage/sql.js';

const HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const ESCAPED = '&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;';
const ADMIN = `quantri@${AGENCIES.ubnd.domain}`;

/** The receipts table's rows: [event id, kind text]. */
function receiptRows(text: string, trackingId: string): { id: number; row: string }[] {
  const table = /<table class="receipts">([\s\S]*?)<\/table>/.exec(text)?.[1] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].flatMap((m) => {
    const id = new RegExp(`/documents/${trackingId}/receipts/(\\d+)"`).exec(m[1]);
    return id ? [{ id: Number(id[1]), row: m[1] }] : [];
  });
}

describe('web portal: receipts, urgent alerts and reports', function () {
  this.timeout(90_000);
  let pg: PortalGateway;
  let sms: FakeSmsGateway;
  let trackingId: string;
  let flashId: string;

  before(async () => {
    sms = await fakeSmsGateway();
    pg = await startPortalGateway({ docgate: alertsConfig({ webhookPort: sms.port }), agencies: agenciesWithLeaders() });
    writeSmsSecret(pg.env.configDir);
    for (const [email, agency] of [
      [CLERKS.ubnd, AGENCIES.ubnd.id],
      [CLERKS.snv, AGENCIES.snv.id],
      [CLERKS.stttt, AGENCIES.stttt.id],
      [ADMIN, AGENCIES.ubnd.id],
    ] as const) {
      await addClerk(pg.gateway, email, agency);
    }
    await pg.gateway.storage.writes.run((t) => pg.gateway.storage.accounts.setRole(t, ADMIN, 'admin', new Date()));
    // Signed today (register time zone): the share sent on the signing day has a denominator.
    const today = zonedParts(new Date(), pg.gateway.config.docgate.timezone);
    const signed = `Ngày ký: ${today.day}/${today.month}/${today.year}\n`;
    trackingId = (await deliver(pg, { subject: 'V/v báo cáo quý', text: `Số ký hiệu: 21/BC-UBND\n${signed}Trích yếu: V/v ${HOSTILE}\n` })).trackingId;
    flashId = (
      await deliver(pg, {
        subject: 'Công điện hỏa tốc',
        text: `Số ký hiệu: 7/CĐ-UBND\nĐộ khẩn: Hỏa tốc\nTrích yếu: V/v ứng phó bão ${HOSTILE}\n`,
      })
    ).trackingId;
    await waitFor('both alert jobs done', async () => {
      const rows = await query<{ n: unknown }>(
        pg.gateway.storage.db.sequelize,
        "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'alert' AND document_id = :id AND status = 'delivered'",
        { id: flashId },
      );
      return Number(rows[0].n) === SNV_LEADERS.length;
    });
  });

  after(async () => {
    await pg?.stop();
    await sms?.close();
  });

  it('lists the sender’s receipts, downloads them and verifies one with the button', async () => {
    const sender = new PortalClient(pg.baseUrl);
    await sender.login(CLERKS.ubnd, TEST_PASSWORD);
    const page = await sender.get(`/documents/${trackingId}`);
    expect(page.status).to.equal(200);
    const rows = receiptRows(page.text, trackingId);
    // The acceptance receipt and the delivery receipt to Sở Nội vụ.
    expect(rows.map((r) => /Biên nhận (chấp nhận|chuyển giao)/.exec(r.row)?.[0])).to.have.members(['Biên nhận chấp nhận', 'Biên nhận chuyển giao']);
    const events = await pg.gateway.storage.register.eventsOf(trackingId);
    expect(rows.map((r) => events.find((e) => e.id === r.id)?.status).sort()).to.deep.equal(['receipt-accepted', 'receipt-delivered']);

    const accepted = rows.find((r) => r.row.includes('chấp nhận'))!;
    const file = await sender.get(`/documents/${trackingId}/receipts/${accepted.id}`);
    expect(file.status).to.equal(200);
    expect(file.headers['content-type']).to.match(/^message\/rfc822/);
    expect(file.headers['content-disposition']).to.equal(
      `attachment; filename="${trackingId}-bien-nhan-chap-nhan-${accepted.id}.eml"; filename*=UTF-8''${trackingId}-bien-nhan-chap-nhan-${accepted.id}.eml`,
    );
    expect(file.text).to.match(/Content-Type: multipart\/signed/i);
    const note = events.find((e) => e.id === accepted.id)!.note!;
    expect(note).to.equal(`receipt sha256 ${createHash('sha256').update(file.body).digest('hex')}`);

    const verified = await sender.post(`/documents/${trackingId}/receipts/${accepted.id}/verify`, { _csrf: PortalClient.csrfOf(page) });
    expect(verified.status).to.equal(200);
    const box = /<div class="receipt-check valid"[\s\S]*?<\/div>/.exec(verified.text)?.[0] ?? '';
    expect(box).to.contain('Chữ ký hợp lệ: ký bởi').and.to.contain('Văn bản gốc khớp với biên nhận (bản đã gửi)').and.to.contain(trackingId);
    // The receipt's trích yếu (the sender's hostile text) is shown as text.
    expect(box).to.contain(ESCAPED);
    expect(verified.text).not.to.contain(HOSTILE);
    // English on request: the same result in English.
    sender.cookies.set('dg_lang', 'en');
    const english = await sender.post(`/documents/${trackingId}/receipts/${accepted.id}/verify`, { _csrf: PortalClient.csrfOf(page) });
    expect(english.text).to.contain('Signature valid: signed by').and.to.contain('The original matches the receipt (the bytes submitted)');
  });

  it('refuses the verify POST without its CSRF token', async () => {
    const sender = new PortalClient(pg.baseUrl);
    await sender.login(CLERKS.ubnd, TEST_PASSWORD);
    const id = receiptRows((await sender.get(`/documents/${trackingId}`)).text, trackingId)[0].id;
    const none = await sender.post(`/documents/${trackingId}/receipts/${id}/verify`, {});
    expect(none.status).to.equal(403);
    expect(none.text).not.to.contain('receipt-check');
    const forged = await sender.post(`/documents/${trackingId}/receipts/${id}/verify`, { _csrf: 'forged' });
    expect(forged.status).to.equal(403);
  });

  it('404s the receipts to every other agency, the recipient included, and under another document', async () => {
    const ids = (await pg.gateway.storage.register.eventsOf(trackingId)).filter((e) => e.status.startsWith('receipt-')).map((e) => e.id);
    expect(ids).to.have.length(2);
    for (const clerk of [CLERKS.snv, CLERKS.stttt]) {
      const client = new PortalClient(pg.baseUrl);
      await client.login(clerk, TEST_PASSWORD);
      const own = await client.get('/incoming');
      for (const id of ids) {
        const res = await client.get(`/documents/${trackingId}/receipts/${id}`);
        expect(res.status, `${clerk} receipt ${id}`).to.equal(404);
        expect(res.text).not.to.contain('multipart/signed');
        const post = await client.post(`/documents/${trackingId}/receipts/${id}/verify`, { _csrf: PortalClient.csrfOf(own) });
        expect(post.status, `${clerk} verify ${id}`).to.equal(404);
      }
    }
    // The recipient sees the document but no receipt section rows.
    const recipient = new PortalClient(pg.baseUrl);
    await recipient.login(CLERKS.snv, TEST_PASSWORD);
    const doc = await recipient.get(`/documents/${trackingId}`);
    expect(doc.status).to.equal(200);
    expect(receiptRows(doc.text, trackingId)).to.deep.equal([]);
    // A receipt id of one document under another document the sender may see is a 404 too.
    const sender = new PortalClient(pg.baseUrl);
    await sender.login(CLERKS.ubnd, TEST_PASSWORD);
    expect((await sender.get(`/documents/${flashId}/receipts/${ids[0]}`)).status).to.equal(404);
  });

  it('shows the agency’s urgent alerts, with the leaders, times and acknowledgement; none of another agency’s', async () => {
    const snv = new PortalClient(pg.baseUrl);
    await snv.login(CLERKS.snv, TEST_PASSWORD);
    let page = await snv.get('/alerts');
    expect(page.status).to.equal(200);
    const table = () => /<table class="alerts">([\s\S]*?)<\/table>/.exec(page.text)?.[1] ?? '';
    const rows = () => [...table().matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]).filter((r) => r.includes('<td>'));
    expect(rows()).to.have.length(SNV_LEADERS.length);
    for (const leader of SNV_LEADERS) {
      const row = rows().find((r) => r.includes(leader.name));
      expect(row, leader.name).to.be.a('string');
      expect(row).to.contain('7/CĐ-UBND').and.to.contain('Hỏa tốc').and.to.contain('SMS').and.to.contain('Đã gửi').and.to.contain(leader.phone);
      // Sent at: a time; failed at and acknowledged: not yet.
      const cells = [...row!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1].trim());
      expect(cells[5]).to.match(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
      expect(cells[6]).to.equal('—');
      expect(cells[7]).to.equal('—');
    }
    expect(table()).to.contain(ESCAPED);
    expect(page.text).not.to.contain(HOSTILE);
    // The clerk registers the document (03): the alerts show when the agency took it in.
    await pg.gateway.storage.writes.run((t) =>
      pg.gateway.storage.register.changeIncomingStatus(t, {
        agencyId: AGENCIES.snv.id,
        documentId: flashId,
        from: ['01'],
        to: '03',
        actor: CLERKS.snv,
        note: null,
        at: new Date(),
      }),
    );
    page = await snv.get(`/alerts?document=${flashId}`);
    for (const row of rows()) expect([...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1].trim())[7]).to.match(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);

    // The sender's and a third agency's clerks see none of Sở Nội vụ's alerts (its leaders' phones).
    for (const clerk of [CLERKS.ubnd, CLERKS.stttt]) {
      const other = new PortalClient(pg.baseUrl);
      await other.login(clerk, TEST_PASSWORD);
      const res = await other.get('/alerts');
      expect(res.status).to.equal(200);
      for (const leader of SNV_LEADERS) expect(res.text, clerk).not.to.contain(leader.phone);
    }
    const outsider = new PortalClient(pg.baseUrl);
    await outsider.login(CLERKS.stttt, TEST_PASSWORD);
    const res = await outsider.get(`/alerts?document=${flashId}`);
    expect(res.status).to.equal(404);
    expect(res.text).not.to.contain('7/CĐ-UBND');
  });

  it('shows the administrator the report with inline SVG charts, and an XLSX with the register’s numbers', async () => {
    // The register year of the documents (the report's default period is the current one).
    const year = (await pg.gateway.storage.register.entriesOf(trackingId))[0].year;
    const clerk = new PortalClient(pg.baseUrl);
    await clerk.login(CLERKS.ubnd, TEST_PASSWORD);
    expect((await clerk.get('/admin/reports')).status).to.equal(404);
    expect((await clerk.get(`/admin/reports.xlsx?period=${year}`)).status).to.equal(404);

    const admin = new PortalClient(pg.baseUrl);
    await admin.login(ADMIN, TEST_PASSWORD);
    const page = await admin.get(`/admin/reports?agency=${AGENCIES.ubnd.id}`);
    expect(page.text).to.contain(`value="${year}"`);
    expect(page.status).to.equal(200);
    expect(String(page.headers['content-security-policy'])).not.to.contain('unsafe-inline');
    for (const id of ['months', 'same-day']) expect(page.text).to.match(new RegExp(`<figure class="chart" id="chart-${id}"><svg `));
    // The urgent list's trích yếu (the sender's hostile text) is shown as text.
    expect(/<table class="report report-urgent">[\s\S]*?<\/table>/.exec(page.text)?.[0]).to.contain(ESCAPED);
    expect(page.text).not.to.contain(HOSTILE);
    expect(page.text).to.contain('report-sending');
    const bad = await admin.get('/admin/reports?period=2026-13');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('Kỳ báo cáo không hợp lệ');

    const xlsx = await admin.get(`/admin/reports.xlsx?period=${year}&agency=${AGENCIES.ubnd.id}`);
    expect(xlsx.status).to.equal(200);
    expect(xlsx.headers['content-type']).to.match(/^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/);
    expect(xlsx.headers['content-disposition']).to.match(
      new RegExp(`^attachment; filename="bao-cao-${year}-${AGENCIES.ubnd.id.replace(/\./g, '\\.')}\\.xlsx"`),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sending = workbook.getWorksheet('Gửi đi')!;
    expect(sending.getRow(3).getCell(1).value).to.equal(AGENCIES.ubnd.id);
    // The register's own count of the agency's sổ đi this year.
    const counted = await query<{ n: unknown }>(
      pg.gateway.storage.db.sequelize,
      "SELECT COUNT(*) AS n FROM register_entries WHERE agency_id = :a AND book = 'outgoing' AND status = 'sent' AND year = :y",
      { a: AGENCIES.ubnd.id, y: year },
    );
    expect(Number(counted[0].n)).to.equal(2);
    expect(sending.getRow(3).getCell(3).value).to.equal(Number(counted[0].n));
    const urgency = workbook.getWorksheet('Khẩn')!;
    expect(urgency.getRow(2).getCell(3).value).to.equal('Hỏa tốc gửi / Flash sent');
    expect(urgency.getRow(3).getCell(3).value).to.equal(1);
    const months = workbook.getWorksheet('Theo tháng')!;
    let sentInMonths = 0;
    months.eachRow((row, n) => {
      if (n > 2) sentInMonths += Number(row.getCell(2).value ?? 0);
    });
    expect(sentInMonths).to.equal(2);
  });
});
