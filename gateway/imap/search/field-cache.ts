// Decoded, case-folded header field values per stored message, shared by every connection: messages
// never change once stored, so twenty clerks searching the same INBOX decode each Subject once.

import { Lru } from '../../../storage/lru.js';

export class DecodedFieldCache {
  private readonly messages: Lru<number, Map<string, string[]>>;

  constructor(maxMessages: number) {
    this.messages = new Lru(maxMessages);
  }

  get(messageId: number, key: string): string[] | undefined {
    return this.messages.get(messageId)?.get(key);
  }

  set(messageId: number, key: string, values: string[]): void {
    let fields = this.messages.get(messageId);
    if (!fields) {
      fields = new Map();
      this.messages.set(messageId, fields);
    }
    fields.set(key, values);
  }
}
