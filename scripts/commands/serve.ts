// docgate serve: runs the gateway until SIGINT/SIGTERM; SIGHUP, or an edit of policy.yaml, agencies.yaml or
// a trust directory, reloads what changed (a broken edit keeps what is in force, and is logged).
// --role picks what this process does; --workers N makes this process a supervisor of N gateways.

import cluster from 'node:cluster';
import { unwatchFile, watch, watchFile } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILES } from '../../config/load.js';
import { PreflightError } from '../../gateway/preflight.js';
import { trustPathsOf } from '../../policies/smime/trust-store.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { parseRoles, type Role } from '../../gateway/roles.js';
import { joinCluster, startClusterPrimary, workersRefusal } from '../../gateway/cluster.js';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import { adminActor, recordAdminAction } from '../../storage/register/admin.js';
import { CliError, cliLogger, type GlobalOptions } from './context.js';
import { loadConfigAndPolicyOrExit } from './policy-context.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Chạy cổng văn bản / run the gateway')
    .option('--demo', 'chế độ thử nghiệm: tài khoản và CA ký số thử nghiệm / demo mode: demo accounts and signing CA, whatever the hostname')
    .option('--role <roles>', 'vai trò của tiến trình / what this process does: smtp,imap,worker,web or all', 'all')
    .option('--workers <n>', 'số tiến trình trên máy này (cần PostgreSQL khi > 1) / gateway processes on this host (PostgreSQL when > 1)', '1')
    .action(async (options: { demo?: boolean; role: string; workers: string }) => {
      const { config, policy } = loadConfigAndPolicyOrExit(program.opts<GlobalOptions>());
      const log = cliLogger('info');
      let roles: ReadonlySet<Role>;
      try {
        roles = parseRoles(options.role);
      } catch (err) {
        throw new CliError((err as Error).message, 2);
      }
      const workers = Number(options.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new CliError(`--workers: 1..64 (${options.workers})`, 2);
      // tsx turns on source-mapped stack traces; sequelize formats a stack for every query, and mapping
      // it costs more than the query. DOCGATE_DEBUG keeps them for debugging.
      if (!process.env.DOCGATE_DEBUG) process.setSourceMapsEnabled(false);
      if (workers > 1 && cluster.isPrimary) return superviseWorkers(config, workers, log);
      let gateway: Gateway;
      try {
        gateway = await startGateway({ config, policy, log, demo: options.demo === true, roles, adminListener: !cluster.isWorker });
      } catch (err) {
        if (err instanceof PreflightError) throw new CliError(`Không khởi động được, chưa thay đổi gì / Cannot start, nothing was changed:\n${err.message}`, 2);
        throw err;
      }
      if (gateway.demoCredentials) {
        process.stdout.write(`\n${gateway.demoCredentials}\n(đã lưu tại / saved in ${path.join(config.dataDir, 'demo-credentials.txt')})\n\n`);
      }

      // One timer per thing reloaded: an editor's several writes of one save cause one reload.
      const timers = new Map<string, NodeJS.Timeout>();
      const later = (what: string, work: () => unknown) => {
        clearTimeout(timers.get(what));
        timers.set(
          what,
          setTimeout(() => void work(), 200),
        );
      };
      const reloadPolicy = () => later('policy', () => gateway.reloadPolicy());
      const reloadAgencies = () => later('agencies', () => gateway.reloadAgencies());
      const reloadTrust = () => later('trust', () => gateway.reloadTrust());
      process.on('SIGHUP', () => {
        reloadPolicy();
        reloadAgencies();
        reloadTrust();
        // Who sent the signal is not known: the event names the gateway's own OS user.
        recordAdminAction(gateway.storage, { actor: adminActor(), action: 'config-reload', subject: 'SIGHUP', note: 'policy, agencies, trust' }).catch(
          (err: Error) => log.error('config reload event not recorded', { err: err.message }),
        );
      });
      const watchers = [
        watch(config.configDir, (_event, file) => {
          if (file === CONFIG_FILES.policy) reloadPolicy();
          else if (file === CONFIG_FILES.agencies) reloadAgencies();
        }),
      ];
      // Polling as well: inotify events can be missed (a configuration on NFS, the per-user watch limits
      // of a busy host); a change is still applied within two seconds.
      const polled = [path.join(config.configDir, CONFIG_FILES.policy), path.join(config.configDir, CONFIG_FILES.agencies)];
      watchFile(polled[0], { interval: 2000 }, (now, before) => now.mtimeMs !== before.mtimeMs && reloadPolicy());
      watchFile(polled[1], { interval: 2000 }, (now, before) => now.mtimeMs !== before.mtimeMs && reloadAgencies());
      // The trust directories that exist now (a new one is seen on use within 5 s, or at SIGHUP).
      const trustDirs = trustPathsOf(config.configDir, config.docgate.trust);
      for (const dir of [trustDirs.anchors, trustDirs.intermediates, trustDirs.crl]) {
        try {
          watchers.push(watch(dir, () => reloadTrust()));
        } catch {
          // missing or unreadable: preflight reported an unreadable one; a missing one is empty
        }
      }

      // Announced only now: an edit made as soon as the gateway says it runs is seen by the watchers.
      const lines = listenerLines(gateway);
      // A cluster worker tells its primary, which announces once for all.
      if (cluster.isWorker) joinCluster(gateway.metrics.registry, lines);
      else announce(lines, gateway.admin);

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info('stopping', { signal });
        for (const w of watchers) w.close();
        for (const file of polled) unwatchFile(file);
        await gateway.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}

/** The lines `serve` prints once it serves (tests and operators read the ports from them). */
function listenerLines(gateway: Gateway): string[] {
  return [
    ...gateway.smtp.map((l) => `SMTP ${l.listener.tls === 'implicit' ? 'TLS' : 'STARTTLS'}: ${l.listener.host}:${l.port}`),
    ...gateway.imap.map((l) => `IMAP ${l.listener.tls === 'implicit' ? 'TLS' : 'STARTTLS'}: ${l.listener.host}:${l.port}`),
    ...gateway.web.map((l) => `Web: https://${l.listener.host.includes(':') ? `[${l.listener.host}]` : l.listener.host}:${l.port}/`),
  ];
}

function announce(lines: string[], admin: { host: string; port: number } | null): void {
  for (const line of lines) process.stdout.write(`${line}\n`);
  if (admin) process.stdout.write(`Admin (metrics, healthz, readyz): http://${admin.host}:${admin.port}\n`);
  process.stdout.write('docgate đang chạy / docgate is running\n');
}

/** `serve --workers N` in the primary: forks, supervises and stops the workers. */
async function superviseWorkers(config: Config, workers: number, log: Logger): Promise<void> {
  const refusal = workersRefusal(config, workers);
  if (refusal) throw new CliError(refusal, 2);
  let primary;
  try {
    primary = await startClusterPrimary(config, workers, log);
  } catch (err) {
    throw new CliError(`Không khởi động được / Cannot start: ${(err as Error).message}`, 2);
  }
  // Before announce: its last line tells readers (tests, operators' scripts) that everything is printed.
  process.stdout.write(`${workers} tiến trình / worker processes\n`);
  announce(primary.lines, primary.admin);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal, workers });
    await primary.stop(signal);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
