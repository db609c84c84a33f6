// `docgate report` on a register seeded with known outcomes (bench/register-seed.ts; the expected
// figures come from the seed's plan, test/helpers/report-oracle.ts), on SQLite and PostgreSQL: JSON
// and CSV numbers per agency and period; the XLSX read back by LibreOffice with its native chart parts
// referencing the right ranges; the HTML page in headless Chromium (no script runs, a hostile trích
// yếu is text, the first chart is drawn); the documented CLI errors and exit codes.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import yauzl from 'yauzl';
import { SEED_AGENCIES, seedRegister, seedSubmission } from '../../bench/register-seed.js';
import { silentLogger } from '../../config/log.js';
import { openDatabase } from '../../storage/db.js';
import { launchChromium } from '../helpers/chromium.js';
import { cliFor } from '../helpers/child.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { parseCsv, xlsxSheetsAsCsv } from '../helpers/libreoffice.js';
import { pngColourCount } from '../helpers/png-colours.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { expectedReport, type ExpectedAgency, type Seeded } from '../helpers/report-oracle.js';

const N = 600;
/** 600 documents spread over 360 days of 2026. */
const SPACING_MS = 51_840_000;
const SNV = AGENCIES.snv.id;
const HOSTILE = `=1+1 <script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> & "Đoàn" </td></table>`;

/** The first document after the N seeded ones that SNV receives as an accepted Hỏa tốc document: it carries the hostile trích yếu. */
function hostileIndex(): number {
  for (let i = N; i < N + 2000; i++) {
    const { doc, outcome } = seedSubmission(i, 2026, SPACING_MS);
    if (!outcome.refused && doc.metadata.urgency === 'flash' && doc.recipientAgencyIds.includes(SNV)) return i;
  }
  throw new Error('no candidate for the hostile document');
}

interface ReportJson {
  period: { label: string; firstDay: string; lastDay: string };
  agencies: (ExpectedAgency & { agencyId: string; name: string | null; signedShare: number | null; sentOnSigningDayShare: number | null })[];
  totals: ExpectedAgency;
  months: { month: string; sent: number; received: number; refused: number }[];
  refusals: { code: string; vi: string; count: number }[];
  refusalsByAgency: { agencyId: string; code: string; count: number }[];
  returns: { code: string; vi: string; count: number }[];
  urgent: { summary: string | null; trackingId: string }[];
}

const FIELDS: (keyof ExpectedAgency)[] = [
  'sent',
  'refused',
  'signedSmime',
  'signedPdf',
  'signed',
  'signedDateKnown',
  'sentOnSigningDay',
  'paperCopyRequired',
  'sentFlash',
  'sentVeryUrgent',
  'returnedByRecipients',
  'received',
  'receivedPending',
  'receivedRegistered',
  'receivedReturned',
  'receivedFlash',
  'receivedVeryUrgent',
  'filed',
  'filingMedianSeconds',
  'filingP90Seconds',
  'alertsSent',
  'alertsFailed',
];

