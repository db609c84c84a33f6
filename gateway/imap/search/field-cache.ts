// Decoded, case-folded header field values per stored message, shared by every connection: messages
// never change once stored, so twenty clerks searching the same INBOX decode each Subject once.

import { Lru } from '../../../storage/lru.js';

export class DecodedFieldCache {
  private readonly messages: Lru<number, Map<string, string[]>>;
  /** Decodings under way: sessions searching the same messages at once share them. */
  private readonly loading = new Map<string, Promise<string[]>>();

  constructor(maxMessages: number) {
    this.messages = new Lru(maxMessages);
  }

  get(messageRowId: number, key: string): string[] | undefined {
    return this.messages.get(messageRowId)?.get(key);
  }

  /** The cached values, or those `load` produces (once, however many sessions ask at the same time). */
  async load(messageRowId: number, key: string, load: () => Promise<string[]>): Promise<string[]> {
    const hit = this.get(messageRowId, key);
    if (hit) return hit;
    const id = `${messageRowId}\u0000${key}`;
    let pending = this.loading.get(id);
    if (!pending) {
      pending = load()
        .then((values) => {
          this.set(messageRowId, key, values);
          return values;
        })
        .finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  set(messageRowId: number, key: string, values: string[]): void {
    let fields = this.messages.get(messageRowId);
    if (!fields) {
      fields = new Map();
      this.messages.set(messageRowId, fields);
    }
    fields.set(key, values);
  }
}
