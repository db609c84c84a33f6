// Renders ENVELOPE / BODY / BODYSTRUCTURE of newly delivered messages right after their commit (the
// "exists" notices of this process: SMTP delivery, notices, copies), so the first FETCH of a new
// document already serves stored bytes. Bounded: one batch at a time, a capped queue; what is dropped
// or fails is rendered on its first FETCH instead.

import type { Logger } from '../../../config/log.js';
import type { ImapRendering, MailboxStore } from '../../../storage/mailbox/store.js';
import type { MailboxEvents } from '../../events.js';
import type { HeaderCache } from './header-cache.js';
import { MessageView } from './message-view.js';
import { RENDERED_ITEMS, renderItem } from './rendering.js';

const MAX_QUEUED = 5_000;
const BATCH = 100;

export class DeliveryPrerenderer {
  private readonly queue: { mailboxId: number; uid: number }[] = [];
  private running = false;
  private stopped = false;

  constructor(
    private readonly store: Pick<MailboxStore, 'metas' | 'contents' | 'saveRenderings' | 'read' | 'stream'>,
    private readonly headers: HeaderCache,
    private readonly log: Logger,
  ) {}

  /** Follows the notices of `events` until the returned function is called. */
  listen(events: MailboxEvents): () => void {
    const unsubscribe = events.subscribe((change) => {
      if (change.kind !== 'exists' || this.stopped || this.queue.length >= MAX_QUEUED) return;
      this.queue.push({ mailboxId: change.mailboxId, uid: change.uid });
      if (!this.running) void this.drain();
    });
    return () => {
      this.stopped = true;
      this.queue.length = 0;
      unsubscribe();
    };
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const batch = this.queue.splice(0, BATCH);
        try {
          await this.renderBatch(batch);
        } catch (err) {
          this.log.warn('imap prerendering failed', { err });
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async renderBatch(batch: { mailboxId: number; uid: number }[]): Promise<void> {
    const byMailbox = new Map<number, number[]>();
    for (const { mailboxId, uid } of batch) byMailbox.set(mailboxId, [...(byMailbox.get(mailboxId) ?? []), uid]);
    const rowIds: number[] = [];
    for (const [mailboxId, uids] of byMailbox) for (const meta of await this.store.metas(mailboxId, uids)) rowIds.push(meta.messageRowId);
    const contents = await this.store.contents(rowIds);
    const items: { messageRowId: number; rendered: ImapRendering }[] = [];
    for (const content of contents.values()) {
      const missing = RENDERED_ITEMS.filter((item) => !content.rendered[item]);
      if (missing.length === 0) continue;
      const view = new MessageView(this.store, content, this.headers);
      const rendered: ImapRendering = {};
      for (const item of missing) rendered[item] = await renderItem(view, item);
      if (this.stopped) return;
      Object.assign(content.rendered, rendered);
      items.push({ messageRowId: content.id, rendered });
    }
    await this.store.saveRenderings(items);
  }
}
