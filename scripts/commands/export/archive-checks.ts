// Checks of an archive beyond the manifest's hashes, run by `export verify` after every file has been
// found intact. The hash chain of the register events (events.jsonl against the signed heads under
// anchors/) plugs in here: one function appended to ARCHIVE_CHECKS.

import type { Readable } from 'node:stream';
import { chainHash } from '../../../storage/register/chain.js';
import { contentOf } from '../../../storage/register/verify.js';
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

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The exported segment of the event chain: every event's hash recomputed from its content and its
 * prev_hash, consecutive events linked, and every anchor in the archive that names a seq of the
 * segment agreeing with its hash. (The segment holds the year's documents' events only, so links are
 * checked where both neighbours are present; `register verify` walks the whole chain.)
 */
const eventChain: ArchiveCheck = async (_manifest, archive) => {
  const stream = await archive.open('events.jsonl');
  if (!stream) return null;
  const rows = (await text(stream))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  // Events from before the chain (no seq) cannot be checked here.
  const chained = rows.filter((r) => r.seq !== null && r.seq !== undefined && typeof r.hash === 'string').sort((a, b) => Number(a.seq) - Number(b.seq));
  const bySeq = new Map<number, string>();
  let previous: { seq: number; hash: string } | null = null;
  for (const r of chained) {
    const seq = Number(r.seq);
    const found = chainHash(contentOf(r), String(r.prev_hash));
    if (found !== r.hash) return { file: 'events.jsonl', what: `event seq ${seq}: hash`, expected: String(r.hash), found };
    if (previous && previous.seq === seq - 1 && r.prev_hash !== previous.hash)
      return { file: 'events.jsonl', what: `event seq ${seq}: prev_hash`, expected: previous.hash, found: String(r.prev_hash) };
    bySeq.set(seq, String(r.hash));
    previous = { seq, hash: String(r.hash) };
  }
  for (const file of archive.files.filter((f) => /^anchors\/[^/]+\.json$/.test(f.path))) {
    const anchor = await archive.open(file.path);
    if (!anchor) continue;
    const head = JSON.parse(await text(anchor)) as { seq?: unknown; hash?: unknown };
    const ours = bySeq.get(Number(head.seq));
    if (ours !== undefined && ours !== head.hash)
      return { file: file.path, what: `anchor of seq ${String(head.seq)}`, expected: String(head.hash), found: ours };
  }
  return null;
};

export const ARCHIVE_CHECKS: readonly ArchiveCheck[] = [eventChain];
