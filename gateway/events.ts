// In-process notifications after a commit (IMAP IDLE wakes on them). A later step carries the same
// events across processes with PostgreSQL LISTEN/NOTIFY; listeners must not assume they are local.

import { EventEmitter } from 'node:events';

export interface MailboxChange {
  mailboxId: number;
  agencyId: string;
  uid: number;
  modseq: number;
  kind: 'exists' | 'flags' | 'expunge';
}

export class MailboxEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(change: MailboxChange): void {
    this.emitter.emit('change', change);
  }

  subscribe(listener: (change: MailboxChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
