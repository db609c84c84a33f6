// docgate config check: validates the three configuration files and what serve needs (files, directories,
// ports) without starting or creating anything.

import type { Command } from 'commander';
import { formatPreflightProblem, preflightProblems } from '../../gateway/preflight.js';
import { CliError, say, type GlobalOptions } from './context.js';
import { loadConfigAndPolicyOrExit } from './policy-context.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Cấu hình / configuration');
  config
    .command('check')
    .description('Kiểm tra các tệp cấu hình / validate the configuration files')
    .option('--no-ports', 'không thử mở cổng (khi cổng đang chạy) / skip the port check (while the gateway runs)')
    .action(async (options: { ports: boolean }) => {
      const { config: loaded, policy } = loadConfigAndPolicyOrExit(program.opts<GlobalOptions>());
      // Also what serve would die on: files, directories, ports (gateway/preflight.ts).
      const problems = await preflightProblems(loaded, { ports: options.ports });
      if (problems.length > 0) {
        throw new CliError(`Cấu hình không dùng được / Configuration cannot be used:\n${problems.map(formatPreflightProblem).join('\n')}`, 2);
      }
      say(
        `Cấu hình hợp lệ: ${loaded.agencies.length} cơ quan, ${policy.checks.length} kiểm tra (${loaded.configDir})`,
        `Configuration is valid: ${loaded.agencies.length} agencies, ${policy.checks.length} checks (${loaded.configDir})`,
      );
    });
}
