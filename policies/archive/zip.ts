// Zip inspection in memory with yauzl (no extraction to disk). Beyond what yauzl checks, this reads
// every local header to compare its name with the central directory's, finds overlapping members
// (the "better zip bomb" trick), symlinks (Unix mode in the external attributes), encrypted members,
// and counts the real inflated bytes of every member against hard caps, whatever the sizes declare.

import yauzl from 'yauzl';
import { crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';
import { memberPathProblem, type ArchiveEntry, type ArchiveLimits, type ArchiveProblem, type ExpansionCounter, type MemberRead } from './types.js';

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const UNIX_HOST = 3;

export interface ZipListing {
  entries: ArchiveEntry[];
  problems: ArchiveProblem[];
  read(entry: ArchiveEntry): Promise<MemberRead>;
  close(): void;
}

interface RawEntry {
  entry: ArchiveEntry;
  yauzl: yauzl.Entry;
}

function problemFromError(err: Error, member?: string): ArchiveProblem {
  const message = err.message;
  const base = member === undefined ? {} : { member };
  if (/encrypt/i.test(message)) return { kind: 'encrypted', ...base, detail: message };
  if (/too many bytes|too few bytes|expected .* got/i.test(message)) return { kind: 'size-mismatch', ...base, detail: message };
  if (/unsupported compression|compression method/i.test(message)) return { kind: 'unsupported', ...base, detail: message };
  if (/end of central directory|unexpected EOF|out of range|truncated|beyond/i.test(message)) return { kind: 'truncated', ...base, detail: message };
  return { kind: 'corrupt', ...base, detail: message };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The name as the producer meant it: the UTF-8 flag or Info-ZIP Unicode Path field (yauzl), else CP437
 * as the format says, except that names which are valid non-ASCII UTF-8 are read as UTF-8: Info-ZIP
 * and most Linux and macOS tools write UTF-8 without setting the flag, and CP437 text that is also
 * valid UTF-8 is vanishingly rare.
 */
function decodeName(raw: yauzl.Entry): string {
  const bytes = raw.fileName as unknown as Buffer;
  const flagged = (raw.generalPurposeBitFlag & 0x800) !== 0 || raw.extraFields.some((f) => f.id === 0x7075);
  if (!flagged && bytes.some((b) => b >= 0x80)) {
    try {
      return strictUtf8.decode(bytes).normalize('NFC');
    } catch {
      // not UTF-8: CP437 below
    }
  }
  const name = (
    yauzl as unknown as { getFileNameLowLevel(flag: number, name: Buffer, extra: yauzl.ExtraField[], strict: boolean): string }
  ).getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileName as unknown as Buffer, raw.extraFields, true);
  return name.normalize('NFC');
}

/** Local header checks: signature, name equal to the central one, data range (for overlap checks). */
function localRange(data: Buffer, raw: yauzl.Entry): { start: number; end: number } | ArchiveProblem {
  const offset = raw.relativeOffsetOfLocalHeader;
  if (offset + 30 > data.length) return { kind: 'truncated', detail: 'local header beyond the end' };
  if (data.readUInt32LE(offset) !== LOCAL_HEADER_SIGNATURE) return { kind: 'corrupt', detail: 'bad local header signature' };
  const nameLength = data.readUInt16LE(offset + 26);
  const extraLength = data.readUInt16LE(offset + 28);
  const localName = data.subarray(offset + 30, offset + 30 + nameLength);
  if (!localName.equals(raw.fileName as unknown as Buffer))
    return { kind: 'name-mismatch', detail: `local header names "${localName.toString('latin1').slice(0, 80)}"` };
  const start = offset + 30 + nameLength + extraLength;
  const end = start + raw.compressedSize;
  if (end > data.length) return { kind: 'truncated', detail: 'member data beyond the end' };
  return { start: offset, end };
}

function openZipFile(data: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: true, autoClose: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

async function readCentralDirectory(zip: yauzl.ZipFile, maxEntries: number): Promise<{ raws: yauzl.Entry[]; problem?: ArchiveProblem }> {
  const raws: yauzl.Entry[] = [];
  return new Promise((resolve) => {
    let settled = false;
    const finish = (problem?: ArchiveProblem) => {
      if (settled) return;
      settled = true;
      zip.removeAllListeners('entry');
      resolve(problem ? { raws, problem } : { raws });
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      if (raws.length >= maxEntries) return finish({ kind: 'too-many-entries', detail: `more than ${maxEntries} members` });
      raws.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => finish());
    zip.on('error', (err: Error) => finish(problemFromError(err)));
    zip.readEntry();
  });
}

export async function openZip(data: Buffer, limits: ArchiveLimits, counter: ExpansionCounter): Promise<ZipListing> {
  const problems: ArchiveProblem[] = [];
  let zip: yauzl.ZipFile;
  try {
    zip = await openZipFile(data);
  } catch (err) {
    return { entries: [], problems: [problemFromError(err as Error)], read: async () => ({ ok: false, problem: { kind: 'corrupt' } }), close: () => undefined };
  }
  // yauzl reports errors after opening on the zipfile too: never let one escape as an uncaught event.
  zip.on('error', () => undefined);
  if (zip.entryCount > limits.maxEntries) problems.push({ kind: 'too-many-entries', detail: `${zip.entryCount} members` });
  const { raws, problem } = problems.length > 0 ? { raws: [] as yauzl.Entry[], problem: undefined } : await readCentralDirectory(zip, limits.maxEntries);
  if (problem) problems.push(problem);

  const entries: RawEntry[] = [];
  const ranges: { start: number; end: number; name: string }[] = [];
  for (const raw of raws) {
    let name: string;
    try {
      name = decodeName(raw);
    } catch (err) {
      problems.push({ kind: 'corrupt', detail: (err as Error).message });
      continue;
    }
    const entry: ArchiveEntry = { name, directory: name.endsWith('/'), declaredSize: raw.uncompressedSize, compressedSize: raw.compressedSize };
    const pathProblem = memberPathProblem(name);
    if (pathProblem) problems.push({ kind: 'traversal', member: name, detail: pathProblem });
    if (raw.versionMadeBy >>> 8 === UNIX_HOST && ((raw.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) problems.push({ kind: 'symlink', member: name });
    if (raw.generalPurposeBitFlag & 0x1) problems.push({ kind: 'encrypted', member: name });
    const range = localRange(data, raw);
    if ('kind' in range) problems.push({ ...range, member: name });
    else ranges.push({ ...range, name });
    entries.push({ entry, yauzl: raw });
  }
  ranges.sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i].start < ranges[i - 1].end) {
      problems.push({ kind: 'overlap', member: ranges[i].name, detail: `overlaps ${ranges[i - 1].name}` });
      break;
    }
  }

  const byEntry = new Map(entries.map((e) => [e.entry, e.yauzl]));
  return {
    entries: entries.map((e) => e.entry),
    problems,
    read: (entry) => readMember(zip, byEntry.get(entry)!, entry, limits, counter),
    close: () => zip.close(),
  };
}

function openStream(zip: yauzl.ZipFile, raw: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(raw, (err, stream) => (err ? reject(err) : resolve(stream))));
}

