// The selected mailbox as one session sees it: the UID list behind its sequence numbers, the MODSEQ of
// what it has been told, and the changes still to announce. Other sessions' changes (delivery, moves,
// flags) arrive through the store's MODSEQ log; EXPUNGE is only announced when the command allows it,
// so sequence numbers never shift under a client in the middle of FETCH/STORE/SEARCH.

import type { MailboxInfo, MailboxStore, MessageState } from '../../storage/mailbox/store.js';
import type { RecentTracker } from './limits.js';
import { BASE_FLAGS, formatFlags } from './flags.js';
import { formatSet } from './protocol/sequence.js';

export type Announce = (line: string) => Promise<void>;

export class SelectedMailbox {
  uids: number[];
  /** MODSEQ per UID of the flags last announced to this session. */
  private readonly known = new Map<number, number>();
  readonly recent = new Set<number>();
  /** UIDs expunged elsewhere that this session has not been told about yet. */
  private readonly pendingExpunge = new Set<number>();
  highestModseq: number;
  uidNext: number;
  dirty = false;
  /** QRESYNC enabled (RFC 7162 3.2.10): expunges are announced as VANISHED, by UID. */
  vanished = false;
  private lock: Promise<void> = Promise.resolve();
  /** Keywords announced in FLAGS/PERMANENTFLAGS: a client may only see these in a FETCH (RFC 3501 7.2.6). */
  private readonly keywords = new Set<string>();

  constructor(
    public info: MailboxInfo,
    readonly readOnly: boolean,
    states: MessageState[],
    recent: number[],
  ) {
    this.uids = states.map((s) => s.uid);
    for (const s of states) this.known.set(s.uid, s.modseq);
    for (const uid of recent) this.recent.add(uid);
    // A loop, not Math.max(...spread): a mailbox of 10,000 messages would pass 10,000 arguments.
    let highest = info.highestModseq;
    for (const s of states) if (s.modseq > highest) highest = s.modseq;
    this.highestModseq = highest;
    this.uidNext = info.uidNext;
  }

  /** The FLAGS and PERMANENTFLAGS lines for the keywords known so far (SELECT, and whenever one is added). */
  flagLines(): string[] {
    const flags = [...BASE_FLAGS, ...this.keywords].join(' ');
    return [`FLAGS (${flags})`, `OK [PERMANENTFLAGS (${this.readOnly ? '' : `${flags} \\*`})] ${this.readOnly ? 'Read-only mailbox' : 'Flags permitted'}`];
  }

  /** Records keywords without announcing them (SELECT sends flagLines() itself). */
  knowKeywords(flags: Iterable<string>): void {
    for (const f of flags) if (!f.startsWith('\\')) this.keywords.add(f);
  }

  /** Announces FLAGS and PERMANENTFLAGS again if `flags` holds a keyword this session has not been told of. */
  async announceKeywords(flags: Iterable<string>, announce: Announce): Promise<void> {
    const before = this.keywords.size;
    this.knowKeywords(flags);
    if (this.keywords.size === before) return;
    for (const line of this.flagLines()) await announce(line);
  }

  get exists(): number {
    return this.uids.length;
  }

  /** 1-based sequence number of a UID, or 0. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid];
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Records flags this session announced itself (its own STORE/FETCH). */
  noteAnnounced(uid: number, modseq: number): void {
    if (this.seqOf(uid)) this.known.set(uid, Math.max(this.known.get(uid) ?? 0, modseq));
  }

  /** noteAnnounced for a UID the caller already found numbered (a FETCH walking the numbering). */
  noteAnnouncedNumbered(uid: number, modseq: number): void {
    const known = this.known.get(uid);
    if (known === undefined || known < modseq) this.known.set(uid, modseq);
  }

  /** Applies this session's own expunge (the EXPUNGE responses are sent by the caller). */
  async removeOwn(uids: number[], announce: Announce): Promise<void> {
    await this.exclusive(() => this.drop(uids, announce));
  }

  /** Removes UIDs from the numbering, highest first, announcing each sequence number as it goes. */
  private async drop(uids: Iterable<number>, announce: Announce): Promise<void> {
    const gone: number[] = [];
    for (const uid of [...uids].sort((a, b) => b - a)) {
      const seq = this.seqOf(uid);
      if (!seq) continue;
      this.uids.splice(seq - 1, 1);
      this.known.delete(uid);
      this.recent.delete(uid);
      if (this.vanished) gone.unshift(uid);
      else await announce(`${seq} EXPUNGE`);
    }
    if (gone.length > 0) await announce(`VANISHED ${formatSet(gone)}`);
  }

  private exclusive(work: () => Promise<void>): Promise<void> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Brings the session up to date and announces what the policy allows. */
  sync(store: MailboxStore, recent: RecentTracker, announce: Announce, options: { expunge: boolean; condstore: boolean }): Promise<void> {
    return this.exclusive(async () => {
      this.dirty = false;
      const changes = await store.changesSince(this.info.id, this.highestModseq);
      this.info = changes.mailbox;
      for (const uid of changes.expunged) if (this.seqOf(uid)) this.pendingExpunge.add(uid);
      if (options.expunge && this.pendingExpunge.size > 0) {
        await this.drop(this.pendingExpunge, announce);
        this.pendingExpunge.clear();
      }
      const last = this.uids.length > 0 ? this.uids[this.uids.length - 1] : 0;
      const added: MessageState[] = [];
      const updated: MessageState[] = [];
      for (const state of changes.changed) {
        if (state.uid > last) added.push(state);
        else if (this.seqOf(state.uid) && (this.known.get(state.uid) ?? 0) < state.modseq) updated.push(state);
      }
      await this.announceKeywords(
        [...added, ...updated].flatMap((s) => s.flags),
        announce,
      );
      if (added.length > 0) {
        for (const s of added) {
          this.uids.push(s.uid);
          this.known.set(s.uid, s.modseq);
        }
        const addedUids = added.map((s) => s.uid);
        for (const uid of this.readOnly ? recent.peek(this.info.id, addedUids) : recent.claim(this.info.id, addedUids)) this.recent.add(uid);
        await announce(`${this.uids.length} EXISTS`);
        await announce(`${this.recent.size} RECENT`);
      }
      for (const s of updated) {
        if (this.pendingExpunge.has(s.uid)) continue;
        this.known.set(s.uid, s.modseq);
        const modseq = options.condstore ? ` MODSEQ (${s.modseq})` : '';
        await announce(`${this.seqOf(s.uid)} FETCH (UID ${s.uid} FLAGS (${formatFlags(s.flags, this.recent.has(s.uid))})${modseq})`);
      }
      this.highestModseq = Math.max(this.highestModseq, changes.mailbox.highestModseq);
      this.uidNext = changes.mailbox.uidNext;
    });
  }

  needsSync(): boolean {
    return this.dirty || this.pendingExpunge.size > 0;
  }

  /** UIDs expunged elsewhere but still numbered in this session. */
  isPendingExpunge(uid: number): boolean {
    return this.pendingExpunge.has(uid);
  }
}
