// Extraction of a RAR whose headers passed the checks in rar.ts, with node-unrar-js. Its own module so
// that a process that never sees a RAR never loads unrar.

import { Extractor, type FileHeader } from 'node-unrar-js';
import { getUnrar } from 'node-unrar-js/dist/js/unrar.singleton.js';
import type { ArchiveEntry, ArchiveLimits, ArchiveProblem, ExpansionCounter, RarListing, RarMember } from './types.js';

type SeekMethod = 'CUR' | 'SET' | 'END';
const ARCHIVE_FD = 1;

class CapExceeded extends Error {}

/** Reads the archive from a Buffer, writes members into bounded chunk lists. */
class MemoryExtractor extends Extractor<never> {
  protected _filePath = 'docgate-inspect.rar';
  private archivePos = 0;
  private nextFd = 2;
  private readonly outputs = new Map<number, { chunks: Buffer[]; size: number }>();
  current: { chunks: Buffer[]; size: number } | null = null;
  capError: CapExceeded | null = null;

  constructor(
    unrar: unknown,
    private readonly data: Buffer,
    private readonly cap: (adding: number) => string | null,
  ) {
    super(unrar, '');
  }

  protected open(filename: string): number {
    return filename === this._filePath ? ARCHIVE_FD : 0;
  }

  protected create(): number {
    const fd = this.nextFd++;
    const out = { chunks: [] as Buffer[], size: 0 };
    this.outputs.set(fd, out);
    this.current = out;
    return fd;
  }

  protected read(fd: number, buf: number, size: number): number {
    if (fd !== ARCHIVE_FD) return -1;
    const end = Math.min(this.data.length, this.archivePos + size);
    const chunk = this.data.subarray(this.archivePos, end);
    (this.unrar as { HEAPU8: Uint8Array }).HEAPU8.set(chunk, buf);
    this.archivePos = end;
    return chunk.length;
  }

  protected write(fd: number, buf: number, size: number): boolean {
    const out = this.outputs.get(fd);
    if (!out) return false;
    const refusal = this.cap(size);
    if (refusal) {
      this.capError = new CapExceeded(refusal);
      return false;
    }
    out.chunks.push(Buffer.from((this.unrar as { HEAPU8: Uint8Array }).HEAPU8.subarray(buf, buf + size)));
    out.size += size;
    return true;
  }

  protected tell(fd: number): number {
    return fd === ARCHIVE_FD ? this.archivePos : (this.outputs.get(fd)?.size ?? -1);
  }

  protected seek(fd: number, pos: number, method: SeekMethod): boolean {
    if (fd !== ARCHIVE_FD) return false;
    const next = method === 'SET' ? pos : method === 'CUR' ? this.archivePos + pos : this.data.length - pos;
    if (next < 0 || next > this.data.length) return false;
    this.archivePos = next;
    return true;
  }

  protected closeFile(): void {}
}

function problemFromUnrar(err: Error, member?: string): ArchiveProblem {
  const reason = (err as { reason?: string }).reason ?? '';
  const base = member === undefined ? {} : { member };
  if (/PASSWORD/.test(reason)) return { kind: 'encrypted', ...base, detail: reason };
  if (/EWRITE/.test(reason)) return { kind: 'too-large', ...base, detail: reason };
  if (/BAD_DATA|EREAD|EOPEN/.test(reason)) return { kind: 'truncated', ...base, detail: `${reason}: ${err.message}` };
  if (/NO_MEMORY/.test(reason)) return { kind: 'too-large', ...base, detail: 'dictionary too large' };
  return { kind: 'corrupt', ...base, detail: `${reason || err.name}: ${err.message}` };
}

/** Extracts every member within the caps (the header walk found nothing wrong). */
export async function extractRar(data: Buffer, limits: ArchiveLimits, counter: ExpansionCounter): Promise<RarListing> {
  const problems: ArchiveProblem[] = [];
  const unrar: unknown = await getUnrar();
  let memberSize = 0;
  let packed = 1;
  let currentName = '';
  const extractor = new MemoryExtractor(unrar, data, (adding) => {
    memberSize += adding;
    counter.inflated += adding;
    if (memberSize > limits.maxMemberSize) return `over ${limits.maxMemberSize} bytes`;
    if (counter.inflated > limits.maxTotalSize) return `archives expand past ${limits.maxTotalSize} bytes`;
    if (memberSize > limits.ratioFloor && memberSize / packed > limits.maxRatio) return `expands more than ${limits.maxRatio}:1`;
    return null;
  });
  (unrar as { extractor: unknown }).extractor = extractor;
  const members: RarMember[] = [];
  try {
    const { files } = extractor.extract({
      files: (header: FileHeader) => {
        memberSize = 0;
        packed = Math.max(1, header.packSize);
        currentName = header.name;
        extractor.current = null;
        return true;
      },
    });
    for (const file of files) {
      const header = file.fileHeader;
      const name = header.name.normalize('NFC');
      const entry: ArchiveEntry = { name, directory: header.flags.directory, declaredSize: header.unpSize, compressedSize: header.packSize };
      // The generator must run to its end: unrar closes the archive only there.
      if (header.flags.encrypted) {
        problems.push({ kind: 'encrypted', member: name });
        continue;
      }
      if (extractor.capError) {
        // unrar treats a refused write as a failed file and goes on: the cap decides here.
        const message = extractor.capError.message;
        problems.push({ kind: /expands more/.test(message) ? 'ratio' : 'too-large', member: name, detail: message });
        extractor.capError = null;
        continue;
      }
      const out = extractor.current;
      members.push({ entry, data: header.flags.directory ? null : out ? Buffer.concat(out.chunks, out.size) : Buffer.alloc(0) });
    }
  } catch (err) {
    const cap = extractor.capError;
    if (cap) {
      const kind = /expands more/.test(cap.message) ? 'ratio' : 'too-large';
      problems.push({ kind, member: currentName, detail: cap.message });
    } else problems.push(problemFromUnrar(err as Error, currentName || undefined));
  }
  return { members, problems };
}
