// A byte budget shared by all submissions of one gateway: a check that needs a whole file in memory
// (OLE2, OOXML, archive members) reserves its size first, so twenty concurrent 20 MB submissions
// queue for memory instead of holding 400 MB at once. A reservation larger than the whole budget
// waits until it is alone.

interface Waiter {
  bytes: number;
  resolve: () => void;
}

export class ByteBudget {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }

  /** Resolves with a release function once `bytes` fit; rejects when the signal aborts first. */
  async reserve(bytes: number, signal?: AbortSignal): Promise<() => void> {
    if (this.waiters.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return this.releaser(bytes);
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { bytes, resolve };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i === -1) return;
          this.waiters.splice(i, 1);
          reject(new Error('aborted while waiting for the memory budget'));
        },
        { once: true },
      );
    });
    return this.releaser(bytes);
  }

  private releaser(bytes: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      this.wake();
    };
  }

  /** Admits waiters in order while they fit; the admitted bytes are counted before they resume. */
  private wake(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0].bytes)) {
      const next = this.waiters.shift()!;
      this.used += next.bytes;
      next.resolve();
    }
  }
}
