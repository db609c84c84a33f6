// A small LRU of stored-message descriptors (prefix, digest, parsed structure): FETCH of envelopes and
// BODYSTRUCTURE over a large mailbox must not parse the same JSON from the database again and again.
// Messages are immutable once stored, so entries never go stale.

import type { MessageContent } from './store.js';

export class ContentCache {
  private readonly entries = new Map<number, MessageContent>();

  constructor(private readonly capacity: number) {}

  get(id: number): MessageContent | undefined {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
    }
    return hit;
  }

  set(id: number, value: MessageContent): void {
    this.entries.delete(id);
    this.entries.set(id, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
