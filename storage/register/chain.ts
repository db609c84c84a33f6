// The hash chain over register events: a versioned canonical encoding of an event's content, and the
// entry hash SHA-256(encoding ‖ document's raw SHA-256 ‖ previous hash). Pure functions, shared by the
// appender (events.ts), the migration that chained the rows it found, and `docgate register verify`.

import { hash } from 'node:crypto';

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
  // One string, one call: `register verify` hashes millions of these, and a Hash object with three
  // updates cost it more than the hashing (the digest is the same as of the parts fed in turn).
  return hash('sha256', `${encodeContent(c)}\n${c.documentSha256}\n${prevHash}`, 'hex');
}

/** An object shape's keys in canonical (sorted) order, each with its `"key":` prefix (and comma). */
interface Shape {
  keys: string[];
  prefixes: string[];
}

/** Shapes seen, by their keys in insertion order (snapshots have a handful of shapes; bounded anyway). */
const shapes = new Map<string, Shape>();
const MAX_SHAPES = 256;

function shapeOf(record: Record<string, unknown>): Shape {
  const own = Object.keys(record);
  const signature = own.join('\u0000');
  let shape = shapes.get(signature);
  if (!shape) {
    const keys = [...own].sort();
    shape = { keys, prefixes: keys.map((k, i) => `${i === 0 ? '' : ','}${JSON.stringify(k)}:`) };
    if (shapes.size < MAX_SHAPES) shapes.set(signature, shape);
  }
  return shape;
}

/** Canonical JSON of a plain object: keys sorted, no spaces (values are strings, numbers, booleans, null, arrays). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return out + ']';
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const { keys, prefixes } = shapeOf(record);
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i]];
      out += prefixes[i] + (typeof v === 'object' && v !== null ? canonicalJson(v) : JSON.stringify(v ?? null));
    }
    return out + '}';
  }
  return JSON.stringify(value ?? null);
}
