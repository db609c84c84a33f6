// `docgate export verify FILE.zip`: the archive proves itself. manifest.json is the reference: the ZIP
// holds exactly the files it lists (none missing, none extra, no name twice), each with the listed size
// and SHA-256; manifest.csv says the same as manifest.json row for row; each message.eml has the
// SHA-256 the register recorded for the submission, and parsed again it yields each file with the hash
// the register recorded, which is also the hash of that file in the ZIP. The first difference found is
// reported (file, what, expected, found). Checks that need more than the manifest (the hash chain of
// events.jsonl against anchors/) are ARCHIVE_CHECKS in archive-checks.ts, run last.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { Config } from '../../../config/load.js';
import { ARCHIVE_CHECKS, type ArchiveReader, type Difference } from './archive-checks.js';
import { CsvRows } from './csv-rows.js';
import {
  CSV_COLUMNS,
  EXPORT_FORMAT,
  MANIFEST_CSV,
  MANIFEST_JSON,
  csvRow,
  type Manifest,
  type ManifestDocument,
  type ManifestDocumentFile,
  type ManifestFile,
} from './manifest.js';
import { collectGarbage } from './heap.js';
import { openMessageParts } from './parts.js';

const MAX_MANIFEST = 1024 * 1024 * 1024;
/** Entries checked between full garbage collections (heap.ts). */
const GC_EVERY = 600;

