// A per-mailbox index of message metadata (UID, flags, MODSEQ, size, dates) kept in memory and shared
// by every session, like Dovecot's index: FETCH FLAGS, SEARCH and STATUS over 10,000 messages read a map
// instead of 10,000 rows. It stays exact through MODSEQ: every change to a mailbox's messages (delivery,
// flags, copy, expunge, from this process or any other) raises the mailbox's highest_modseq, so each use
// first reads that one number and, when it moved, only the rows and expunge tombstones above it.

import { Lru } from '../lru.js';
import { toDate, toNumber } from '../models.js';
import type { ReadPool } from '../read-pool.js';
import { parseFlags } from './flags.js';
import type { MessageMeta } from './store.js';

interface Index {
  highestModseq: number;
  byUid: Map<number, MessageMeta>;
  /** UIDs in ascending order, rebuilt lazily after a change. */
  sorted: number[] | null;
}

const META_COLUMNS =
  'SELECT mm.uid, mm.message_id, mm.document_id, mm.flags, mm.modseq, mm.internal_date, m.size FROM mailbox_messages mm JOIN messages m ON m.id = mm.message_id WHERE mm.mailbox_id = :mailboxId';

function metaOf(r: Record<string, unknown>): MessageMeta {
  const flags = parseFlags(r.flags);
  return {
    uid: toNumber(r.uid),
    messageRowId: toNumber(r.message_id),
    documentId: (r.document_id as string | null) ?? null,
    flags,
    flagText: flags.join(' '),
    modseq: toNumber(r.modseq),
    internalDate: toDate(r.internal_date),
    size: toNumber(r.size),
  };
}

export class MailboxIndexCache {
  private readonly indexes: Lru<number, Index>;
  /** One synchronisation per mailbox at a time; concurrent callers share it. */
  private readonly syncing = new Map<number, Promise<Index | null>>();

  constructor(
    private readonly reads: ReadPool,
    maxMailboxes = 64,
  ) {
    this.indexes = new Lru(maxMailboxes);
  }

  /** The mailbox's messages as of now, or null when the mailbox no longer exists. */
  async current(mailboxId: number): Promise<Index | null> {
    let pending = this.syncing.get(mailboxId);
    if (!pending) {
      pending = this.sync(mailboxId).finally(() => this.syncing.delete(mailboxId));
      this.syncing.set(mailboxId, pending);
    }
    return pending;
  }

  private async sync(mailboxId: number): Promise<Index | null> {
    const [head] = await this.reads.query<{ highest_modseq: unknown }>('SELECT highest_modseq FROM mailboxes WHERE id = :mailboxId', { mailboxId });
    if (!head) return null;
    const highest = toNumber(head.highest_modseq);
    const known = this.indexes.get(mailboxId);
    if (known && known.highestModseq === highest) return known;
    if (!known) {
      const rows = await this.reads.query(META_COLUMNS, { mailboxId });
      const index: Index = { highestModseq: highest, byUid: new Map(rows.map((r) => [toNumber(r.uid), metaOf(r)])), sorted: null };
      this.indexes.set(mailboxId, index);
      return index;
    }
    // Rows written after `head` was read may come back too: applying them again later is harmless.
    const changed = await this.reads.query(`${META_COLUMNS} AND mm.modseq > :since`, { mailboxId, since: known.highestModseq });
    const expunged = await this.reads.query<{ uid: unknown }>('SELECT uid FROM mailbox_expunges WHERE mailbox_id = :mailboxId AND modseq > :since', {
      mailboxId,
      since: known.highestModseq,
    });
    for (const r of changed) known.byUid.set(toNumber(r.uid), metaOf(r));
    for (const r of expunged) known.byUid.delete(toNumber(r.uid));
    known.highestModseq = highest;
    known.sorted = null;
    return known;
  }

  /** Metadata of the given UIDs that exist, in UID order. */
  async metas(mailboxId: number, uids: number[]): Promise<MessageMeta[]> {
    const index = await this.current(mailboxId);
    if (!index) return [];
    const out: MessageMeta[] = [];
    // Sets resolved against a session's numbering are already ascending: sort only when they are not.
    let ascending = true;
    for (let i = 1; i < uids.length && ascending; i++) ascending = uids[i - 1] < uids[i];
    for (const uid of ascending ? uids : [...uids].sort((a, b) => a - b)) {
      const meta = index.byUid.get(uid);
      if (meta) out.push(meta);
    }
    return out;
  }

  /** Every message of the mailbox, in UID order. */
  async all(mailboxId: number): Promise<MessageMeta[]> {
    const index = await this.current(mailboxId);
    if (!index) return [];
    index.sorted ??= [...index.byUid.keys()].sort((a, b) => a - b);
    return index.sorted.map((uid) => index.byUid.get(uid)!);
  }
}
