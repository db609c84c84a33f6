// The export's own ZIP writer and manifest reader: what the writer makes opens in Python's zipfile
// (a reader independent of ours) with every byte and name as written, also past 65,535 entries
// (ZIP64 end records); manifest.json reads the same element by element whatever its layout.

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { manifestElements, scanManifest } from '../../../scripts/commands/export/manifest-reader.js';
import { NameSet } from '../../../scripts/commands/export/name-set.js';
import { ZipWriter } from '../../../scripts/commands/export/zip-writer.js';

/** Python's view of a ZIP: entry count, testzip() result, and name → SHA-256 of the first entries. */
function pythonRead(file: string): { count: number; bad: string | null; first: [string, string, number][] } {
  const script = [
    'import hashlib, json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'names = z.namelist()',
    'first = [[n, hashlib.sha256(z.read(n)).hexdigest(), z.getinfo(n).date_time[0]] for n in names[:3]]',
    'print(json.dumps({"count": len(names), "bad": z.testzip(), "first": first}))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as ReturnType<typeof pythonRead>;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function failure(work: Promise<unknown>): Promise<Error | null> {
  try {
    await work;
    return null;
  } catch (err) {
    return err as Error;
  }
}

describe('export ZIP writer and manifest reader', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-zip-test-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes entries Python reads back byte for byte: UTF-8 names, an empty entry, a streamed one', async () => {
    const file = path.join(dir, 'small.zip');
    const zip = await ZipWriter.create(file);
    const text = 'Về việc triển khai '.repeat(5000);
    const a = await zip.add('in/000001_X/files/Báo cáo.txt', text, new Date(2026, 4, 6, 10, 20, 30));
    const b = await zip.add('empty', '', new Date(2026, 0, 1));
    const c = await zip.add('streamed', Readable.from([Buffer.from('part one '), Buffer.from('part two')]), new Date(2026, 0, 1));
    await zip.finish();
    const seen = pythonRead(file);
    expect(seen.bad).to.equal(null);
    expect(seen.count).to.equal(3);
    expect(seen.first).to.deep.equal([
      [a.path, a.sha256, 2026],
      [b.path, b.sha256, 2026],
      [c.path, c.sha256, 2026],
    ]);
    expect(a.size).to.equal(Buffer.byteLength(text));
    expect((await failure(ZipWriter.create(file)))?.message).to.match(/EEXIST/);
  });

  it('writes ZIP64 end records past 65,535 entries', async () => {
    const file = path.join(dir, 'many.zip');
    const zip = await ZipWriter.create(file);
    const n = 65_540;
    for (let i = 0; i < n; i++) await zip.add(`n/${i}`, String(i), new Date(2026, 0, 1));
    await zip.finish();
    const seen = pythonRead(file);
    expect(seen.bad).to.equal(null);
    expect(seen.count).to.equal(n);
  });

  it('reads manifest.json element by element, in the export layout or on one line', async () => {
    const documents = [
      { folder: 'in/1', files: [{ path: 'a "]}[{', sha256: 'x' }] },
      { folder: 'in/2', files: [] },
    ];
    const files = [
      { path: 'in/1/message.eml', kind: 'message' },
      { path: 'weird \\" ], {', kind: 'x' },
    ];
    const header = { format: 'docgate-export/1', agency: { id: 'A', name: 'Ủy ban' }, year: 2026 };
    const layouts = [
      JSON.stringify({ ...header, documents, files }),
      JSON.stringify({ ...header, documents, files }, null, 2),
      `${JSON.stringify(header).slice(0, -1)},\n"documents":[\n${documents.map((d) => JSON.stringify(d)).join(',\n')}\n],\n"files":[\n${files.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`,
    ];
    for (const text of layouts) {
      // Three-byte chunks: elements, strings and escapes split across chunk ends.
      const chunks = () =>
        Readable.from(
          Buffer.from(text)
            .toString('latin1')
            .match(/[\s\S]{1,3}/g)!
            .map((s) => Buffer.from(s, 'latin1')),
        );
      expect(await collect(manifestElements(chunks(), 'documents'))).to.deep.equal(documents);
      expect(await collect(manifestElements(chunks(), 'files'))).to.deep.equal(files);
      const scan = scanManifest(chunks());
      let next = await scan.next();
      while (!next.done) next = await scan.next();
      expect(next.value).to.deep.equal({ ...header, documents: [], files: [] });
    }
    const notObjects = Readable.from([Buffer.from('{"format":"f","files":[1,2]}')]);
    expect(await failure(collect(manifestElements(notObjects, 'files')))).to.be.instanceOf(SyntaxError);
    const broken = Readable.from([Buffer.from('{"files":[{"path":"a"}], "x": }')]);
    expect(await failure(collect(scanManifest(broken)))).to.be.instanceOf(SyntaxError);
  });

  it('bounds the header, not the arrays; refuses elements that are not objects; passes a source error on', async () => {
    const one = (text: string) => Readable.from([Buffer.from(text)]);
    const documents = Array.from({ length: 100 }, (_, i) => ({ folder: `in/${i}`, summary: 'x'.repeat(100) }));
    const scan = scanManifest(one(JSON.stringify({ format: 'f', documents, files: [] })), 1000);
    let next = await scan.next();
    while (!next.done) next = await scan.next();
    expect(next.value).to.deep.equal({ format: 'f', documents: [], files: [] });
    const big = await failure(collect(scanManifest(one(JSON.stringify({ format: 'f', note: 'x'.repeat(2000), documents: [] })), 1000)));
    expect(big).to.be.instanceOf(SyntaxError);
    expect(big?.message).to.match(/header larger than 1000 bytes/);
    const notObject = await failure(collect(scanManifest(one('{"documents":[{"a":1},"x"],"files":[]}'))));
    expect(notObject?.message).to.equal('manifest.json: documents: an element is not an object');
    expect(await failure(collect(manifestElements(one('{"files":[{"a":1},[2]]}'), 'files')))).to.be.instanceOf(SyntaxError);
    expect(await failure(collect(manifestElements(one('{"files":{"a":1}}'), 'files')))).to.be.instanceOf(SyntaxError);
    expect(await failure(collect(scanManifest(one(''))))).to.be.instanceOf(SyntaxError);
    class Unreadable extends Error {}
    const broken = () =>
      new Readable({
        read() {
          this.destroy(new Unreadable('corrupt entry'));
        },
      });
    expect(await failure(collect(scanManifest(broken())))).to.be.instanceOf(Unreadable);
    expect(await failure(collect(manifestElements(broken(), 'files')))).to.be.instanceOf(Unreadable);
  });

  it('compares names as hashes: present, absent, repeated', () => {
    const set = new NameSet();
    for (let i = 0; i < 3000; i++) set.add(`in/${i}/message.eml`);
    set.add('in/7/message.eml');
    set.seal();
    expect(set.has('in/2999/message.eml')).to.equal(true);
    expect(set.has('in/3000/message.eml')).to.equal(false);
    expect(set.anyRepeated()).to.equal(true);
    expect(set.repeated('in/7/message.eml')).to.equal(true);
    expect(set.repeated('in/8/message.eml')).to.equal(false);
  });
});
