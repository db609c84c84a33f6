// Builds what every IMAP connection shares (the mailbox store, the filing workflow, limits, caches)
// and starts the configured listeners. Called by gateway/server.ts.

import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Storage } from '../../storage/index.js';
import { mailboxStoreOf } from '../../storage/mailbox/sql-store.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { MailboxEvents } from '../events.js';
import type { Logger } from '../../config/log.js';
import type { TlsMaterial } from '../tls.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { ImapDeps } from './command.js';
import { HeaderCache } from './fetch/header-cache.js';
import { DeliveryPrerenderer } from './fetch/prerender.js';
import { DecodedFieldCache } from './search/field-cache.js';
import { Lru } from '../../storage/lru.js';
import { FilingService } from './filing/filing.js';
import type { RecallService } from '../notify/recall.js';
import { ConnectionLimits, RecentTracker } from './limits.js';
import { startImapListener, type RunningImapListener } from './server.js';

export type { RunningImapListener };

export interface ImapStartOptions {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  authenticator: Authenticator;
  events: MailboxEvents;
  tls: TlsMaterial;
  log: Logger;
  now: () => Date;
  metrics?: GatewayMetrics;
  recall?: RecallService;
}

function imapDeps(o: ImapStartOptions): ImapDeps {
  const { config, storage, log, now } = o;
  const imap = config.docgate.imap;
  return {
    config,
    agencies: o.agencies,
    store: mailboxStoreOf(storage),
    authenticator: o.authenticator,
    events: o.events,
    ...(o.recall ? { recall: o.recall } : {}),
    filing: new FilingService({ config, agencies: o.agencies, register: storage.register, blobs: storage.blobs, spoolDir: storage.spoolDir, log, now }),
    limits: new ConnectionLimits({ connections: imap.maxConnections, perAddress: imap.maxConnectionsPerAddress, perAccount: imap.maxConnectionsPerAccount }),
    recent: new RecentTracker(),
    headers: new HeaderCache(32 * 1024 * 1024),
    fields: new DecodedFieldCache(100_000),
    rendered: new Lru<string, Buffer>(32 * 1024 * 1024, (b) => b.length),
    log: log.child({ component: 'imap' }),
    now,
    spoolDir: storage.spoolDir,
    metrics: o.metrics,
  };
}

export async function startImapListeners(o: ImapStartOptions): Promise<RunningImapListener[]> {
  const listeners = o.config.docgate.imap.listeners;
  if (listeners.length === 0) return [];
  const deps = imapDeps(o);
  const started: RunningImapListener[] = [];
  // New messages get their ENVELOPE / BODYSTRUCTURE rendered and stored right after delivery.
  const stopPrerendering = new DeliveryPrerenderer(deps.store, deps.headers, deps.log).listen(o.events);
  try {
    for (const listener of listeners) started.push(await startImapListener(listener, o.tls, deps, o.log));
  } catch (err) {
    stopPrerendering();
    await Promise.all(started.map((l) => l.close().catch(() => undefined)));
    throw err;
  }
  const first = started[0];
  const closeFirst = first.close.bind(first);
  first.close = async () => {
    stopPrerendering();
    await closeFirst();
  };
  return started;
}