export class ArchiveUnreadable extends Error {}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (err, zip) =>
      err ? reject(new ArchiveUnreadable(err.message)) : resolve(zip),
    ),
  );
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => (entries.push(e), zip.readEntry()));
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) => reject(new ArchiveUnreadable(err.message)));
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(new ArchiveUnreadable(err.message)) : resolve(stream))));
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ArchiveUnreadable(`${MANIFEST_JSON} larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function differ(file: string, what: string, expected: unknown, found: unknown): Difference {
  return { file, what, expected: String(expected), found: String(found) };
}

class Verifier implements ArchiveReader {
  private manifest!: Manifest;
  private readonly byPath = new Map<string, ManifestFile>();
  private readonly byFolder = new Map<string, ManifestDocument>();
  private readonly byEml = new Map<string, ManifestDocument>();
  private readonly registerFile = new Map<string, ManifestDocumentFile>();
  private entries: yauzl.Entry[] = [];

  constructor(
    private readonly config: Config,
    private readonly zip: yauzl.ZipFile,
    private readonly tempDir: string,
  ) {}

  async open(name: string): Promise<Readable | null> {
    const entry = this.entries.find((e) => e.fileName === name);
    return entry ? openEntry(this.zip, entry) : null;
  }

  get files(): readonly ManifestFile[] {
    return this.manifest.files;
  }

  async run(): Promise<{ difference: Difference | null; files: number; documents: number }> {
    this.entries = await readEntries(this.zip);
    const d = (await this.structure()) ?? (await this.contents()) ?? (await this.extraChecks());
    return { difference: d, files: this.entries.length, documents: this.manifest?.documents.length ?? 0 };
  }

  /** manifest.json readable, the ZIP's names exactly the listed ones. */
  private async structure(): Promise<Difference | null> {
    const seen = new Set<string>();
    for (const e of this.entries) {
      if (seen.has(e.fileName)) return differ(e.fileName, 'tên lặp lại / name repeated', 1, 2);
      seen.add(e.fileName);
    }
    const manifestEntry = this.entries.find((e) => e.fileName === MANIFEST_JSON);
    if (!manifestEntry) return differ(MANIFEST_JSON, 'tệp / file', 'có / present', 'không có / missing');
    try {
      this.manifest = JSON.parse((await readAll(await openEntry(this.zip, manifestEntry), MAX_MANIFEST)).toString('utf8')) as Manifest;
    } catch (err) {
      if (err instanceof ArchiveUnreadable) throw err;
      return differ(MANIFEST_JSON, 'JSON', 'JSON hợp lệ / valid JSON', (err as Error).message);
    }
    const m = this.manifest;
    if (m.format !== EXPORT_FORMAT || !Array.isArray(m.files) || !Array.isArray(m.documents))
      return differ(MANIFEST_JSON, 'định dạng / format', EXPORT_FORMAT, m.format);
    for (const f of m.files) {
      if (this.byPath.has(f.path)) return differ(MANIFEST_JSON, `liệt kê hai lần / listed twice: ${f.path}`, 1, 2);
      this.byPath.set(f.path, f);
    }
    for (const doc of m.documents) {
      this.byFolder.set(doc.folder, doc);
      if (doc.eml) this.byEml.set(doc.eml, doc);
      for (const f of doc.files) this.registerFile.set(f.path, f);
    }
    for (const e of this.entries) {
      if (e.fileName !== MANIFEST_JSON && !this.byPath.has(e.fileName))
        return differ(e.fileName, 'trong manifest / in the manifest', 'có / listed', 'không có / not listed');
    }
    for (const f of m.files) if (!seen.has(f.path)) return differ(f.path, 'tệp trong ZIP / file in the ZIP', 'có / present', 'không có / missing');
    return null;
  }

  /** Every entry's size and hash, in ZIP order, with the checks particular to its kind. */
  private async contents(): Promise<Difference | null> {
    let done = 0;
    for (const e of this.entries) {
      if (e.fileName === MANIFEST_JSON) continue;
      if (++done % GC_EVERY === 0) collectGarbage();
      const listed = this.byPath.get(e.fileName)!;
      const d = await this.entry(e, listed);
      if (d) return d;
    }
    return null;
  }

  private async entry(e: yauzl.Entry, listed: ManifestFile): Promise<Difference | null> {
    const hash = createHash('sha256');
    let size = 0;
    const emlDoc = listed.kind === 'message' ? this.byEml.get(e.fileName) : undefined;
    const emlFile = emlDoc ? path.join(this.tempDir, 'message.eml') : null;
    const csv = listed.kind === 'manifest-csv' ? new CsvRows() : null;
    const sink = emlFile
      ? createWriteStream(emlFile)
      : new Writable({
          write(chunk: Buffer, _encoding, done) {
            csv?.push(chunk);
            done();
          },
        });
    const digest = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(await openEntry(this.zip, e), digest, sink);
    } catch (err) {
      if (err instanceof ArchiveUnreadable) throw err;
      return differ(e.fileName, 'nội dung / content', 'đọc được / readable', (err as Error).message);
    }
    const sha256 = hash.digest('hex');
    if (size !== listed.size) return differ(e.fileName, 'kích thước / size', listed.size, size);
    if (sha256 !== listed.sha256) return differ(e.fileName, 'SHA-256', listed.sha256, sha256);
    const registered = this.registerFile.get(e.fileName);
    if (registered && registered.sha256 !== sha256) return differ(e.fileName, 'SHA-256 trong sổ / SHA-256 in the register', registered.sha256, sha256);
    if (emlDoc && emlFile) return this.message(emlDoc, e.fileName, emlFile, sha256);
    if (csv) return this.csv(csv.end());
    return null;
  }

  /** The .eml against the register: its own hash, and each file it yields when parsed again. */
  private async message(doc: ManifestDocument, name: string, file: string, sha256: string): Promise<Difference | null> {
    if (doc.rawSha256 !== sha256) return differ(name, 'SHA-256 văn bản trong sổ / submission SHA-256 in the register', doc.rawSha256, sha256);
    const parts = await openMessageParts(
      this.config,
      file,
      this.tempDir,
      doc.files.some((f) => f.partPath.startsWith('p7m:')),
    );
    try {
      for (const f of doc.files) {
        const content = parts.content(f.partPath);
        const found = content?.sha256 ?? 'không có / missing';
        if (found !== f.sha256) return differ(name, `tệp ${f.partPath} (${f.path}) / part ${f.partPath}`, f.sha256, found);
      }
    } finally {
      await parts.dispose();
    }
    return null;
  }

  /** manifest.csv row by row against manifest.json (the files before it, in the same order). */
  private csv(rows: string[][]): Difference | null {
    const [head, ...body] = rows;
    const heading = (head ?? []).join(',').replace(/^\ufeff/, '');
    if (heading !== CSV_COLUMNS.join(',')) return differ(MANIFEST_CSV, 'dòng tiêu đề / header row', CSV_COLUMNS.join(','), heading);
    const listed = this.manifest.files.filter((f) => f.kind !== 'manifest-csv');
    for (let i = 0; i < Math.max(listed.length, body.length); i++) {
      const f = listed[i];
      const line = `${MANIFEST_CSV}:${i + 2}`;
      if (!f) return differ(line, 'dòng thừa / extra row', '', body[i].join(','));
      const folder = f.path.split('/').slice(0, 2).join('/');
      const doc = f.document === null ? null : (this.byFolder.get(folder) ?? null);
      const expected = csvRow(f, doc);
      const found = body[i] ? rowText(body[i]) : '';
      if (found !== expected) return differ(line, `dòng của / row of ${f.path}`, expected, found);
    }
    return null;
  }

  private async extraChecks(): Promise<Difference | null> {
    for (const check of ARCHIVE_CHECKS) {
      const d = await check(this.manifest, this);
      if (d) return d;
    }
    return null;
  }
}

function rowText(cells: string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

export interface VerifyResult {
  difference: Difference | null;
  files: number;
  documents: number;
}

export async function verifyExport(config: Config, file: string): Promise<VerifyResult> {
  const zip = await openZip(file);
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'docgate-verify-'));
  try {
    return await new Verifier(config, zip, tempDir).run();
  } finally {
    zip.close();
    await rm(tempDir, { recursive: true, force: true });
  }
}
