// `docgate export` and `export verify` on a register filled by real SMTP submissions and paper
// registrations (`register add-paper`): the archive's layout and safe names, verify passing, and
// failing after one byte of one file, a manifest.csv line or a manifest.json hash is changed; paper
// documents numbered gap-free in the same sổ đến as mailed ones (also concurrently), refused like mailed
// ones; clear CLI errors with register's exit codes.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import { cliFor } from '../helpers/child.js';
import { makeDocx, makePdf } from '../helpers/documents.js';
import { AGENCIES, REPO_ROOT } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, type TestGateway } from '../helpers/gateway.js';
import { freshNumberPolicy } from '../helpers/policy-e2e.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/policy');

async function readZip(file: string): Promise<{ name: string; data: Buffer }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  const out: { name: string; data: Buffer }[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

/** The same archive written again with one entry's bytes replaced. */
async function rewriteZip(from: string, to: string, change: (name: string, data: Buffer) => Buffer): Promise<void> {
  const entries = await readZip(from);
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  const done = pipeline(archive, createWriteStream(to));
  for (const e of entries) archive.append(change(e.name, e.data), { name: e.name });
  await archive.finalize();
  await done;
}

describe('docgate export and register add-paper', function () {
  this.timeout(240_000);
  let tg: TestGateway;
  let cli: ReturnType<typeof cliFor>;
  let work: string;
  const year = String(new Date().getFullYear());
  const pdfFile = (name: string, text: string) => {
    const file = path.join(work, name);
    writeFileSync(file, makePdf(text));
    return file;
  };

  async function mail(ref: string, attachments: { filename: string; content: Buffer }[]): Promise<string> {
    const client = transport(tg.starttlsPort, AGENCIES.ubnd.address);
    try {
      const info = await client.sendMail({
        from: AGENCIES.ubnd.address,
        to: [AGENCIES.snv.address],
        subject: `Công văn ${ref}`,
        text: `Số ký hiệu: ${ref}\nNgày ký: 01/11/${year}\nLoại văn bản: Công văn\nTrích yếu: Về việc <thử> & "xuất" sổ ${ref}\n`,
        attachments,
      });
      const id = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)?.[1];
      if (!id) throw new Error(`not accepted: ${info.response}`);
      return id;
    } finally {
      client.close();
    }
  }

  function paper(ref: string, file: string, extra: string[] = [], signed = `02/11/${year}`) {
    return cli([
      'register',
      'add-paper',
      '--agency',
      AGENCIES.snv.id,
      '--file',
      file,
      '--field',
      `so-ky-hieu=${ref}`,
      '--field',
      `trich-yeu=Giấy mời họp ${ref}`,
      '--field',
      `ngay-ky=${signed}`,
      '--field',
      'nguoi-ky=Trần Thị Bình',
      '--field',
      'loai-van-ban=Giấy mời',
      '--field',
      'do-khan=Khẩn',
      '--field',
      'co-quan-ban-hanh=Bộ Nội vụ',
      '--actor',
      'van-thu-snv',
      ...extra,
    ]);
  }

  async function incoming(): Promise<{ number: string; trackingId: string; origin: string }[]> {
    const r = await cli(['register', 'list', '--agency', AGENCIES.snv.id, '--book', 'in', '--json', '--limit', '1000']);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as { number: string; trackingId: string; origin: string }[];
    return rows.sort((a, b) => parseInt(a.number) - parseInt(b.number));
  }

  before(async () => {
    tg = await startTestGateway({ policy: freshNumberPolicy() });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    cli = cliFor(tg.env);
    work = path.join(tg.env.dataDir, '..', 'export-work');
    mkdirSync(work, { recursive: true });
  });
  after(async () => {
    await tg?.stop();
  });

  it('numbers paper documents in the same sổ đến as mailed ones, gap-free, also concurrently', async () => {
    await mail('01/UBND-VP', [{ filename: 'Công văn 01.pdf', content: makePdf('Cong van 01') }]);
    const p1 = await paper('11/GM-BNV', pdfFile('scan 1.pdf', 'Giay moi 11'));
    expect(p1.code, p1.stderr).to.equal(0);
    expect(p1.stdout).to.match(/^Đã vào sổ đến 000\.06\.00\.H27|^Đã vào sổ đến/);
    await mail('02/UBND-VP', [
      { filename: 'Báo cáo.pdf', content: makePdf('b') },
      { filename: 'BÁO CÁO.pdf', content: makePdf('c') },
      { filename: 'CON.pdf', content: makePdf('d') },
      { filename: `${'Dài'.repeat(80)}.pdf`, content: makePdf('e') },
    ]);
    expect((await paper('12/GM-BNV', pdfFile('scan 2.pdf', 'Giay moi 12'))).code).to.equal(0);
    // Mailed and paper registrations at once, from the gateway and three CLI processes.
    const results = await Promise.all([
      mail('03/UBND-VP', [{ filename: 'a.pdf', content: makePdf('03') }]),
      paper('13/GM-BNV', pdfFile('scan 3.pdf', '13')),
      mail('04/UBND-VP', [{ filename: 'a.pdf', content: makePdf('04') }]),
      paper('14/GM-BNV', pdfFile('scan 4.pdf', '14')),
      mail('05/UBND-VP', [{ filename: 'a.pdf', content: makePdf('05') }]),
      paper('15/GM-BNV', pdfFile('scan 5.pdf', '15')),
    ]);
    for (const r of results) if (typeof r !== 'string') expect(r.code, r.stderr).to.equal(0);
    const book = await incoming();
    expect(book.map((e) => e.number)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `${i + 1}/${year}`));
    expect(book.slice(0, 4).map((e) => e.origin)).to.deep.equal(['smtp', 'paper', 'smtp', 'paper']);
    expect(book.filter((e) => e.origin === 'paper')).to.have.length(5);
    const show = await cli(['register', 'show', AGENCIES.snv.id, year, '2']);
    expect(show.code, show.stderr).to.equal(0);
    expect(show.stdout).to.include('văn bản giấy, bản quét / paper document, scanned');
    expect(show.stdout).to.include('Bộ Nội vụ');
    expect(show.stdout).to.include('scan 1.pdf');
  });

  it('refuses a paper scan the way a mailed file is refused', async () => {
    const codeOf = (text: string) => /\[([a-z-]+)\]/.exec(text)?.[1];
    let n = 20;
    for (const fixture of ['scan.jpg', 'pdf-javascript.pdf', 'exe-renamed.pdf']) {
      const file = path.join(work, fixture);
      writeFileSync(file, readFileSync(path.join(FIXTURES, fixture)));
      const r = await paper(`${++n}/GM-BNV`, file);
      expect(r.code, fixture).to.equal(1);
      expect(r.stderr).to.match(/^Không vào sổ được \[[a-z-]+\] .* \/ Not registered \[[a-z-]+\]/);
      const mailed = await mail(`${n}/UBND-VP`, [{ filename: fixture, content: readFileSync(file) }]).catch((err: Error) => err.message);
      expect(codeOf(r.stderr), fixture).to.equal(codeOf(mailed)).and.not.equal(undefined);
      if (fixture === 'pdf-javascript.pdf') expect(codeOf(r.stderr)).to.equal('active-content');
    }
    const docx = path.join(work, 'scan.docx');
    // An Office file passes every check a mailed one would, but a scan must be a PDF.
    writeFileSync(docx, await makeDocx(['Giấy mời họp']));
    const office = await paper('23/GM-BNV', docx);
    expect(office.code).to.equal(1);
    expect(office.stderr).to.include('[attachment-type]');
    const badDate = await paper('24/GM-BNV', pdfFile('scan 6.pdf', '24'), [], '31/02/2026');
    expect(badDate.code).to.equal(1);
    expect(badDate.stderr).to.include('[metadata-invalid]');
    // Nothing refused took a number.
    expect((await incoming()).map((e) => e.number).at(-1)).to.equal(`10/${year}`);
  });

  it('exports the agency-year: layout, safe names, events, anchors; verify passes', async () => {
    mkdirSync(path.join(tg.env.dataDir, 'anchors', '2026'), { recursive: true });
    writeFileSync(path.join(tg.env.dataDir, 'anchors', '2026', 'head-0001.p7s'), 'anchor bytes');
    const out = path.join(work, 'snv.zip');
    const r = await cli(['export', '--agency', AGENCIES.snv.id, '--year', year, out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^Đã xuất 10 mục sổ, .* \/ Exported 10 register entries/);
    const entries = await readZip(out);
    const names = entries.map((e) => e.name);
    expect(names.slice(0, 3)).to.deep.equal([`in/000001_${names[0].slice(10, 31)}/message.eml`, names[1], names[2]]);
    expect(names[1]).to.match(/^in\/000001_DG\d{8}-[A-Z2-9]{10}\/files\/Công văn 01\.pdf$/);
    expect(names.slice(-4)).to.deep.equal(['events.jsonl', 'anchors/2026/head-0001.p7s', 'manifest.csv', 'manifest.json']);
    const hostile = names.filter((n) => n.startsWith('in/000003_') && n.includes('/files/')).map((n) => n.split('/files/')[1]);
    expect(hostile.slice(0, 3)).to.deep.equal(['Báo cáo.pdf', 'BÁO CÁO (2).pdf', '_CON.pdf']);
    expect(Buffer.byteLength(hostile[3])).to.be.at.most(150);
    expect(hostile[3]).to.match(/^(Dài)+(D|Dà)?\.pdf$/);
    for (const n of names) {
      expect(n.split('/')).to.not.include('..');

      expect(n).to.not.match(/[\\\u0000-\u001f]/);
    }
    const xml = entries.find((e) => e.name.startsWith('in/000003_') && e.name.endsWith('document.xml'))!.data.toString('utf8');
    expect(xml).to.include('<edXML:Subject>Về việc &lt;thử&gt; &amp; "xuất" sổ 02/UBND-VP</edXML:Subject>');
    expect(xml).to.include('<edXML:CodeNumber>02</edXML:CodeNumber>');
    const paperXml = entries.find((e) => e.name.startsWith('in/000002_') && e.name.endsWith('document.xml'))!.data.toString('utf8');
    expect(paperXml).to.include('origin="paper"');
    const events = entries
      .find((e) => e.name === 'events.jsonl')!
      .data.toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.length).to.be.at.least(10);
    expect(events[0]).to.include.keys('id', 'document_id', 'agency_id', 'status', 'actor', 'at');
    const csv = entries.find((e) => e.name === 'manifest.csv')!.data;
    expect(csv.subarray(0, 3).toString('hex')).to.equal('efbbbf');
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8')) as {
      files: { path: string }[];
      documents: { origin: string; number: number }[];
    };
    expect(manifest.files.map((f) => f.path)).to.deep.equal(names.slice(0, -1));
    expect(manifest.documents.map((d) => d.number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // A reader other than ours opens it: Python's zipfile checks every entry's CRC and reads the same names.
    const python = 'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps([z.testzip(), z.namelist()]))';
    expect(JSON.parse(execFileSync('python3', ['-c', python, out], { encoding: 'utf8' }))).to.deep.equal([null, names]);
    const v = await cli(['export', 'verify', out]);
    expect(v.code, v.stderr).to.equal(0);
    expect(v.stdout).to.match(/^Hợp lệ: \d+ tệp, 10 mục sổ/);
  });

  it('verify names the first difference: a byte of a file, a manifest.csv line, a manifest.json hash', async () => {
    const out = path.join(work, 'snv.zip');
    const flipped = path.join(work, 'flipped.zip');
    const target = (await readZip(out)).find((e) => e.name.includes('/files/Báo cáo.pdf'))!.name;
    await rewriteZip(out, flipped, (name, data) => {
      if (name !== target) return data;
      const copy = Buffer.from(data);
      copy[20] ^= 0x01;
      return copy;
    });
    const r1 = await cli(['export', 'verify', flipped]);
    expect(r1.code).to.equal(1);
    expect(r1.stderr).to.match(
      new RegExp(`^Không khớp / Mismatch: ${target.replace(/[.()]/g, '\\$&')}: SHA-256\n  mong đợi / expected: [0-9a-f]{64}\n  thấy / found: +[0-9a-f]{64}\n$`),
    );

    const csvEdited = path.join(work, 'csv-edited.zip');
    await rewriteZip(out, csvEdited, (name, data) =>
      name === 'manifest.csv' ? Buffer.from(data.toString('utf8').replace('Giấy mời họp 11/GM-BNV', 'Giấy mời họp 99/GM-BNV')) : data,
    );
    const r2 = await cli(['export', 'verify', csvEdited]);
    expect(r2.code).to.equal(1);
    expect(r2.stderr).to.match(/^Không khớp \/ Mismatch: manifest\.csv: (SHA-256|kích thước)/);

    const jsonEdited = path.join(work, 'json-edited.zip');
    await rewriteZip(out, jsonEdited, (name, data) => {
      if (name !== 'manifest.json') return data;
      const m = JSON.parse(data.toString('utf8')) as { files: { path: string; sha256: string }[] };
      m.files[0].sha256 = '0'.repeat(64);
      return Buffer.from(JSON.stringify(m));
    });
    const r3 = await cli(['export', 'verify', jsonEdited]);
    expect(r3.code).to.equal(1);
    expect(r3.stderr).to.include(`expected: ${'0'.repeat(64)}`);

    // A rewritten event with every manifest hash recomputed, as someone who holds the archive could do:
    // the hashes agree, the chain does not.
    const entries = await readZip(out);
    const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
    const events = entries.find((e) => e.name === 'events.jsonl')!.data;
    const lines = events.toString('utf8').split('\n');
    const first = JSON.parse(lines[0]) as Record<string, unknown>;
    lines[0] = JSON.stringify({ ...first, note: 'sửa lại / rewritten' });
    const newEvents = Buffer.from(lines.join('\n'));
    const csvOld = entries.find((e) => e.name === 'manifest.csv')!.data;
    const csvNew = Buffer.from(
      csvOld
        .toString('utf8')
        .split('\n')
        .map((l) => (l.includes(sha(events)) ? l.replace(sha(events), sha(newEvents)).replace(`,${events.length},`, `,${newEvents.length},`) : l))
        .join('\n'),
    );
    const chainEdited = path.join(work, 'chain-edited.zip');
    await rewriteZip(out, chainEdited, (name, data) => {
      if (name === 'events.jsonl') return newEvents;
      if (name === 'manifest.csv') return csvNew;
      if (name !== 'manifest.json') return data;
      const m = JSON.parse(data.toString('utf8')) as { files: { path: string; sha256: string; size: number }[] };
      for (const f of m.files) {
        if (f.path === 'events.jsonl') Object.assign(f, { sha256: sha(newEvents), size: newEvents.length });
        if (f.path === 'manifest.csv') Object.assign(f, { sha256: sha(csvNew), size: csvNew.length });
      }
      return Buffer.from(JSON.stringify(m));
    });
    const r4 = await cli(['export', 'verify', chainEdited]);
    expect(r4.code, r4.stderr).to.equal(1);
    expect(r4.stderr).to.match(/events\.jsonl: event seq \d+: hash/);

    const extra = path.join(work, 'extra.zip');
    await rewriteZip(out, extra, (_name, data) => data);
    // an unchanged rewrite still verifies: the checks are on contents, not on ZIP bytes
    expect((await cli(['export', 'verify', extra])).code).to.equal(0);
  });

  it('CLI errors are clear, Vietnamese first, with register exit codes', async () => {
    const out = path.join(work, 'x.zip');
    const unknown = await cli(['export', '--agency', '000.99.99.H27', '--year', year, out]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/^Không có cơ quan 000\.99\.99\.H27 .* \/ Unknown agency/);
    const badYear = await cli(['export', '--agency', AGENCIES.snv.id, '--year', '20x6', out]);
    expect(badYear.code).to.equal(2);
    expect(badYear.stderr).to.match(/^Giá trị không hợp lệ cho --year/);
    const empty = await cli(['export', '--agency', AGENCIES.snv.id, '--year', '1999', out]);
    expect(empty.code).to.equal(3);
    expect(empty.stderr).to.match(/^Không có văn bản nào trong năm 1999 .* \/ No document/);
    const exists = await cli(['export', '--agency', AGENCIES.snv.id, '--year', year, path.join(work, 'snv.zip')]);
    expect(exists.code).to.equal(2);
    expect(exists.stderr).to.match(/^Tệp đã tồn tại/);
    const missing = await cli(['export', 'verify', path.join(work, 'none.zip')]);
    expect(missing.code).to.equal(2);
    const notZip = path.join(work, 'not.zip');
    writeFileSync(notZip, 'hello');
    const unreadable = await cli(['export', 'verify', notZip]);
    expect(unreadable.code).to.equal(1);
    expect(unreadable.stderr).to.match(/^Không đọc được tệp ZIP/);
    const badField = await paper('31/GM-BNV', pdfFile('scan 7.pdf', '31'), ['--field', 'mau-sac=do']);
    expect(badField.code).to.equal(2);
    expect(badField.stderr).to.match(/^Trường không hợp lệ: "mau-sac"/);
  });
});
