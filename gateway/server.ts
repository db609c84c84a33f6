// Starts and stops everything from one loaded, frozen Config: storage, TLS, policy, intake, listeners.

import path from 'node:path';
import { AgencyDirectory } from '../config/agencies.js';
import type { Config } from '../config/load.js';
import { loadPolicy, type PolicyConfig } from '../policies/policy-file.js';
import { PolicyEngine } from '../policies/engine.js';
import { TrustStore, trustPathsOf } from '../policies/smime/trust-store.js';
import { ByteBudget } from '../policies/files/budget.js';
import { scanStream } from '../policies/malware/clamd.js';
import type { PolicyServices } from '../policies/services.js';
import { openStorage, type Storage } from '../storage/index.js';
import { startOrphanSweeper } from '../storage/blob-sweep.js';
import { cleanDeadSpools } from '../storage/spool-dir.js';
import { Authenticator } from './auth/authenticator.js';
import { seedDemoAccounts } from './demo.js';
import { MailboxEvents } from './events.js';
import { IntakeService } from './intake/intake.js';
import { RelayWorker } from './relay/worker.js';
import type { Logger } from '../config/log.js';
import { startSmtpListener, type RunningSmtpListener } from './smtp/server.js';
import { startImapListeners, type RunningImapListener } from './imap/start.js';
import { SmtpSessionHandlers } from './smtp/session.js';
import { loadTlsMaterial } from './tls.js';

export interface GatewayOptions {
  config: Config;
  /** policy.yaml as loaded; read from the config directory when not given. */
  policy?: PolicyConfig;
  log: Logger;
  now?: () => Date;
  /** Replaces the real services one by one (tests: a fake register, clamd or trust store). */
  services?: Partial<PolicyServices>;
}

export interface Gateway {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  events: MailboxEvents;
  policy: PolicyEngine;
  /** Licensed CAs, intermediates and CRLs for S/MIME (config trust/); re-read when the files change. */
  trust: TrustStore;
  authenticator: Authenticator;
  smtp: RunningSmtpListener[];
  imap: RunningImapListener[];
  /** Sends queued relay jobs to agencies' own servers. */
  relay: RelayWorker;
  /** Text of the demo credentials when this start created them. */
  demoCredentials: string | null;
  /** Re-reads policy.yaml; a broken file keeps the current policy and is reported. */
  reloadPolicy(): { ok: true } | { ok: false; error: string };
  close(): Promise<void>;
}

/**
 * A crash can leave spool files whose sessions never got an answer: nothing refers to them. Only the
 * spools of processes that are gone are removed; another live gateway on this data directory keeps its own.
 */
async function cleanSpool(storage: Storage, log: Logger): Promise<void> {
  const removed = await cleanDeadSpools(storage.spoolRoot, path.basename(storage.spoolDir));
  if (removed > 0) log.info('spool cleaned', { entries: removed });
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  const initialPolicy = options.policy ?? loadPolicy(config.configDir);
  const agencies = new AgencyDirectory(config.agencies);
  const storage = await openStorage(config, log);
  const listeners: RunningSmtpListener[] = [];
  const imap: RunningImapListener[] = [];
  let sweeper: { stop(): Promise<void> } | null = null;
  let relay: RelayWorker | null = null;
  try {
    await cleanSpool(storage, log);
    sweeper = startOrphanSweeper(storage, { intervalMs: config.docgate.blobSweep.interval, graceMs: config.docgate.blobSweep.grace, log: log.child({ component: 'blob-sweep' }) });
    await storage.writes.run(async (t) => {
      for (const agency of config.agencies) await storage.mailboxes.ensureAgencyFolders(t, agency.id, now());
    });
    const demoCredentials = await seedDemoAccounts(config, storage, log, now);
    const tls = loadTlsMaterial(config, log);
    const events = new MailboxEvents();
    const injected = options.services ?? {};
    const trust = injected.trust ?? (await TrustStore.open({ paths: trustPathsOf(config.configDir, config.docgate.trust), log: log.child({ component: 'trust' }) }));
    // Built once: every check of every submission shares this budget, register view and clamd client.
    const services: PolicyServices = {
      memoryBudget: injected.memoryBudget ?? new ByteBudget(config.docgate.inspection.memoryBudget),
      register: injected.register ?? { findDuplicate: (q) => storage.register.findDuplicate(q) },
      trust,
      clamd: injected.clamd ?? { scan: scanStream },
    };
    const policy = new PolicyEngine(initialPolicy, { timeZone: config.docgate.timezone, agencies, log, now, services });
    const authenticator = new Authenticator({ config, accounts: storage.accounts, writes: storage.writes, log, now });
    relay = new RelayWorker({ config, storage, agencies, events, log: log.child({ component: 'relay' }), now });
    const worker = relay;
    const intake = new IntakeService({ config, agencies, storage, policy, events, log, now, onRelayQueued: () => worker.wake() });
    const handlers = new SmtpSessionHandlers({ config, agencies, authenticator, intake, log });
    for (const listener of config.docgate.smtp.listeners) {
      listeners.push(await startSmtpListener(config, listener, tls, handlers, log));
    }
    imap.push(...(await startImapListeners({ config, storage, agencies, authenticator, events, tls, log, now })));
    relay.start();
    return {
      config,
      storage,
      agencies,
      events,
      policy,
      trust,
      authenticator,
      smtp: listeners,
      imap,
      relay,
      demoCredentials,
      reloadPolicy() {
        try {
          policy.setPolicy(loadPolicy(config.configDir));
          log.info('policy reloaded');
          return { ok: true };
        } catch (err) {
          log.error('policy reload failed, keeping the current policy', { err: (err as Error).message });
          return { ok: false, error: (err as Error).message };
        }
      },
      async close() {
        await Promise.all([...listeners, ...imap].map((l) => l.close()));
        await worker.close();
        await sweeper?.stop();
        await storage.close();
      },
    };
  } catch (err) {
    await Promise.all([...listeners, ...imap].map((l) => l.close().catch(() => undefined)));
    await relay?.close();
    await sweeper?.stop();
    await storage.close().catch(() => undefined);
    throw err;
  }
}
