// Notifications after a commit (IMAP IDLE and NOOP wake on them). Changes made in this process are
// published directly; on PostgreSQL, those of other processes arrive through storage/change-feed.ts as
// `remote` signals, and `resync` follows a lost feed connection (re-read everything).

import { EventEmitter } from 'node:events';

interface MailboxChange {
  mailboxId: number;
  agencyId: string;
  uid: number;
  modseq: number;
  kind: 'exists' | 'flags' | 'expunge';
}

/** A mailbox changed in some process (maybe this one): its MODSEQ after the change. */
interface RemoteMailboxChange {
  kind: 'remote';
  mailboxId: number;
  modseq: number;
}

/** Notices may have been missed: every listener re-reads its state. */
interface MailboxResync {
  kind: 'resync';
}

export type MailboxSignal = MailboxChange | RemoteMailboxChange | MailboxResync;

export class MailboxEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(change: MailboxSignal): void {
    this.emitter.emit('change', change);
  }

  subscribe(listener: (change: MailboxSignal) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
