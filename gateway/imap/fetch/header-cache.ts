// Top-level header blocks by message id, bounded in bytes: ENVELOPE, HEADER.FIELDS and SEARCH on
// header fields over thousands of messages read each block once.

import { Lru } from '../../../storage/lru.js';

export class HeaderCache extends Lru<number, Buffer> {
  constructor(maxBytes: number) {
    super(maxBytes, (block) => block.length);
  }
}
