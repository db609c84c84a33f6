// Per-connection state: the RFC 3501 state machine (NotAuthenticated → Authenticated ⇄ Selected →
// Logout), who is logged in, what the client enabled, and the selected mailbox.

import type { SessionUser } from '../../storage/rows.js';
import type { SelectedMailbox } from './selected.js';

export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export class Session {
  state: ImapState = 'not-authenticated';
  user: SessionUser | null = null;
  selected: SelectedMailbox | null = null;
  /** ENABLEd extensions (RFC 5161): CONDSTORE, UTF8=ACCEPT. */
  readonly enabled = new Set<string>();
  /** CONDSTORE is on once enabled or used (RFC 7162 3.1). */
  condstore = false;
  authFailures = 0;
  unauthenticatedCommands = 0;
  idling = false;
  /** Set while IDLE runs: wakes it when the selected mailbox changed. */
  idleWake: (() => void) | null = null;
  unsubscribe: (() => void) | null = null;

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    public secure: boolean,
    readonly starttlsAvailable: boolean,
  ) {}

  get utf8(): boolean {
    return this.enabled.has('UTF8=ACCEPT');
  }

  /** Moves to Authenticated or Selected. */
  login(user: SessionUser): void {
    this.user = user;
    this.state = 'authenticated';
  }

  select(selected: SelectedMailbox, unsubscribe: () => void): void {
    this.deselect();
    this.selected = selected;
    this.unsubscribe = unsubscribe;
    this.state = 'selected';
  }

  deselect(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.selected = null;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  logout(): void {
    this.deselect();
    this.state = 'logout';
  }
}
