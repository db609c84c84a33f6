// Starts and stops everything from one loaded, frozen Config: storage, TLS, policy, intake, listeners.

import path from 'node:path';
import { AgencyDirectory } from '../config/agencies.js';
import { loadAgencies, type Config } from '../config/load.js';
import { smimeSignatureCheck } from '../policies/checks/smime-signature.js';
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
import { demoDecision } from '../config/demo-mode.js';
import { prepareDemoPki, seedDemoAccounts } from './demo.js';
import { preflight } from './preflight.js';
import { MailboxEvents } from './events.js';
import { IntakeService } from './intake/intake.js';
import { InlineInspector, InspectionPool } from './intake/inspect-pool.js';
import { RelayWorker } from './relay/worker.js';
import { AlertWorker } from './notify/alert-worker.js';
import { ReminderWorker } from './notify/reminder-worker.js';
import { alertJobsAfterRelay } from './notify/follow-ups.js';
import { RecallService } from './notify/recall.js';
import { NoticeWorker } from './notify/worker.js';
import { loadSigningIdentity } from './signing/identity.js';
import { startDailyAnchor } from './register/anchor-schedule.js';
import type { Logger } from '../config/log.js';
import { startSmtpListener, type RunningSmtpListener } from './smtp/server.js';
import { startImapListeners, type RunningImapListener } from './imap/start.js';
import { SmtpSessionHandlers } from './smtp/session.js';
import { loadTlsMaterial } from './tls.js';
import { ChangeFeed } from '../storage/change-feed.js';
import { ALL_ROLES, type Role } from './roles.js';
import { GatewayMetrics } from './metrics/metrics.js';
import { registerGatewayGauges } from './metrics/gauges.js';
import { readinessProblems, startAdminListener, type RunningAdmin } from './metrics/admin.js';
import { preflightProblems } from './preflight.js';
import { startWebListeners, type RunningWebListener } from './web/server.js';
import { mailEndpoints } from './web/autoconfig/endpoints.js';

export interface GatewayOptions {
  config: Config;
  /** policy.yaml as loaded; read from the config directory when not given. */
  policy?: PolicyConfig;
  log: Logger;
  now?: () => Date;
  /** Replaces the real services one by one (tests: a fake register, clamd or trust store). */
  services?: Partial<PolicyServices>;
  /** `docgate serve --demo`: demo accounts and the demo CA whatever the hostname. */
  demo?: boolean;
  /** What this process does (`serve --role`); all by default. */
  roles?: ReadonlySet<Role>;
  /**
   * Start the admin listener (metrics, health) when the configuration enables it. A cluster worker does
   * not: the primary serves it for all workers (gateway/metrics/cluster.ts).
   */
  adminListener?: boolean;
}

