// Top-level header blocks by message id, bounded in bytes: ENVELOPE, HEADER.FIELDS and SEARCH on
// header fields over thousands of messages read each block from disk once.

export class HeaderCache {
  private readonly entries = new Map<number, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(id: number): Buffer | undefined {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
    }
    return hit;
  }

  set(id: number, block: Buffer): void {
    if (block.length > this.maxBytes / 16) return;
    const old = this.entries.get(id);
    if (old) this.bytes -= old.length;
    this.entries.delete(id);
    this.entries.set(id, block);
    this.bytes += block.length;
    while (this.bytes > this.maxBytes) {
      const [key, value] = this.entries.entries().next().value!;
      this.entries.delete(key);
      this.bytes -= value.length;
    }
  }
}
