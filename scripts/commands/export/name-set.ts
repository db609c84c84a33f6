// A set of ZIP entry names kept as 8-byte hashes in one sorted array: `export verify` compares the
// archive's names with the manifest's (none missing, none extra, none twice) at 8 bytes a name instead
// of holding every name. Two different names sharing 64 hash bits would pass as one; with an archive's
// at most millions of names that chance is below 1 in 10^7.

import { createHash } from 'node:crypto';

function hashOf(name: string): bigint {
  return createHash('sha256').update(name, 'utf8').digest().readBigUInt64BE(0);
}

export class NameSet {
  private hashes = new BigUint64Array(1024);
  private size = 0;
  private sealed = false;

  add(name: string): void {
    if (this.size === this.hashes.length) {
      const grown = new BigUint64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.size++] = hashOf(name);
  }

  /** Sorts the hashes; add() is over, has() and repeated() may be asked. */
  seal(): void {
    this.hashes = this.hashes.slice(0, this.size).sort();
    this.sealed = true;
  }

  private count(name: string): number {
    if (!this.sealed) throw new Error('NameSet: seal() first');
    const h = hashOf(name);
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    let n = 0;
    while (lo + n < this.size && this.hashes[lo + n] === h) n++;
    return n;
  }

  has(name: string): boolean {
    return this.count(name) > 0;
  }

  /** Whether the name was added more than once. */
  repeated(name: string): boolean {
    return this.count(name) > 1;
  }

  /** Whether any name was added more than once (then repeated() finds which). */
  anyRepeated(): boolean {
    for (let i = 1; i < this.size; i++) if (this.hashes[i] === this.hashes[i - 1]) return true;
    return false;
  }
}
