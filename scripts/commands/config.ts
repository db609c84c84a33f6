// docgate config check: validates the three configuration files without starting anything.

import type { Command } from 'commander';
import { loadConfigAndPolicyOrExit, say, type GlobalOptions } from './context.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Cấu hình / configuration');
  config
    .command('check')
    .description('Kiểm tra các tệp cấu hình / validate the configuration files')
    .action(() => {
      const { config: loaded, policy } = loadConfigAndPolicyOrExit(program.opts<GlobalOptions>());
      say(
        `Cấu hình hợp lệ: ${loaded.agencies.length} cơ quan, ${policy.checks.length} kiểm tra (${loaded.configDir})`,
        `Configuration is valid: ${loaded.agencies.length} agencies, ${policy.checks.length} checks (${loaded.configDir})`,
      );
    });
}