const pick = (a: object) => Object.fromEntries(FIELDS.map((f) => [f, (a as Record<string, unknown>)[f]]));
const toMap = (list: { code: string; count: number }[]) => new Map(list.map((r) => [r.code, r.count]));

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`docgate report on a seeded register (${dialect})`, function () {
    this.timeout(300_000);
    let env: TestEnv;
    let temp: TempDatabase | null = null;
    let cli: ReturnType<typeof cliFor>;
    const seeded: Seeded[] = [];
    let hostileId = '';

    before(async () => {
      if (dialect === 'postgres') temp = await createTempDatabase();
      env = createTestEnv(temp ? { docgate: { database: { url: temp.url } } } : {});
      cli = cliFor(env);
      const db = await openDatabase(temp ? temp.url : 'sqlite:docgate.sqlite', env.dataDir, silentLogger);
      try {
        await seedRegister(db, 0, N, { outcomes: true, spacingMs: SPACING_MS, edit: (s) => seeded.push(s) });
        const h = hostileIndex();
        await seedRegister(db, h, 1, {
          outcomes: true,
          spacingMs: SPACING_MS,
          edit: (s) => {
            s.doc.metadata.summary = HOSTILE;
            hostileId = s.doc.trackingId;
            seeded.push(s);
          },
        });
      } finally {
        await db.close();
      }
    });
    after(async () => {
      env?.cleanup();
      await temp?.drop();
    });

    const reportJson = async (args: string[]): Promise<ReportJson> => {
      const r = await cli(['report', ...args, '--format', 'json']);
      expect(r.code, r.stderr).to.equal(0);
      return JSON.parse(r.stdout) as ReportJson;
    };

    it('one agency, one year: every figure is what was seeded', async () => {
      const report = await reportJson(['--period', '2026', '--agency', SNV]);
      const expected = expectedReport(seeded, '2026-01-01', '2026-12-31', [SNV]);
      expect(report.period).to.include({ label: '2026', firstDay: '2026-01-01', lastDay: '2026-12-31' });
      expect(report.agencies).to.have.length(1);
      const snv = report.agencies[0];
      expect(snv.name).to.equal('Sở Nội vụ tỉnh Hà Tĩnh');
      expect(pick(snv)).to.deep.equal(pick(expected.agencies.get(SNV)!));
      // The seed gives every kind of figure something to count.
      for (const f of FIELDS) expect(snv[f], f).to.not.equal(0);
      expect(snv.signedShare).to.be.closeTo(snv.signed / snv.sent, 1e-9);
      expect(snv.sentOnSigningDayShare).to.be.closeTo(snv.sentOnSigningDay / snv.signedDateKnown, 1e-9);
      expect(report.months.map((m) => m.month)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
      for (const m of report.months) expect({ sent: m.sent, received: m.received, refused: m.refused }, m.month).to.deep.equal(expected.months.get(m.month));
      expect(toMap(report.refusals)).to.deep.equal(expected.refusals);
      expect(toMap(report.returns)).to.deep.equal(expected.returns);
      expect(report.urgent).to.have.length(expected.urgentListed);
      expect(report.urgent.find((u) => u.trackingId === hostileId)?.summary).to.equal(HOSTILE);
    });

    it('all agencies: one row per agency in the register or agencies.yaml, and totals', async () => {
      const report = await reportJson(['--period', '2026']);
      const expected = expectedReport(seeded, '2026-01-01', '2026-12-31', null);
      expect(report.agencies.map((a) => a.agencyId).sort()).to.deep.equal([...SEED_AGENCIES].sort());
      for (const a of report.agencies) expect(pick(a), a.agencyId).to.deep.equal(pick(expected.agencies.get(a.agencyId)!));
      const sum = (f: keyof ExpectedAgency) => [...expected.agencies.values()].reduce((n, a) => n + Number(a[f]), 0);
      for (const f of ['sent', 'received', 'refused', 'signed', 'returnedByRecipients', 'alertsSent'] as const) expect(report.totals[f], f).to.equal(sum(f));
      expect(report.totals.filingMedianSeconds).to.equal(null);
      expect(toMap(report.refusals)).to.deep.equal(expected.refusals);
      expect(toMap(report.returns)).to.deep.equal(expected.returns);
      expect(report.refusals.map((r) => r.code)).to.include('legacy-encoding');
      expect(report.refusals.find((r) => r.code === 'legacy-encoding')?.vi).to.match(/^Văn bản không dùng bảng mã Unicode/);
      // Refusals by reason of each agency (issue 11): each agency's own, adding up to the whole.
      for (const id of SEED_AGENCIES) {
        const own = report.refusalsByAgency.filter((r) => r.agencyId === id);
        expect(toMap(own), id).to.deep.equal(expectedReport(seeded, '2026-01-01', '2026-12-31', [id]).refusals);
      }
      expect(report.refusalsByAgency.reduce((n, r) => n + r.count, 0)).to.equal([...expected.refusals.values()].reduce((n, c) => n + c, 0));
    });

    it('quarter, month and day-range periods (dd/mm/yyyy or ISO) count only their days', async () => {
      for (const [period, first, last] of [
        ['2026-Q2', '2026-04-01', '2026-06-30'],
        ['2026-03', '2026-03-01', '2026-03-31'],
        ['15/01/2026..2026-02-14', '2026-01-15', '2026-02-14'],
      ]) {
        const report = await reportJson(['--period', period, '--agency', SNV]);
        const expected = expectedReport(seeded, first, last, [SNV]).agencies.get(SNV)!;
        expect(pick(report.agencies[0]), period).to.deep.equal(pick(expected));
        expect(report.period).to.include({ firstDay: first, lastDay: last });
      }
    });

    it('CSV: UTF-8 with BOM, a section per table, the same numbers; formula-like text is neutralised', async () => {
      const r = await cli(['report', '--period', '2026', '--agency', SNV, '--format', 'csv']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.startsWith('\uFEFF')).to.equal(true);
      const rows = parseCsv(r.stdout);
      const expected = expectedReport(seeded, '2026-01-01', '2026-12-31', [SNV]).agencies.get(SNV)!;
      const sectionRow = (title: string) => {
        const at = rows.findIndex((row) => row[0].startsWith(title));
        expect(at, title).to.be.greaterThan(-1);
        return { heading: rows[at + 1], row: rows[at + 2] };
      };
      const sending = sectionRow('Văn bản gửi đi / Documents sent');
      expect(sending.heading.slice(0, 4)).to.deep.equal(['Mã cơ quan / Agency id', 'Tên cơ quan / Agency', 'Đã gửi / Sent', 'Bị từ chối / Refused']);
      expect(sending.row.slice(0, 8)).to.deep.equal([
        SNV,
        'Sở Nội vụ tỉnh Hà Tĩnh',
        String(expected.sent),
        String(expected.refused),
        '0',
        String(expected.signedSmime),
        String(expected.signedPdf),
        String(expected.signed),
      ]);
      expect(Number(sending.row[8])).to.be.closeTo(expected.signed / expected.sent, 1e-4);
      const receiving = sectionRow('Văn bản đến / Documents received');
      expect(receiving.row.slice(2).map(Number)).to.deep.equal([
        expected.received,
        expected.receivedRegistered,
        expected.receivedReturned,
        expected.receivedPending,
        expected.filed,
        expected.filingMedianSeconds,
        expected.filingP90Seconds,
      ]);
      const hostileRow = rows.find((row) => row.includes(`'${HOSTILE}`));
      expect(hostileRow, 'the trích yếu, prefixed with an apostrophe').to.not.equal(undefined);
    });

    if (dialect !== 'sqlite') return;

    it('XLSX: LibreOffice reads every sheet, with the same numbers, headings frozen above them', async () => {
      const file = path.join(env.root, 'bao-cao.xlsx');
      const r = await cli(['report', '--period', '2026', '--agency', SNV, '--format', 'xlsx', '--out', file]);
      expect(r.code, r.stderr).to.equal(0);
      const sheets = await xlsxSheetsAsCsv(file);
      expect([...sheets.keys()].sort()).to.deep.equal(
        ['Gửi đi', 'Khẩn', 'Nhận về', 'Theo tháng', 'Trả lại', 'Từ chối', 'Từ chối theo cơ quan', 'VB khẩn'].sort(),
      );
      const expected = expectedReport(seeded, '2026-01-01', '2026-12-31', [SNV]);
      const e = expected.agencies.get(SNV)!;
      const sending = sheets.get('Gửi đi')!;
      expect(sending[0][0]).to.equal('Văn bản gửi đi / Documents sent');
      expect(sending[1][2]).to.equal('Đã gửi / Sent');
      expect(sending[2].slice(0, 8)).to.deep.equal([
        SNV,
        'Sở Nội vụ tỉnh Hà Tĩnh',
        ...[e.sent, e.refused, 0, e.signedSmime, e.signedPdf, e.signed].map(String),
      ]);
      expect(sending[2][8]).to.equal(`${((100 * e.signed) / e.sent).toFixed(1)}%`);
      const hours = (s: number | null) => `${Math.floor(s! / 3600)}:${String(Math.floor((s! % 3600) / 60)).padStart(2, '0')}`;
      const receiving = sheets.get('Nhận về')!;
      expect(receiving[2].slice(2)).to.deep.equal([
        ...[e.received, e.receivedRegistered, e.receivedReturned, e.receivedPending, e.filed].map(String),
        hours(e.filingMedianSeconds),
        hours(e.filingP90Seconds),
      ]);
      const months = sheets.get('Theo tháng')!.slice(2, 14);
      expect(months.map((m) => m[0])).to.deep.equal(Array.from({ length: 12 }, (_, i) => `${String(i + 1).padStart(2, '0')}/2026`));
      for (const m of months) {
        const want = expected.months.get(`2026-${m[0].slice(0, 2)}`)!;
        expect(m.slice(1, 4).map(Number), m[0]).to.deep.equal([want.sent, want.received, want.refused]);
      }
      const refusals = sheets
        .get('Từ chối')!
        .slice(2)
        .filter((row) => row[0] !== '');
      expect(new Map(refusals.map((row) => [row[0], Number(row[2])]))).to.deep.equal(expected.refusals);
      const byAgency = sheets
        .get('Từ chối theo cơ quan')!
        .slice(2)
        .filter((row) => row[0] !== '');
      expect(byAgency.every((row) => row[0] === SNV)).to.equal(true);
      expect(new Map(byAgency.map((row) => [row[2], Number(row[4])]))).to.deep.equal(expected.refusals);
      expect(sheets.get('VB khẩn')!.some((row) => row.includes(HOSTILE))).to.equal(true);
    });

    it('XLSX: native charts for documents per month (columns) and refusals by reason (bars) reference their ranges', async () => {
      const file = path.join(env.root, 'bao-cao-charts.xlsx');
      const r = await cli(['report', '--period', '2026', '--agency', SNV, '--format', 'xlsx', '--out', file]);
      expect(r.code, r.stderr).to.equal(0);
      const parts = await zipEntries(file);
      const types = parts.get('[Content_Types].xml')!;
      const workbook = parts.get('xl/workbook.xml')!;
      const sheetFile = (name: string) => {
        const names = [...workbook.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
        return `xl/worksheets/sheet${names.indexOf(name) + 1}.xml`;
      };
      const refusalCount = expectedReport(seeded, '2026-01-01', '2026-12-31', [SNV]).refusals.size;
      const cases = [
        {
          sheet: 'Theo tháng',
          chart: 1,
          dir: 'col',
          refs: ["'Theo tháng'!$A$3:$A$14", "'Theo tháng'!$B$3:$B$14", "'Theo tháng'!$C$3:$C$14", "'Theo tháng'!$B$2"],
        },
        { sheet: 'Từ chối', chart: 2, dir: 'bar', refs: [`'Từ chối'!$B$3:$B$${2 + refusalCount}`, `'Từ chối'!$C$3:$C$${2 + refusalCount}`] },
      ];
      for (const c of cases) {
        const chart = parts.get(`xl/charts/chart${c.chart}.xml`);
        expect(chart, `chart${c.chart}.xml`).to.be.a('string');
        expect(chart).to.contain(`<c:barDir val="${c.dir}"/>`);
        const formulas = [...chart!.matchAll(/<c:f>([^<]+)<\/c:f>/g)].map((m) => m[1].replace(/&apos;/g, "'"));
        for (const ref of c.refs) expect(formulas, c.sheet).to.include(ref);
        expect(types).to.contain(
          `<Override PartName="/xl/charts/chart${c.chart}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`,
        );
        expect(types).to.contain(
          `<Override PartName="/xl/drawings/drawing${c.chart}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>`,
        );
        const sheet = parts.get(sheetFile(c.sheet))!;
        const relId = /<drawing r:id="([^"]+)"\/>/.exec(sheet)?.[1];
        expect(relId, `${c.sheet} has a drawing`).to.be.a('string');
        const rels = parts.get(sheetFile(c.sheet).replace('worksheets/', 'worksheets/_rels/') + '.rels')!;
        expect(rels).to.contain(`Id="${relId}"`).and.to.contain(`Target="../drawings/drawing${c.chart}.xml"`);
        expect(parts.get(`xl/drawings/_rels/drawing${c.chart}.xml.rels`)).to.contain(`Target="../charts/chart${c.chart}.xml"`);
        expect(sheet).to.match(/<pane [^>]*ySplit="2"[^>]*state="frozen"/);
      }
    });

    it('HTML: one self-contained page; in Chromium no script runs, the hostile trích yếu is text, the first chart is drawn', async () => {
      const file = path.join(env.root, 'bao-cao.html');
      const r = await cli(['report', '--period', '2026', '--agency', SNV, '--format', 'html', '--out', file]);
      expect(r.code, r.stderr).to.equal(0);
      const html = readFileSync(file, 'utf8');
      expect(html).to.not.match(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
      expect(html).to.contain('<html lang="vi">');
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const requests: string[] = [];
        page.on('request', (req) => requests.push(req.url()));
        const dialogs: string[] = [];
        page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
        await page.goto(pathToFileURL(file).href);
        expect(requests).to.deep.equal([pathToFileURL(file).href]);
        expect(await page.evaluate('window.__xss ?? null')).to.equal(null);
        expect(dialogs).to.deep.equal([]);
        expect(await page.locator('script, img').count()).to.equal(0);
        const cells = await page.locator('#table-urgent td').allTextContents();
        expect(cells).to.include(HOSTILE);
        expect(await page.locator('h1').textContent()).to.equal('Báo cáo sử dụng văn bản điện tử 2026');
        const firstHeading = await page.locator('#table-sending th').first().textContent();
        expect(firstHeading).to.equal('Mã cơ quanAgency id');
        // Dates as dd/mm/yyyy.
        expect(await page.locator('p.meta').textContent()).to.contain('01/01/2026 – 31/12/2026');
        const chart = page.locator('figure svg').first();
        expect(await chart.getAttribute('aria-label')).to.equal('Số văn bản theo tháng / Documents per month');
        const png = await chart.screenshot();
        expect(pngColourCount(png), 'colours in the chart screenshot').to.be.greaterThan(4);
      } finally {
        await browser.close();
      }
    });

    it('CLI errors: bad period, unknown agency, bad format are usage errors (2), an empty period is 3; Vietnamese first', async () => {
      const cases: [string[], number, RegExp][] = [
        [['--period', '2026-13', '--format', 'json'], 2, /^Kỳ báo cáo không hợp lệ: "2026-13" .* \/ Invalid period: "2026-13"/],
        [['--period', '31/02/2026..2026-03-01', '--format', 'json'], 2, /^Ngày không hợp lệ cho --period: "31\/02\/2026"/],
        [['--period', '2026-03-01..2026-02-01', '--format', 'json'], 2, /^Kỳ báo cáo kết thúc trước khi bắt đầu/],
        [['--period', '2026', '--format', 'pdf'], 2, /^Định dạng không hợp lệ: "pdf" \(xlsx, csv, json, html\) \/ Invalid format/],
        [['--period', '2026'], 2, /^Thiếu --format/],
        [['--format', 'json'], 2, /^Thiếu --period/],
        [['--period', '2026', '--agency', '000.99.00.H27', '--format', 'json'], 2, /^Không có cơ quan 000\.99\.00\.H27 trong agencies\.yaml/],
        [['--period', '2027', '--format', 'json'], 3, /^Không có văn bản nào trong kỳ 2027 \/ No document in the period 2027/],
      ];
      for (const [args, code, message] of cases) {
        const r = await cli(['report', ...args]);
        expect(r.code, args.join(' ')).to.equal(code);
        expect(r.stderr, args.join(' ')).to.match(message);
        expect(r.stdout).to.equal('');
      }
    });
  });
}

async function zipEntries(file: string): Promise<Map<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  const out = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) =>
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => (out.set(entry.fileName, Buffer.concat(chunks).toString('utf8')), zip.readEntry()));
      }),
    );
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}
