// The archive's manifest: every file of the ZIP with its size and SHA-256, and every exported register
// entry with its register fields, as JSON (manifest.json, the reference `export verify` reads) and as
// CSV for people (manifest.csv, UTF-8 with BOM so Excel reads the diacritics; one row per file, with its
// document's register fields). Both are spooled to temp files while the archive is written and streamed
// into it at the end, so a year of 10,000 documents is never held in memory. manifest.json lists
// manifest.csv too (it is written last); neither lists manifest.json.

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import type { DocumentRow, RegisterEntryRow } from '../../../storage/rows.js';
import { csvField } from '../register/output.js';
import type { WrittenEntry } from './zip-writer.js';

export const MANIFEST_JSON = 'manifest.json';
export const MANIFEST_CSV = 'manifest.csv';
export const EVENTS_FILE = 'events.jsonl';
export const ANCHORS_DIR = 'anchors/';
export const EXPORT_FORMAT = 'docgate-export/1';

export type FileKind = 'message' | 'register-xml' | 'attachment' | 'events' | 'anchor' | 'manifest-csv';

/** The register fields of one entry (NĐ 30's register columns and docgate's own), in manifest order. */
export interface RegisterFields {
  trackingId: string;
  book: string;
  year: number;
  number: number | null;
  status: string;
  registeredAt: string;
  agencyId: string;
  counterpartAgencyId: string | null;
  origin: string;
  issuingAgency: string;
  senderAccount: string;
  documentNumber: string | null;
  signedDate: string | null;
  documentType: string | null;
  summary: string | null;
  subject: string | null;
  signer: string | null;
  urgency: string | null;
  confidentiality: string | null;
  paperCopyRequired: boolean;
  note: string | null;
  /** SHA-256 and size of the stored submission (the .eml), as the register recorded them. */
  rawSha256: string | null;
  rawSize: number | null;
}

const FIELD_NAMES: readonly (keyof RegisterFields)[] = [
  'trackingId',
  'book',
  'year',
  'number',
  'status',
  'registeredAt',
  'agencyId',
  'counterpartAgencyId',
  'origin',
  'issuingAgency',
  'senderAccount',
  'documentNumber',
  'signedDate',
  'documentType',
  'summary',
  'subject',
  'signer',
  'urgency',
  'confidentiality',
  'paperCopyRequired',
  'note',
  'rawSha256',
  'rawSize',
];

export interface ManifestDocumentFile {
  path: string;
  /** The name the sender gave (the ZIP entry's name is its safe form). */
  originalName: string | null;
  position: number;
  role: string;
  partPath: string;
  detectedType: string;
  /** SHA-256 and size the register recorded for the file. */
  sha256: string;
  size: number;
}

export interface ManifestDocument extends RegisterFields {
  folder: string;
  eml: string | null;
  xml: string;
  files: ManifestDocumentFile[];
}

export interface ManifestFile extends WrittenEntry {
  kind: FileKind;
  /** Tracking id of the document the file belongs to. */
  document: string | null;
}

export interface ManifestHeader {
  format: string;
  agency: { id: string; name: string };
  year: number;
  book: 'in' | 'out' | 'all';
  createdAt: string;
  timeZone: string;
}

export function registerFields(entry: RegisterEntryRow, doc: DocumentRow, blob: { sha256: string; size: number } | null): RegisterFields {
  return {
    trackingId: doc.id,
    book: entry.book,
    year: entry.year,
    number: entry.number,
    status: entry.status,
    registeredAt: entry.registeredAt.toISOString(),
    agencyId: entry.agencyId,
    counterpartAgencyId: entry.counterpartAgencyId,
    origin: doc.origin ?? 'smtp',
    issuingAgency: doc.senderAgencyId,
    senderAccount: doc.senderAccount,
    documentNumber: doc.documentNumber,
    signedDate: doc.signedDate,
    documentType: doc.documentType,
    summary: doc.summary,
    subject: doc.subject,
    signer: doc.signer,
    urgency: doc.urgency,
    confidentiality: doc.confidentiality,
    paperCopyRequired: doc.paperCopyRequired,
    note: entry.note,
    rawSha256: blob?.sha256 ?? null,
    rawSize: blob?.size ?? null,
  };
}

export const CSV_COLUMNS = ['path', 'size', 'sha256', 'kind', ...FIELD_NAMES] as const;

/** One manifest.csv row (without line end) of a file and, for a document's file, its register fields. */
export function csvRow(file: ManifestFile, fields: RegisterFields | null): string {
  const values: (string | number | null)[] = [file.path, file.size, file.sha256, file.kind];
  for (const name of FIELD_NAMES) {
    const v = fields ? fields[name] : null;
    values.push(typeof v === 'boolean' ? String(v) : v);
  }
  return values.map(csvField).join(',');
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** The manifest's parts on disk while the archive is written. */
export class ManifestSpool {
  private documents!: WriteStream;
  private files!: WriteStream;
  private csv!: WriteStream;
  private documentCount = 0;
  private fileCount = 0;

  private constructor(private readonly dir: string) {}

  static async open(): Promise<ManifestSpool> {
    const spool = new ManifestSpool(await mkdtemp(path.join(os.tmpdir(), 'docgate-export-')));
    spool.documents = createWriteStream(path.join(spool.dir, 'documents.json'));
    spool.files = createWriteStream(path.join(spool.dir, 'files.json'));
    spool.csv = createWriteStream(path.join(spool.dir, 'manifest.csv'));
    await write(spool.csv, '\ufeff' + CSV_COLUMNS.join(',') + '\r\n');
    return spool;
  }

  async addDocument(doc: ManifestDocument): Promise<void> {
    await write(this.documents, `${this.documentCount++ === 0 ? '' : ',\n'}${JSON.stringify(doc)}`);
  }

  async addFile(file: ManifestFile, fields: RegisterFields | null): Promise<void> {
    await this.addJsonFile(file);
    await write(this.csv, csvRow(file, fields) + '\r\n');
  }

  private async addJsonFile(file: ManifestFile): Promise<void> {
    await write(this.files, `${this.fileCount++ === 0 ? '' : ',\n'}${JSON.stringify(file)}`);
  }

  /** manifest.csv, complete: to be added to the archive (then recorded with recordCsv). */
  async csvStream(): Promise<Readable> {
    await close(this.csv);
    return createReadStream(path.join(this.dir, 'manifest.csv'));
  }

  async recordCsv(written: WrittenEntry): Promise<void> {
    await this.addJsonFile({ ...written, kind: 'manifest-csv', document: null });
  }

  /** manifest.json: the header, the documents and the files, streamed from the spool. */
  async jsonStream(header: ManifestHeader): Promise<Readable> {
    await close(this.documents);
    await close(this.files);
    const dir = this.dir;
    const head = JSON.stringify(header);
    async function* parts(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${head.slice(0, -1)},\n"documents":[\n`);
      for await (const chunk of createReadStream(path.join(dir, 'documents.json'))) yield chunk as Buffer;
      yield Buffer.from('\n],\n"files":[\n');
      for await (const chunk of createReadStream(path.join(dir, 'files.json'))) yield chunk as Buffer;
      yield Buffer.from('\n]}\n');
    }
    return Readable.from(parts());
  }

  async dispose(): Promise<void> {
    for (const s of [this.documents, this.files, this.csv]) s?.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}
