// A least-recently-used cache bounded by total weight (entries by default, or bytes with a weigh
// function). Used for immutable things read often: stored messages' descriptors and header blocks, and
// decoded header fields; a stored message never changes, so entries never go stale.

export class Lru<K, V> {
  private readonly entries = new Map<K, V>();
  private weight = 0;

  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: K, value: V): void {
    const w = this.weigh(value);
    // One value may take at most a sixteenth of the cache, so a huge one never flushes the rest.
    if (w > this.maxWeight / 16 && this.maxWeight >= 16) return;
    const old = this.entries.get(key);
    if (old !== undefined) this.weight -= this.weigh(old);
    this.entries.delete(key);
    this.entries.set(key, value);
    this.weight += w;
    while (this.weight > this.maxWeight && this.entries.size > 0) {
      const [oldest, evicted] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.weight -= this.weigh(evicted);
    }
  }

  delete(key: K): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.weight -= this.weigh(old);
    this.entries.delete(key);
  }
}
