#!/usr/bin/env node
// The docgate command line: serve, config check, account management, quarantine, register, report, store check.
// Exit codes: 0 ok, 1 failure, 2 bad configuration or usage, 3 nothing found (register list/search/show, report).

import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './commands/account.js';
import { registerAlertCommands } from './commands/alert.js';
import { registerDocumentCommands } from './commands/document.js';
import { registerConfigCommands } from './commands/config.js';
import { registerExportCommands } from './commands/export.js';
import { CliError } from './commands/context.js';
import { registerQuarantineCommands } from './commands/quarantine.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerReceiptCommands } from './commands/receipt.js';
import { registerRegisterCommands } from './commands/register.js';
import { registerReportCommands } from './commands/report.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStoreCommands } from './commands/store.js';
import { DATA_UMASK } from '../storage/data-permissions.js';

export function buildProgram(): Command {
  const program = new Command('docgate')
    .description('docgate - cổng trao đổi văn bản điện tử / official electronic document gateway')
    .option('--config <dir>', 'thư mục cấu hình / configuration directory (DOCGATE_CONFIG, ./config)')
    .option('--data <dir>', 'thư mục dữ liệu / data directory (DOCGATE_DATA, ./data)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerServeCommand(program);
  registerConfigCommands(program);
  registerAccountCommands(program);
  registerQuarantineCommands(program);
  registerQueueCommands(program);
  registerAlertCommands(program);
  registerDocumentCommands(program);
  registerReceiptCommands(program);
  registerRegisterCommands(program);
  registerReportCommands(program);
  registerStoreCommands(program);
  registerExportCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    const original = (err as { original?: Error }).original;
    process.stderr.write(`Lỗi / Error: ${(err as Error).message}${original ? ` (${original.message})` : ''}\n`);
    if (process.env.DOCGATE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /docgate\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  // Everything docgate writes under data/ (database, WAL, blobs, spool, keys) is owner-only.
  process.umask(DATA_UMASK);
  const code = await main(process.argv);
  // serve keeps running; other commands end here.
  // (global options such as --config may come before the command name)
  const serving = process.argv.slice(2).find((a, i, all) => !a.startsWith('-') && !['--config', '--data'].includes(all[i - 1] ?? '')) === 'serve';
  if (!serving || code !== 0) process.exit(code);
}
