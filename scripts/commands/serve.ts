// docgate serve: runs the gateway until SIGINT/SIGTERM; SIGHUP, or an edit of policy.yaml, agencies.yaml or
// a trust directory, reloads what changed (a broken edit keeps what is in force, and is logged).

import { unwatchFile, watch, watchFile } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILES } from '../../config/load.js';
import { PreflightError } from '../../gateway/preflight.js';
import { trustPathsOf } from '../../policies/smime/trust-store.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { CliError, cliLogger, loadConfigAndPolicyOrExit, type GlobalOptions } from './context.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Chạy cổng văn bản / run the gateway')
    .option('--demo', 'chế độ thử nghiệm: tài khoản và CA ký số thử nghiệm / demo mode: demo accounts and signing CA, whatever the hostname')
    .action(async (options: { demo?: boolean }) => {
      const { config, policy } = loadConfigAndPolicyOrExit(program.opts<GlobalOptions>());
      const log = cliLogger('info');
      // tsx turns on source-mapped stack traces; sequelize formats a stack for every query, and mapping
      // it costs more than the query. DOCGATE_DEBUG keeps them for debugging.
      if (!process.env.DOCGATE_DEBUG) process.setSourceMapsEnabled(false);
      let gateway: Gateway;
      try {
        gateway = await startGateway({ config, policy, log, demo: options.demo === true });
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
      for (const l of gateway.smtp) {
        process.stdout.write(`SMTP ${l.listener.tls === 'implicit' ? 'TLS' : 'STARTTLS'}: ${l.listener.host}:${l.port}\n`);
      }
      for (const l of gateway.imap) {
        process.stdout.write(`IMAP ${l.listener.tls === 'implicit' ? 'TLS' : 'STARTTLS'}: ${l.listener.host}:${l.port}\n`);
      }
      for (const l of gateway.web) {
        process.stdout.write(`Web: https://${l.listener.host.includes(':') ? `[${l.listener.host}]` : l.listener.host}:${l.port}/\n`);
      }
      process.stdout.write('docgate đang chạy / docgate is running\n');

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
