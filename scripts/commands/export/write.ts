// `docgate export`: one agency's register year as a ZIP, streamed. Entries are read in pages (book,
// number order), each document's stored bytes are streamed from the blob store into the archive and
// its files decoded one at a time, and the manifest is spooled to temp files, so memory stays flat
// whatever the year holds. Layout (deterministic order):
//   in/000001_<tracking id>/message.eml        the stored submission, byte for byte (blob)
//   in/000001_<tracking id>/document.xml       edXML-style header + the register fields
//   in/000001_<tracking id>/files/<safe name>  each file decoded from the message
//   out/…                                       the sổ đi the same way (unnumbered: out/unnumbered_<id>)
//   events.jsonl   the register events of these documents, raw rows in id order
//   anchors/…      every file under data/anchors/ (signed chain heads), when present
//   manifest.csv, manifest.json (see manifest.ts)

import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AgencyDirectory } from '../../../config/agencies.js';
import type { Config } from '../../../config/load.js';
import { FolderNames } from '../../../policies/files/safe-name.js';
import type { Storage } from '../../../storage/index.js';
import { cursorOf, exportEntryPage, exportEventPage, filesOfDocuments, type ExportScope, type ExportedEntry } from '../../../storage/register/export-reads.js';
import type { DocumentFileRow } from '../../../storage/rows.js';
import { registerXml } from './edxml.js';
import {
  ANCHORS_DIR,
  EVENTS_FILE,
  EXPORT_FORMAT,
  MANIFEST_CSV,
  MANIFEST_JSON,
  ManifestSpool,
  registerFields,
  type FileKind,
  type ManifestDocument,
  type ManifestDocumentFile,
  type RegisterFields,
} from './manifest.js';
import { openMessageParts } from './parts.js';
import { ZipWriter, type WrittenEntry } from './zip-writer.js';

const PAGE = 200;
const EVENT_PAGE = 2000;

/** A stored byte does not match the register: the archive would not verify, so none is written. */
export class ExportIntegrityError extends Error {}

export interface ExportSummary {
  documents: number;
  files: number;
  events: number;
  anchors: number;
  bytes: number;
}

function folderOf(e: ExportedEntry): string {
  const book = e.entry.book === 'incoming' ? 'in' : 'out';
  const number = e.entry.number === null ? 'unnumbered' : String(e.entry.number).padStart(6, '0');
  return `${book}/${number}_${e.document.id}`;
}

function jsonValue(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer')
    return Buffer.from((value as { data: number[] }).data).toString('hex');
  return value;
}

/** Every file under data/anchors/, relative paths sorted (byte order of the UTF-8 names). */
async function anchorFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string, rel: string) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(path.join(dir, entry.name), relPath);
      else if (entry.isFile()) out.push(relPath);
    }
  };
  await visit(root, '');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

class ExportRun {
  readonly summary: ExportSummary = { documents: 0, files: 0, events: 0, anchors: 0, bytes: 0 };
  private readonly agencies: AgencyDirectory;

  constructor(
    private readonly config: Config,
    private readonly storage: Storage,
    private readonly scope: ExportScope,
    private readonly zip: ZipWriter,
    private readonly manifest: ManifestSpool,
    private readonly tempDir: string,
  ) {
    this.agencies = new AgencyDirectory(config.agencies);
  }

  private async add(name: string, source: Readable | string, date: Date, kind: FileKind, fields: RegisterFields | null): Promise<WrittenEntry> {
    const written = await this.zip.add(name, source, date);
    await this.manifest.addFile({ ...written, kind, document: fields?.trackingId ?? null }, fields);
    this.summary.files++;
    this.summary.bytes += written.size;
    return written;
  }

  async documents(): Promise<void> {
    const { sequelize, models } = this.storage.db;
    let cursor = null;
    for (;;) {
      const page = await exportEntryPage(sequelize, models, this.scope, cursor, PAGE);
      if (page.length === 0) return;
      const files = await filesOfDocuments(sequelize, models, [...new Set(page.map((e) => e.document.id))]);
      for (const e of page) await this.document(e, files.get(e.document.id) ?? []);
      cursor = cursorOf(page[page.length - 1].entry);
    }
  }

