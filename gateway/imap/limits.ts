// Connection accounting shared by all IMAP listeners of a process: a cap on connections, on
// connections per client address and per account; and the \Recent bookkeeping (RFC 3501 2.3.2:
// a message is recent in exactly one session, the first to see it).

export class ConnectionLimits {
  private total = 0;
  private readonly byAddress = new Map<string, number>();
  private readonly byAccount = new Map<string, number>();

  constructor(private readonly max: { connections: number; perAddress: number; perAccount: number }) {}

  /** Takes a slot for a new connection; false when a limit is reached. */
  open(address: string): boolean {
    const count = this.byAddress.get(address) ?? 0;
    if (this.total >= this.max.connections || count >= this.max.perAddress) return false;
    this.total++;
    this.byAddress.set(address, count + 1);
    return true;
  }

  close(address: string): void {
    this.total = Math.max(0, this.total - 1);
    const count = (this.byAddress.get(address) ?? 1) - 1;
    if (count <= 0) this.byAddress.delete(address);
    else this.byAddress.set(address, count);
  }

  login(account: string): boolean {
    const count = this.byAccount.get(account) ?? 0;
    if (count >= this.max.perAccount) return false;
    this.byAccount.set(account, count + 1);
    return true;
  }

  logout(account: string): void {
    const count = (this.byAccount.get(account) ?? 1) - 1;
    if (count <= 0) this.byAccount.delete(account);
    else this.byAccount.set(account, count);
  }

  get connections(): number {
    return this.total;
  }
}

export class RecentTracker {
  /** Per mailbox: the highest UID some session has already claimed as recent. */
  private readonly claimed = new Map<number, number>();

  /** Claims the UIDs above what was claimed before (read-write sessions only); returns them. */
  claim(mailboxId: number, uids: number[]): number[] {
    const before = this.claimed.get(mailboxId) ?? 0;
    const fresh = uids.filter((u) => u > before);
    if (fresh.length > 0) this.claimed.set(mailboxId, Math.max(before, ...fresh.slice(-1)));
    return fresh;
  }

  /** Marks everything up to `uid` as seen by some session (e.g. at startup or after EXAMINE). */
  claimUpTo(mailboxId: number, uid: number): void {
    this.claimed.set(mailboxId, Math.max(this.claimed.get(mailboxId) ?? 0, uid));
  }

  /** The UIDs no session has claimed yet, without claiming them (EXAMINE reports them, RFC 3501 6.3.2). */
  peek(mailboxId: number, uids: number[]): number[] {
    const before = this.claimed.get(mailboxId) ?? 0;
    return uids.filter((u) => u > before);
  }

  /** How many of the UIDs no session has seen yet. */
  unclaimed(mailboxId: number, uids: number[]): number {
    const before = this.claimed.get(mailboxId) ?? 0;
    return uids.filter((u) => u > before).length;
  }
}
