// Decoded, case-folded header field values per stored message, shared by every connection: messages
// never change once stored, so twenty clerks searching the same INBOX decode each Subject once.

export class DecodedFieldCache {
  private readonly entries = new Map<number, Map<string, string[]>>();

  constructor(private readonly maxMessages: number) {}

  get(messageId: number, key: string): string[] | undefined {
    return this.entries.get(messageId)?.get(key);
  }

  set(messageId: number, key: string, values: string[]): void {
    let fields = this.entries.get(messageId);
    if (!fields) {
      fields = new Map();
      this.entries.set(messageId, fields);
      if (this.entries.size > this.maxMessages) this.entries.delete(this.entries.keys().next().value!);
    }
    fields.set(key, values);
  }
}
