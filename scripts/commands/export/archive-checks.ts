// Checks of an archive beyond the manifest's hashes, run by `export verify` after every file has been
// found intact. The hash chain of the register events (events.jsonl against the signed heads under
// anchors/) plugs in here: one function appended to ARCHIVE_CHECKS.

import type { Readable } from 'node:stream';
import type { Manifest, ManifestFile } from './manifest.js';

/** The first thing found wrong: which file (or manifest line), what, and the expected and found values. */
export interface Difference {
  file: string;
  what: string;
  expected: string;
  found: string;
}

/** What a check may read of the archive being verified. */
export interface ArchiveReader {
  readonly files: readonly ManifestFile[];
  /** A ZIP entry's bytes (e.g. "events.jsonl", "anchors/…"), or null when the archive has none by that name. */
  open(name: string): Promise<Readable | null>;
}

export type ArchiveCheck = (manifest: Manifest, archive: ArchiveReader) => Promise<Difference | null>;

export const ARCHIVE_CHECKS: readonly ArchiveCheck[] = [];