  private async document(e: ExportedEntry, files: DocumentFileRow[]): Promise<void> {
    const folder = folderOf(e);
    const fields = registerFields(e.entry, e.document, e.blob);
    const at = e.entry.registeredAt;
    let eml: string | null = null;
    const listed: ManifestDocumentFile[] = [];
    if (e.blob) {
      eml = `${folder}/message.eml`;
      const written = await this.add(eml, this.storage.blobs.stream(e.blob.sha256), at, 'message', fields);
      if (written.sha256 !== e.blob.sha256)
        throw new ExportIntegrityError(`${e.document.id}: blob ${e.blob.sha256} reads as ${written.sha256} (docgate store check)`);
      // The parser reads a file: the blob's own (files store) or a temporary copy (database store).
      const local = await this.storage.blobs.localFile(e.blob.sha256, this.tempDir);
      const parts = await openMessageParts(
        this.config,
        local.path,
        this.tempDir,
        files.some((f) => f.partPath.startsWith('p7m:')),
      ).catch(async (err: unknown) => {
        await local.release();
        throw err;
      });
      try {
        const names = new FolderNames();
        for (const f of files) {
          const content = parts.content(f.partPath);
          if (!content) throw new ExportIntegrityError(`${e.document.id}: file ${f.position} (${f.partPath}) is not in the stored message`);
          const fallback = `tep-${f.position + 1}${f.detectedType === 'application/pdf' ? '.pdf' : ''}`;
          const name = `${folder}/files/${names.take(f.filename, fallback)}`;
          const w = await this.add(name, content.stream(), at, 'attachment', fields);
          if (w.sha256 !== f.sha256) throw new ExportIntegrityError(`${e.document.id}: file ${name} decodes to ${w.sha256}, the register has ${f.sha256}`);
          listed.push({
            path: name,
            originalName: f.filename,
            position: f.position,
            role: f.role,
            partPath: f.partPath,
            detectedType: f.detectedType,
            sha256: f.sha256,
            size: f.size,
          });
        }
      } finally {
        await parts.dispose();
        await local.release();
      }
    }
    const doc: ManifestDocument = { ...fields, folder, eml, xml: `${folder}/document.xml`, files: listed };
    const issuer = this.agencies.get(e.document.senderAgencyId)?.name ?? null;
    await this.add(doc.xml, registerXml(doc, issuer), at, 'register-xml', fields);
    await this.manifest.addDocument(doc);
    this.summary.documents++;
  }

  async events(now: Date): Promise<void> {
    const { sequelize } = this.storage.db;
    const scope = this.scope;
    const summary = this.summary;
    async function* lines(): AsyncGenerator<Buffer> {
      let after = 0;
      for (;;) {
        const rows = await exportEventPage(sequelize, scope, after, EVENT_PAGE);
        if (rows.length === 0) return;
        summary.events += rows.length;
        after = Number(rows[rows.length - 1].id);
        yield Buffer.from(rows.map((r) => JSON.stringify(r, jsonValue) + '\n').join(''));
      }
    }
    await this.add(EVENTS_FILE, Readable.from(lines()), now, 'events', null);
  }

  async anchors(): Promise<void> {
    const root = path.join(this.config.dataDir, 'anchors');
    for (const rel of await anchorFiles(root)) {
      const full = path.join(root, rel);
      await this.add(`${ANCHORS_DIR}${rel}`, createReadStream(full), (await stat(full)).mtime, 'anchor', null);
      this.summary.anchors++;
    }
  }
}

/** Writes the archive to `outFile` (created; must not exist). */
export async function writeExport(config: Config, storage: Storage, scope: ExportScope, outFile: string, now = new Date()): Promise<ExportSummary> {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'docgate-export-parts-'));
  const manifest = await ManifestSpool.open();
  let zip: ZipWriter | null = null;
  try {
    zip = await ZipWriter.create(outFile);
    const run = new ExportRun(config, storage, scope, zip, manifest, tempDir);
    await run.documents();
    await run.events(now);
    await run.anchors();
    const csv = await zip.add(MANIFEST_CSV, await manifest.csvStream(), now);
    await manifest.recordCsv(csv);
    const agency = new AgencyDirectory(config.agencies).get(scope.agencyId);
    await zip.add(
      MANIFEST_JSON,
      await manifest.jsonStream({
        format: EXPORT_FORMAT,
        agency: { id: scope.agencyId, name: agency?.name ?? scope.agencyId },
        year: scope.year,
        book: scope.book === 'incoming' ? 'in' : scope.book === 'outgoing' ? 'out' : 'all',
        createdAt: now.toISOString(),
        timeZone: config.docgate.timezone,
      }),
      now,
    );
    await zip.finish();
    run.summary.files += 2;
    return run.summary;
  } catch (err) {
    // A writer that could not be created made no file (the output may be someone else's).
    if (zip) {
      await zip.abort();
      await rm(outFile, { force: true });
    }
    throw err;
  } finally {
    await manifest.dispose();
    await rm(tempDir, { recursive: true, force: true });
  }
}
