// What an archive reader reports: its members (read one at a time, bounded) and every unsafe property.

export interface ArchiveLimits {
  /** Members per archive. */
  maxEntries: number;
  /** Real (inflated) bytes of one member. */
  maxMemberSize: number;
  /** Real bytes inflated from one submission's archives, all nesting levels together. */
  maxTotalSize: number;
  /** Inflated / compressed, for members above ratioFloor bytes. */
  maxRatio: number;
  ratioFloor: number;
  /**
   * Largest RAR dictionary (decompression window) unrar may allocate. unrar's WebAssembly memory
   * grows to the window a header declares and never shrinks: a 100-byte RAR could claim gigabytes.
   */
  maxDictionary: number;
}

const MiB = 1024 * 1024;

/**
 * The limits for packages a check opens for itself (an Office file's parts, a PDF's embedded files, what
 * the malware scanner or the text extraction reads): each check starts from these and changes what its
 * job needs, so the common bounds (ratio floor, RAR window) are set in one place.
 */
export const INTERNAL_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = {
  maxEntries: 1000,
  maxMemberSize: 64 * MiB,
  maxTotalSize: 256 * MiB,
  maxRatio: 200,
  ratioFloor: MiB,
  maxDictionary: 64 * MiB,
};

/** Shared by all nesting levels of one submission, so nested archives cannot multiply the caps. */
export interface ExpansionCounter {
  inflated: number;
}

type ArchiveProblemKind =
  | 'corrupt'
  | 'truncated'
  | 'traversal'
  | 'symlink'
  | 'encrypted'
  | 'name-mismatch'
  | 'overlap'
  | 'too-many-entries'
  | 'too-large'
  | 'ratio'
  | 'size-mismatch'
  | 'unsupported';

export interface ArchiveProblem {
  kind: ArchiveProblemKind;
  member?: string;
  detail?: string;
}

export interface ArchiveEntry {
  /** Decoded member name as stored (folders included). */
  name: string;
  directory: boolean;
  /** Sizes as the archive declares them (may lie: reading counts the real bytes). */
  declaredSize: number;
  compressedSize: number;
}

export type MemberRead = { ok: true; data: Buffer } | { ok: false; problem: ArchiveProblem };

/**
 * Path rules for member names and attachment file names alike: traversal, absolute paths, backslashes,
 * drive letters, controls, also once percent-decoded (`..%2F`), as a saving tool or web portal may decode.
 */
export function memberPathProblem(name: string): string | null {
  const plain = pathProblem(name);
  if (plain || !name.includes('%')) return plain;
  let decoded = name;
  // Twice: "%252F" is "%2F" after one decoding, "/" after two.
  for (let round = 0; round < 2 && decoded.includes('%'); round++)
    decoded = decoded.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const problem = pathProblem(decoded);
  return problem ? `${problem}, percent-encoded` : null;
}

function pathProblem(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.includes('\\')) return 'backslash in name';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'drive letter';
  if (name.split('/').some((segment) => segment === '..')) return 'parent directory (..)';
  if (/[\u0000-\u001f]/.test(name)) return 'control character in name';
  return null;
}

/** An attachment's file name is a name, never a path (RFC 2183 2.3): the member rules, and no folder either. */
export function attachmentPathProblem(name: string): string | null {
  return memberPathProblem(name) ?? (/\/|%2f/i.test(name) ? 'folder in name' : null);
}

/** A RAR member read within the caps (data null for a directory). */
export interface RarMember {
  entry: ArchiveEntry;
  data: Buffer | null;
}

/** What a RAR held, and why anything in it was not read. */
export interface RarListing {
  members: RarMember[];
  problems: ArchiveProblem[];
}
