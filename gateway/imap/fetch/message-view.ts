// One stored message as FETCH and SEARCH see it: the served bytes are prefix + blob, so every offset
// of the stored structure (relative to the blob) is shifted by the prefix length; the top-level
// header includes the prefix. Without a stored structure the bytes are parsed once, bounded.

import { MimeParser, structureOf } from '../../../policies/mime/parser.js';
import type { MimeNodeInfo } from '../../../policies/mime/types.js';
import type { MailboxStore, MessageContent } from '../../../storage/mailbox/store.js';
import type { HeaderCache } from './header-cache.js';

export interface Range {
  start: number;
  end: number;
}

/** IMAP body parts of a node (RFC 3501 6.4.5): a single-part message's body is its part 1. */
export function partsOf(node: MimeNodeInfo, asMessage: boolean): MimeNodeInfo[] {
  if (node.contentType.type === 'multipart') return node.children;
  if (asMessage) return [node];
  if (node.message) return partsOf(node.message, true);
  return [];
}

export function locatePart(root: MimeNodeInfo, path: number[]): MimeNodeInfo | null {
  let parts = partsOf(root, true);
  let node: MimeNodeInfo | null = null;
  for (const n of path) {
    if (n < 1 || n > parts.length) return null;
    node = parts[n - 1];
    parts = partsOf(node, false);
  }
  return node;
}

/** Where a view reads the served bytes: the mailbox store, or a message not stored yet (rendering.ts). */
export type ByteSource = Pick<MailboxStore, 'read' | 'stream'>;

export class MessageView {
  private parsed: MimeNodeInfo | null = null;

  constructor(
    private readonly store: ByteSource,
    readonly content: MessageContent,
    private readonly headers: HeaderCache,
  ) {}

  get size(): number {
    return this.content.size;
  }

  get prefixLength(): number {
    return this.content.prefix.length;
  }

  async structure(): Promise<MimeNodeInfo> {
    if (this.content.structure) return this.content.structure;
    if (this.parsed) return this.parsed;
    // Messages stored without a structure: parse the blob part of the served bytes once.
    const parser = new MimeParser({ decode: false });
    const stream = this.store.stream(this.content, this.prefixLength, this.size);
    for await (const chunk of stream) {
      parser.feed(chunk as Buffer);
      await parser.settle();
    }
    const result = await parser.end();
    this.parsed = structureOf(result.root);
    return this.parsed;
  }

  read(range: Range): Promise<Buffer> {
    return this.store.read(this.content, range.start, range.end);
  }

  /** Served range of a node's header block (blank line included); the top level starts at 0. */
  headerRange(node: MimeNodeInfo, topLevel: boolean): Range {
    return { start: topLevel ? 0 : this.prefixLength + node.headerStart, end: this.prefixLength + node.bodyStart };
  }

  bodyRange(node: MimeNodeInfo, topLevel: boolean): Range {
    return { start: this.prefixLength + node.bodyStart, end: topLevel ? this.size : this.prefixLength + node.bodyEnd };
  }

  async topHeader(): Promise<Buffer> {
    const hit = this.headers.get(this.content.id);
    if (hit) return hit;
    // The stored header block is exactly the blob's bytes before the body: no structure needed.
    const stored = this.content.header;
    const block = stored ? Buffer.concat([this.content.prefix, stored]) : await this.read(this.headerRange(await this.structure(), true));
    this.headers.set(this.content.id, block);
    return block;
  }
}
