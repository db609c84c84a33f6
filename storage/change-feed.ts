// Changes made by other gateway processes on the same PostgreSQL database: one dedicated LISTEN
// connection per process. Writers send NOTIFY inside their transaction (mailbox: storage/mailbox/uids.ts,
// jobs: storage/queue/repository.ts), so a notice arrives only for what committed. A lost connection is
// re-opened with back-off; since notices sent meanwhile are gone, `resync` then tells every listener to
// re-read its state. SQLite has no feed: one process owns the database file.

import type pg from 'pg';
import { JOBS_CHANNEL, MAILBOX_CHANNEL } from './channels.js';
import type { Logger } from '../config/log.js';

/** The driver, loaded on first use: a gateway on SQLite never loads it. */
const loadPg = async () => (await import('pg')).default;

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/** A mailbox changed: its MODSEQ (and UIDNEXT) after the change. */
interface MailboxNotice {
  mailboxId: number;
  modseq: number;
  uidNext: number;
}

export interface ChangeFeedHandlers {
  mailbox(notice: MailboxNotice): void;
  /** Jobs of this kind were queued. */
  jobs(kind: string): void;
  /** The connection was lost and is back: notices in between are lost, re-read everything. */
  resync(): void;
}

function parseMailboxNotice(payload: string | undefined): MailboxNotice | null {
  const [mailboxId, modseq, uidNext] = (payload ?? '').split(':').map(Number);
  if (![mailboxId, modseq, uidNext].every(Number.isSafeInteger)) return null;
  return { mailboxId, modseq, uidNext };
}

export class ChangeFeed {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly handlers: ChangeFeedHandlers,
    private readonly log: Logger,
  ) {}

  /** Listens from now on; the first connection must succeed. */
  static async open(url: string, handlers: ChangeFeedHandlers, log: Logger): Promise<ChangeFeed> {
    const feed = new ChangeFeed(url, handlers, log);
    await feed.connect();
    return feed;
  }

  /** Whether the LISTEN connection is up now. */
  get listening(): boolean {
    return this.client !== null;
  }

  private async connect(): Promise<void> {
    const client = new (await loadPg()).Client({ connectionString: this.url, keepAlive: true, application_name: `docgate-listen-${process.pid}` });
    this.client = client;
    client.on('notification', (n) => this.dispatch(n.channel, n.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${MAILBOX_CHANNEL}`);
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
    } catch (err) {
      if (this.client === client) this.client = null;
      await client.end().catch(() => undefined);
      throw err;
    }
    this.retryMs = FIRST_RETRY_MS;
    if (this.closed) {
      this.client = null;
      await client.end().catch(() => undefined);
    }
  }

  private dispatch(channel: string, payload: string | undefined): void {
    if (channel === MAILBOX_CHANNEL) {
      const notice = parseMailboxNotice(payload);
      if (notice) this.handlers.mailbox(notice);
    } else if (channel === JOBS_CHANNEL) {
      this.handlers.jobs(payload ?? '');
    }
  }

  private lost(client: pg.Client, err: Error | null): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    this.log.warn('change feed connection lost, reconnecting', { err: err?.message ?? 'closed' });
    void client.end().catch(() => undefined);
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect().then(
        () => {
          this.log.info('change feed reconnected');
          this.handlers.resync();
        },
        (err: Error) => {
          this.log.warn('change feed reconnect failed', { err: err.message, retryMs: this.retryMs });
          this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
          this.schedule();
        },
      );
    }, this.retryMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

/**
 * Whether the database at `url` answers now, on a connection of its own (the cluster primary, which
 * opens no storage, reports readiness with it).
 */
export async function pingDatabaseUrl(url: string, timeoutMs: number): Promise<void> {
  const client = new (await loadPg()).Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'docgate-readyz',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}
