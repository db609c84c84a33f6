// Checks of an archive beyond the manifest's hashes, run by `export verify` after every file has been
// found intact. The hash chain of the register events (events.jsonl against the signed heads under
// anchors/) plugs in here: one function appended to ARCHIVE_CHECKS.

import type { Readable } from 'node:stream';
import { chainHash } from '../../../storage/register/chain.js';
import { contentOf } from '../../../storage/register/chain-walk.js';
import { createInterface } from 'node:readline';
import type { ManifestFile, ManifestHeader } from './manifest.js';

/** The first thing found wrong: which file (or manifest line), what, and the expected and found values. */
export interface Difference {
  file: string;
  what: string;
  expected: string;
  found: string;
}

/** What a check may read of the archive being verified. */
export interface ArchiveReader {
  /** The manifest's files, in order, read afresh from manifest.json on each call. */
  files(): AsyncIterable<ManifestFile>;
  /** A ZIP entry's bytes (e.g. "events.jsonl", "anchors/…"), or null when the archive has none by that name. */
  open(name: string): Promise<Readable | null>;
}

export type ArchiveCheck = (header: ManifestHeader, archive: ArchiveReader) => Promise<Difference | null>;

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A chained event as the link check needs it: its place, its hash and the hash it names before it. */
interface ChainLink {
  seq: number;
  hash: string;
  prev: string;
}

/**
 * The exported segment of the event chain: every event's hash recomputed from its content and its
 * prev_hash, consecutive events linked, and every anchor in the archive that names a seq of the
 * segment agreeing with its hash. (The segment holds the year's documents' events only, so links are
 * checked where both neighbours are present; `register verify` walks the whole chain.) events.jsonl is
 * read line by line; only each event's seq and two hashes are kept, for the links and anchors.
 */
const eventChain: ArchiveCheck = async (_header, archive) => {
  const stream = await archive.open('events.jsonl');
  if (!stream) return null;
  const links: ChainLink[] = [];
  let firstBroken: { seq: number; hash: string; found: string } | null = null;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    // Events from before the chain (no seq) cannot be checked here.
    if (r.seq === null || r.seq === undefined || typeof r.hash !== 'string') continue;
    const seq = Number(r.seq);
    const found = chainHash(contentOf(r), String(r.prev_hash));
    // The lowest broken seq is reported, as when the segment is walked in seq order.
    if (found !== r.hash && (!firstBroken || seq < firstBroken.seq)) firstBroken = { seq, hash: r.hash, found };
    links.push({ seq, hash: r.hash, prev: String(r.prev_hash) });
  }
  links.sort((a, b) => a.seq - b.seq);
  const bySeq = new Map<number, string>();
  let previous: ChainLink | null = null;
  for (const link of links) {
    if (firstBroken && link.seq === firstBroken.seq)
      return { file: 'events.jsonl', what: `event seq ${link.seq}: hash`, expected: firstBroken.hash, found: firstBroken.found };
    if (previous && previous.seq === link.seq - 1 && link.prev !== previous.hash)
      return { file: 'events.jsonl', what: `event seq ${link.seq}: prev_hash`, expected: previous.hash, found: link.prev };
    bySeq.set(link.seq, link.hash);
    previous = link;
  }
  for await (const file of archive.files()) {
    if (!/^anchors\/[^/]+\.json$/.test(file.path)) continue;
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
