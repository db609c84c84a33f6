// Stored-message descriptors (prefix, digest, header block, structure) by message id: FETCH of envelopes
// and BODYSTRUCTURE over a large mailbox must not read the same rows again and again.

import { Lru } from '../lru.js';
import type { MessageContent } from './store.js';

export class ContentCache extends Lru<number, MessageContent> {}
