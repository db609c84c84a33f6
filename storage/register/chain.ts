// The hash chain over register events: a versioned canonical encoding of an event's content, and the
// entry hash SHA-256(encoding ‖ document's raw SHA-256 ‖ previous hash). Pure functions, shared by the
// appender (events.ts), the migration that chained the rows it found, and `docgate register verify`.

import { createHash } from 'node:crypto';

/** prev_hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped when the encoding changes; each event's hash names the version it was made with. */
const ENCODING = 'docgate-register-event-v1';

/** Who or what an event is about: a document's register, an administrator's action, a retention deletion. */
export type EventKind = 'document' | 'admin' | 'deleted';

/** The hashed columns of an event, as stored. */
export interface ChainedContent {
  seq: number;
  kind: EventKind;
  documentId: string | null;
  entryId: number | null;
  agencyId: string | null;
  status: string;
  actor: string | null;
  note: string | null;
  subject: string | null;
  at: Date;
  /** Canonical JSON of the register entry after this event (entrySnapshot), or null. */
  entryState: string | null;
  /** Canonical JSON of the document and its files after this event (documentSnapshot), or null. */
  documentState: string | null;
  /** The document's raw SHA-256 (its stored .eml), '' for an event about no document. */
  documentSha256: string;
}

function encodeContent(c: ChainedContent): string {
  return JSON.stringify([
    ENCODING,
    c.seq,
    c.kind,
    c.documentId,
    c.entryId,
    c.agencyId,
    c.status,
    c.actor,
    c.note,
    c.subject,
    c.at.toISOString(),
    c.entryState,
    c.documentState,
  ]);
}

export function chainHash(c: ChainedContent, prevHash: string): string {
  return createHash('sha256').update(encodeContent(c)).update('\n').update(c.documentSha256).update('\n').update(prevHash).digest('hex');
}

/** Canonical JSON of a plain object: keys sorted, no spaces (values are strings, numbers, booleans, null, arrays). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