async function readMember(zip: yauzl.ZipFile, raw: yauzl.Entry, entry: ArchiveEntry, limits: ArchiveLimits, counter: ExpansionCounter): Promise<MemberRead> {
  if (raw.generalPurposeBitFlag & 0x1) return { ok: false, problem: { kind: 'encrypted', member: entry.name } };
  let stream: Readable;
  try {
    stream = await openStream(zip, raw);
  } catch (err) {
    return { ok: false, problem: problemFromError(err as Error, entry.name) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let crc = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      crc = crc32(chunk, crc);
      counter.inflated += chunk.length;
      if (size > limits.maxMemberSize) return { ok: false, problem: { kind: 'too-large', member: entry.name, detail: `over ${limits.maxMemberSize} bytes` } };
      if (counter.inflated > limits.maxTotalSize)
        return { ok: false, problem: { kind: 'too-large', member: entry.name, detail: `archives expand past ${limits.maxTotalSize} bytes` } };
      if (size > limits.ratioFloor && size / Math.max(1, raw.compressedSize) > limits.maxRatio) {
        return { ok: false, problem: { kind: 'ratio', member: entry.name, detail: `expands more than ${limits.maxRatio}:1` } };
      }
      chunks.push(chunk);
    }
  } catch (err) {
    return { ok: false, problem: problemFromError(err as Error, entry.name) };
  } finally {
    stream.destroy();
  }
  // yauzl does not check CRC-32: a damaged member must not pass as a document.
  if (crc >>> 0 !== raw.crc32 >>> 0) return { ok: false, problem: { kind: 'corrupt', member: entry.name, detail: 'CRC-32 mismatch' } };
  return { ok: true, data: Buffer.concat(chunks, size) };
}
