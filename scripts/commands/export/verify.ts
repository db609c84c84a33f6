// `docgate export verify FILE.zip`: the archive proves itself. manifest.json is the reference: the ZIP
// holds exactly the files it lists (none missing, none extra, no name twice), in the listed order,
// each with the listed size and SHA-256; manifest.csv says the same as manifest.json row for row; each
// message.eml has the SHA-256 the register recorded for the submission, and parsed again it yields
// each file with the hash the register recorded, which is also the hash of that file in the ZIP. The
// first difference found is reported (file, what, expected, found). Checks that need more than the
// manifest (the hash chain of events.jsonl against anchors/) are ARCHIVE_CHECKS in archive-checks.ts,
// run last.
//
// Memory stays flat whatever the archive holds: the central directory and manifest.json are read as
// streams, several times (manifest-reader.ts, stream-json), walking the ZIP's entries and the manifest's files and
// documents side by side; names are compared as hashes (name-set.ts).

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
import { CSV_COLUMNS, EXPORT_FORMAT, MANIFEST_CSV, MANIFEST_JSON, csvRow, type ManifestDocument, type ManifestFile, type ManifestHeader } from './manifest.js';
import { manifestElements, scanManifest } from './manifest-reader.js';
import { NameSet } from './name-set.js';
import { openMessageParts } from './parts.js';

const MAX_MANIFEST = 1024 * 1024 * 1024;

export class ArchiveUnreadable extends Error {}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (err, zip) =>
      err ? reject(new ArchiveUnreadable(err.message)) : resolve(zip),
    ),
  );
}

/** The central directory's entries one at a time (a ZipFile walks its directory once). */
async function* entriesOf(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const settle = () => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      const onEntry = (e: yauzl.Entry) => (settle(), resolve(e));
      const onEnd = () => (settle(), resolve(null));
      const onError = (err: Error) => (settle(), reject(new ArchiveUnreadable(err.message)));
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(new ArchiveUnreadable(err.message)) : resolve(stream))));
}

function differ(file: string, what: string, expected: unknown, found: unknown): Difference {
  return { file, what, expected: String(expected), found: String(found) };
}

function folderOf(filePath: string): string {
  return filePath.split('/').slice(0, 2).join('/');
}

interface ListedFile {
  file: ManifestFile;
  /** The register entry the file belongs to (by its folder), null for the archive's own files. */
  doc: ManifestDocument | null;
}

/** Entries outside the documents' folders (events, anchors, manifests): few, kept for ArchiveReader.open. */
function isArchiveLevel(name: string): boolean {
  return !/^(in|out)\//.test(name);
}

class Verifier implements ArchiveReader {
  private manifestEntry: yauzl.Entry | null = null;
  private readonly archiveLevel = new Map<string, yauzl.Entry>();
  private entryCount = 0;
  private documentCount = 0;
  private header!: ManifestHeader;

  constructor(
    private readonly config: Config,
    private readonly file: string,
    private readonly zip: yauzl.ZipFile,
    private readonly tempDir: string,
  ) {}

  async open(name: string): Promise<Readable | null> {
    const entry = this.archiveLevel.get(name);
    return entry ? openEntry(this.zip, entry) : null;
  }