export interface Gateway {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  events: MailboxEvents;
  policy: PolicyEngine;
  /** The inspection threads (gateway/intake/inspect-pool.ts), or null when every submission is checked on the main thread. */
  inspection: InspectionPool | null;
  /** Licensed CAs, intermediates and CRLs for S/MIME (config trust/); re-read when the files change. */
  trust: TrustStore;
  authenticator: Authenticator;
  smtp: RunningSmtpListener[];
  imap: RunningImapListener[];
  /** The web portal's HTTPS listeners (gateway/web). */
  web: RunningWebListener[];
  /** Sends queued relay jobs to agencies' own servers. */
  relay: RelayWorker;
  /** Sends urgent alerts (SMS webhook, e-mail) to recipients' leaders. */
  alerts: AlertWorker;
  /** Reminds recipients (and tells senders) of documents not filed in time. */
  reminders: ReminderWorker;
  /** Makes the receipts and status notices owed to senders (notice jobs). */
  notices: NoticeWorker;
  /** Text of the demo credentials when this start created them. */
  demoCredentials: string | null;
  /** Whether this start is the demo (config/demo-mode.ts). */
  demo: boolean;
  roles: ReadonlySet<Role>;
  metrics: GatewayMetrics;
  /** The metrics and health listener, when this process runs one. */
  admin: RunningAdmin | null;
  /** Database answers, data directory writable: the problems, none when ready (/readyz). */
  readiness(): Promise<string[]>;
  /** Re-reads policy.yaml; a broken file keeps the current policy and is reported. */
  reloadPolicy(): { ok: true } | { ok: false; error: string };
  /** Re-reads agencies.yaml (new agencies get their folders); a broken file keeps the agencies in force. */
  reloadAgencies(): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Re-reads the trust directories now (they are also re-checked on use, at most every 5 s). */
  reloadTrust(): Promise<void>;
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

/** Signatures verified against no anchor all fail: say so loudly, not as `anchors: 0` at info level. */
async function warnWithoutAnchors(config: Config, policy: PolicyConfig, trust: TrustStore, log: Logger): Promise<void> {
  if (!policy.checks.some((c) => c.id === smimeSignatureCheck.id)) return;
  const snapshot = await trust.current();
  if (snapshot.anchors.length > 0) return;
  log.warn(
    `Chua cai chung thu goc (trust anchor) nao: moi van ban ky so se bi tu choi [signature-untrusted]; dat chung thu CA vao ${trustPathsOf(config.configDir, config.docgate.trust).anchors} (xem README) / ` +
      'No trust anchor installed: every signed document will be refused [signature-untrusted]; put the CA certificates in the anchors directory (see README)',
    { anchors: 0 },
  );
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  const initialPolicy = options.policy ?? loadPolicy(config.configDir);
  // Everything serve would die on is found before any state changes (no database, no demo accounts).
  await preflight(config);
  const decision = demoDecision(config.docgate.hostname, config.docgate.demo.seedAccounts, options.demo ?? false);
  if (!decision.demo && decision.ignoredSeed) {
    log.warn(
      `demo.seedAccounts bo qua: ten may ${config.docgate.hostname} khong phai ten thu nghiem (.localhost, .test), dung --demo neu muon / demo.seedAccounts ignored: hostname ${config.docgate.hostname} is not a demo name (.localhost, .test); use --demo to force the demo`,
    );
  }
  const agencies = new AgencyDirectory(config.agencies);
  const storage = await openStorage(config, log);
  const roles = options.roles ?? ALL_ROLES;
  const listeners: RunningSmtpListener[] = [];
  const imap: RunningImapListener[] = [];
  const web: RunningWebListener[] = [];
  let sweeper: { stop(): Promise<void> } | null = null;
  let relay: RelayWorker | null = null;
  let feed: ChangeFeed | null = null;
  let admin: RunningAdmin | null = null;
  let alerts: AlertWorker | null = null;
  let reminders: ReminderWorker | null = null;
  let notices: NoticeWorker | null = null;
  let anchor: { stop(): Promise<void> } | null = null;
  let inspection: InspectionPool | null = null;
  try {
    await cleanSpool(storage, log);
    if (roles.has('worker')) {
      sweeper = startOrphanSweeper(storage, {
        intervalMs: config.docgate.blobSweep.interval,
        graceMs: config.docgate.blobSweep.grace,
        log: log.child({ component: 'blob-sweep' }),
      });
    }
    await storage.writes.run(async (t) => {
      for (const agency of config.agencies) await storage.mailboxes.ensureAgencyFolders(t, agency.id, now());
    });
    const tls = loadTlsMaterial(config, log);
    const demoPki = decision.demo ? prepareDemoPki(config, log, now()) : null;
    const demoCredentials = decision.demo ? await seedDemoAccounts(config, storage, log, now) : null;
    const events = new MailboxEvents();
    const injected = options.services ?? {};
    const trustPaths = {
      ...trustPathsOf(config.configDir, config.docgate.trust),
      ...(demoPki ? { extraAnchors: [demoPki.anchors], extraCrl: [demoPki.crl] } : {}),
    };
    const trust = injected.trust ?? (await TrustStore.open({ paths: trustPaths, log: log.child({ component: 'trust' }) }));
    await warnWithoutAnchors(config, initialPolicy, trust, log);
    // Built once: every check of every submission shares this budget, register view and clamd client.
    const services: PolicyServices = {
      memoryBudget: injected.memoryBudget ?? new ByteBudget(config.docgate.inspection.memoryBudget),
      register: injected.register ?? {
        findDuplicate: (q) => storage.register.findDuplicate(q),
        findByNumber: async (agencyId, number) => {
          const doc = await storage.register.latestByNumber(agencyId, number);
          return doc ? { trackingId: doc.id } : null;
        },
      },
      trust,
      clamd: injected.clamd ?? { scan: scanStream },
    };
    const policy = new PolicyEngine(initialPolicy, { timeZone: config.docgate.timezone, agencies, log, now, services });
    const authenticator = new Authenticator({ config, accounts: storage.accounts, writes: storage.writes, log, now });
    const identity = config.docgate.notices.receipts ? loadSigningIdentity(config, log) : null;
    notices = new NoticeWorker({ config, storage, agencies, events, log: log.child({ component: 'notices' }), now, identity });
    const noticeWorker = notices;
    const alerter = new AlertWorker({ config, storage, agencies, log: log.child({ component: 'alerts' }), now });
    alerts = alerter;
    const reminder = new ReminderWorker({ config, storage, agencies, events, log: log.child({ component: 'reminders' }), now });
    reminders = reminder;
    relay = new RelayWorker({
      config,
      storage,
      agencies,
      events,
      log: log.child({ component: 'relay' }),
      now,
      afterDelivery: { jobs: (doc, agencyId) => alertJobsAfterRelay(config, agencies, doc, agencyId), wake: () => alerter.wake() },
      onNoticesQueued: () => noticeWorker.wake(),
    });
    const worker = relay;
    const wakeWorkers = () => {
      worker.wake();
      alerter.wake();
      reminder.wake();
      noticeWorker.wake();
    };
    const relayHere = roles.has('worker');
    const metrics = new GatewayMetrics();
    registerGatewayGauges(metrics, storage, () => imap.reduce((n, l) => n + l.connections(), 0));
    if (storage.db.dialect === 'postgres') {
      // Other processes' changes: IMAP sessions re-read their mailbox, the relay worker looks for jobs.
      feed = await ChangeFeed.open(
        config.docgate.database.url,
        {
          mailbox: (n) => events.publish({ kind: 'remote', mailboxId: n.mailboxId, modseq: n.modseq }),
          jobs: () => {
            if (relayHere) wakeWorkers();
          },
          resync: () => {
            events.publish({ kind: 'resync' });
            if (relayHere) wakeWorkers();
          },
        },
        log.child({ component: 'change-feed' }),
      );
    }
    const inline = new InlineInspector(policy);
    // Fake trust or clamd services a test hands in cannot cross a thread: such a gateway inspects inline.
    if (roles.has('smtp') && config.docgate.inspection.threads > 0 && !injected.trust && !injected.clamd) {
      inspection = new InspectionPool({
        threads: config.docgate.inspection.threads,
        engine: policy,
        agencies,
        services,
        trustPaths,
        timeZone: config.docgate.timezone,
        log,
        now,
      });
    }
    const pool = inspection;
    const intake = new IntakeService({
      config,
      agencies,
      storage,
      inspectors: { threaded: pool ?? inline, inline },
      events,
      log,
      now,
      onRelayQueued: () => {
        if (relayHere) worker.wake();
      },
      onNoticesQueued: () => {
        if (relayHere) noticeWorker.wake();
      },
      onJobsQueued: () => {
        if (relayHere) {
          alerter.wake();
          reminder.wake();
        }
      },
    });
    if (roles.has('smtp')) {
      const handlers = new SmtpSessionHandlers({ config, agencies, authenticator, intake, log, metrics });
      for (const listener of config.docgate.smtp.listeners) {
        listeners.push(await startSmtpListener(config, listener, tls, handlers, log));
      }
    }
    const recall = new RecallService({ config, storage, agencies, events, log: log.child({ component: 'recall' }), now });
    if (roles.has('imap')) imap.push(...(await startImapListeners({ config, storage, agencies, authenticator, events, tls, log, now, metrics, recall })));
    if (roles.has('web'))
      web.push(
        ...(await startWebListeners(
          {
            config,
            storage,
            agencies,
            authenticator,
            log: log.child({ component: 'web' }),
            now,
            mailEndpoints: () => mailEndpoints(config, { smtp: listeners, imap }),
            policy: () => policy.current,
            configCheck: () => preflightProblems(config, { ports: false }),
          },
          tls,
        )),
      );
    if (relayHere) {
      relay.start();
      alerter.start();
      reminder.start();
      noticeWorker.start();
    }
    const readiness = () => readinessProblems((ms) => storage.db.ping(ms), config.dataDir);
    const adminConfig = config.docgate.admin;
    if (adminConfig.enabled && options.adminListener !== false) {
      try {
        admin = await startAdminListener(
          adminConfig.host,
          adminConfig.port,
          {
            metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
            problems: readiness,
          },
          log.child({ component: 'admin' }),
        );
      } catch (err) {
        // Mail keeps flowing without its monitoring; the missing scrape target alerts the operator.
        log.error(`Khong mo duoc cong quan tri ${adminConfig.host}:${adminConfig.port} (metrics, healthz) / cannot open the admin listener`, {
          err: (err as Error).message,
        });
      }
    }
    anchor = startDailyAnchor({ config, storage, log: log.child({ component: 'register-anchor' }), now });
    const dailyAnchor = anchor;
    return {
      config,
      storage,
      agencies,
      events,
      policy,
      inspection: pool,
      trust,
      authenticator,
      smtp: listeners,
      imap,
      web,
      relay,
      alerts: alerter,
      reminders: reminder,
      notices,
      demoCredentials,
      demo: decision.demo,
      roles,
      metrics,
      admin,
      readiness,
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
      async reloadAgencies() {
        let next;
        try {
          next = loadAgencies(config.configDir);
        } catch (err) {
          log.error('agencies reload failed, keeping the agencies in force', { err: (err as Error).message });
          return { ok: false, error: (err as Error).message };
        }
        try {
          // Folders first: a clerk of a new agency may log in over IMAP as soon as the list is swapped.
          await storage.writes.run(async (t) => {
            for (const agency of next) await storage.mailboxes.ensureAgencyFolders(t, agency.id, now());
          });
        } catch (err) {
          log.error('agencies reload failed, keeping the agencies in force', { err: (err as Error).message });
          return { ok: false, error: (err as Error).message };
        }
        const before = new Set(agencies.agencies.map((a) => a.id));
        agencies.replace(next);
        log.info('agencies reloaded', { agencies: next.length, added: next.filter((a) => !before.has(a.id)).map((a) => a.id) });
        return { ok: true };
      },
      async reloadTrust() {
        try {
          await trust.reload();
          pool?.trustReloaded();
        } catch (err) {
          // An unreadable directory: the snapshot in force stays (a bad file alone is skipped and logged).
          log.error('trust reload failed, keeping the trust store in force', { err: (err as Error).message });
        }
      },
      async close() {
        await Promise.all([...listeners, ...imap, ...web].map((l) => l.close()));
        await admin?.close();
        await worker.close();
        await alerter.close();
        await reminder.close();
        await noticeWorker.close();
        await pool?.close();
        await dailyAnchor.stop();
        await sweeper?.stop();
        await feed?.close();
        await storage.close();
      },
    };
  } catch (err) {
    await Promise.all([...listeners, ...imap, ...web].map((l) => l.close().catch(() => undefined)));
    await admin?.close();
    await relay?.close();
    await alerts?.close();
    await reminders?.close();
    await notices?.close();
    await inspection?.close();
    await anchor?.stop();
    await sweeper?.stop();
    await feed?.close();
    await storage.close().catch(() => undefined);
    throw err;
  }
}