  private async manifestStream(): Promise<Readable> {
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(size > MAX_MANIFEST ? new ArchiveUnreadable(`${MANIFEST_JSON} larger than ${MAX_MANIFEST} bytes`) : null, chunk);
      },
    });
    const entry = await openEntry(this.zip, this.manifestEntry!);
    // pipe() does not pass an error on: a corrupt entry would leave the reader waiting for ever.
    entry.once('error', (err) => limit.destroy(err));
    return entry.pipe(limit);
  }

  files(): AsyncGenerator<ManifestFile> {
    return this.manifestElementsOf<ManifestFile>('files');
  }

  private async *manifestElementsOf<T>(array: 'files' | 'documents'): AsyncGenerator<T> {
    yield* manifestElements<T>(await this.manifestStream(), array);
  }

  /** The manifest's files in order, each with its register entry (documents are listed in the same order). */
  private async *listed(): AsyncGenerator<ListedFile> {
    const docs = this.manifestElementsOf<ManifestDocument>('documents');
    let doc: ManifestDocument | null = null;
    try {
      for await (const file of this.files()) {
        if (file.document === null) {
          yield { file, doc: null };
          continue;
        }
        const folder = folderOf(file.path);
        if (doc?.folder !== folder) {
          const next = await docs.next();
          doc = next.done ? null : next.value;
        }
        yield { file, doc: doc?.folder === folder ? doc : null };
      }
    } finally {
      await docs.return(undefined);
    }
  }

  /** A fresh walk of the central directory (a ZipFile is walked once). */
  private async *entries(): AsyncGenerator<yauzl.Entry> {
    const zip = await openZip(this.file);
    try {
      yield* entriesOf(zip);
    } finally {
      zip.close();
    }
  }

  async run(): Promise<{ difference: Difference | null; files: number; documents: number }> {
    const d = (await this.structure()) ?? (await this.contents()) ?? (await this.extraChecks());
    return { difference: d, files: this.entryCount, documents: this.documentCount };
  }

  /** manifest.json readable, the ZIP's names exactly the listed ones. */
  private async structure(): Promise<Difference | null> {
    const inZip = new NameSet();
    for await (const e of entriesOf(this.zip)) {
      this.entryCount++;
      inZip.add(e.fileName);
      if (isArchiveLevel(e.fileName) && !this.archiveLevel.has(e.fileName)) this.archiveLevel.set(e.fileName, e);
      if (e.fileName === MANIFEST_JSON) this.manifestEntry ??= e;
    }
    inZip.seal();
    if (inZip.anyRepeated()) {
      for await (const e of this.entries()) if (inZip.repeated(e.fileName)) return differ(e.fileName, 'tên lặp lại / name repeated', 1, 2);
    }
    if (!this.manifestEntry) return differ(MANIFEST_JSON, 'tệp / file', 'có / present', 'không có / missing');
    const listed = new NameSet();
    let skeleton: Record<string, unknown>;
    try {
      const scan = scanManifest(await this.manifestStream());
      for (;;) {
        const next = await scan.next();
        if (next.done) {
          skeleton = next.value as Record<string, unknown>;
          break;
        }
        if (next.value.array === 'files') listed.add((next.value.value as ManifestFile).path);
        else this.documentCount++;
      }
    } catch (err) {
      if (err instanceof ArchiveUnreadable) throw err;
      return differ(MANIFEST_JSON, 'JSON', 'JSON hợp lệ / valid JSON', (err as Error).message);
    }
    if (skeleton?.format !== EXPORT_FORMAT || !Array.isArray(skeleton.files) || !Array.isArray(skeleton.documents))
      return differ(MANIFEST_JSON, 'định dạng / format', EXPORT_FORMAT, skeleton?.format);
    this.header = skeleton as unknown as ManifestHeader;
    listed.seal();
    if (listed.anyRepeated()) {
      for await (const f of this.files()) if (listed.repeated(f.path)) return differ(MANIFEST_JSON, `liệt kê hai lần / listed twice: ${f.path}`, 1, 2);
    }
    for await (const e of this.entries()) {
      if (e.fileName !== MANIFEST_JSON && !listed.has(e.fileName))
        return differ(e.fileName, 'trong manifest / in the manifest', 'có / listed', 'không có / not listed');
    }
    for await (const f of this.files()) if (!inZip.has(f.path)) return differ(f.path, 'tệp trong ZIP / file in the ZIP', 'có / present', 'không có / missing');
    return null;
  }

  /** Every entry's size and hash, in ZIP order (the manifest's), with the checks particular to its kind. */
  private async contents(): Promise<Difference | null> {
    const zip = await openZip(this.file);
    const listed = this.listed();
    try {
      for await (const e of entriesOf(zip)) {
        if (e.fileName === MANIFEST_JSON) continue;
        const next = await listed.next();
        if (next.done) return differ(e.fileName, 'trong manifest / in the manifest', 'có / listed', 'không có / not listed');
        const { file, doc } = next.value;
        if (file.path !== e.fileName) return differ(e.fileName, 'thứ tự trong manifest / order in the manifest', file.path, e.fileName);
        if (file.document !== null && !doc)
          return differ(file.path, 'mục sổ trong manifest / register entry in the manifest', folderOf(file.path), 'không có / missing');
        const d = await this.entry(await openEntry(zip, e), e.fileName, file, doc);
        if (d) return d;
      }
    } finally {
      await listed.return(undefined);
      zip.close();
    }
    return null;
  }

  private async entry(stream: Readable, name: string, listed: ManifestFile, doc: ManifestDocument | null): Promise<Difference | null> {
    const hash = createHash('sha256');
    let size = 0;
    const emlDoc = listed.kind === 'message' && doc?.eml === name ? doc : null;
    const emlFile = emlDoc ? path.join(this.tempDir, 'message.eml') : null;
    const csv = listed.kind === 'manifest-csv' ? new CsvCheck(this.listed()) : null;
    const sink = emlFile
      ? createWriteStream(emlFile)
      : new Writable({
          write(chunk: Buffer, _encoding, done) {
            if (csv) csv.push(chunk).then(() => done(), done);
            else done();
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
      await pipeline(stream, digest, sink);
    } catch (err) {
      await csv?.dispose();
      if (err instanceof ArchiveUnreadable) throw err;
      return differ(name, 'nội dung / content', 'đọc được / readable', (err as Error).message);
    }
    const csvDifference = csv ? await csv.end() : null;
    const sha256 = hash.digest('hex');
    if (size !== listed.size) return differ(name, 'kích thước / size', listed.size, size);
    if (sha256 !== listed.sha256) return differ(name, 'SHA-256', listed.sha256, sha256);
    const registered = doc?.files.find((f) => f.path === name);
    if (registered && registered.sha256 !== sha256) return differ(name, 'SHA-256 trong sổ / SHA-256 in the register', registered.sha256, sha256);
    if (emlDoc && emlFile) return this.message(emlDoc, name, emlFile, sha256);
    return csvDifference;
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

  private async extraChecks(): Promise<Difference | null> {
    for (const check of ARCHIVE_CHECKS) {
      const d = await check(this.header, this);
      if (d) return d;
    }
    return null;
  }
}

function rowText(cells: string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

/** manifest.csv row by row against manifest.json (the files before it, in the same order), as it streams. */
class CsvCheck {
  private readonly rows = new CsvRows();
  private line = 0;
  private difference: Difference | null = null;

  constructor(private readonly listed: AsyncGenerator<ListedFile>) {}

  async push(chunk: Buffer): Promise<void> {
    for (const row of this.rows.push(chunk)) await this.row(row);
  }

  private async nextListed(): Promise<ListedFile | null> {
    for (;;) {
      const next = await this.listed.next();
      if (next.done) return null;
      if (next.value.file.kind !== 'manifest-csv') return next.value;
    }
  }

  private async row(cells: string[]): Promise<void> {
    if (this.difference) return;
    this.line++;
    if (this.line === 1) {
      const heading = cells.join(',').replace(/^\ufeff/, '');
      if (heading !== CSV_COLUMNS.join(',')) this.difference = differ(MANIFEST_CSV, 'dòng tiêu đề / header row', CSV_COLUMNS.join(','), heading);
      return;
    }
    const at = `${MANIFEST_CSV}:${this.line}`;
    const f = await this.nextListed();
    if (!f) {
      this.difference = differ(at, 'dòng thừa / extra row', '', cells.join(','));
      return;
    }
    const expected = csvRow(f.file, f.doc);
    const found = rowText(cells);
    if (found !== expected) this.difference = differ(at, `dòng của / row of ${f.file.path}`, expected, found);
  }

  /** The first difference, once the whole file was read. */
  async end(): Promise<Difference | null> {
    try {
      for (const row of this.rows.end()) await this.row(row);
      if (this.line === 0) await this.row([]);
      if (!this.difference) {
        const f = await this.nextListed();
        if (f) this.difference = differ(`${MANIFEST_CSV}:${this.line + 1}`, `dòng của / row of ${f.file.path}`, csvRow(f.file, f.doc), '');
      }
      return this.difference;
    } finally {
      await this.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.listed.return(undefined);
  }
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
    return await new Verifier(config, file, zip, tempDir).run();
  } finally {
    zip.close();
    await rm(tempDir, { recursive: true, force: true });
  }
}
