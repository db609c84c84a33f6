#!/usr/bin/env node
// The docgate command line: serve, config check, account management, quarantine, register, report, store check.
// Exit codes: 0 ok, 1 failure, 2 bad configuration or usage, 3 nothing found (register list/search/show, report).

import { Command, CommanderError } from 'commander';
import { CliError } from './commands/context.js';
import { DATA_UMASK } from '../storage/data-permissions.js';

type Registrar = (program: Command) => void;

/**
 * Each top-level command and how to load it. A run loads only the command it names (a `report` does not
 * load the web portal, a `queue list` not the policy engine); help and unknown names load them all.
 */
const COMMANDS: [string, () => Promise<Registrar>][] = [
  ['serve', async () => (await import('./commands/serve.js')).registerServeCommand],
  ['config', async () => (await import('./commands/config.js')).registerConfigCommands],
  ['account', async () => (await import('./commands/account.js')).registerAccountCommands],
  ['quarantine', async () => (await import('./commands/quarantine.js')).registerQuarantineCommands],
  ['queue', async () => (await import('./commands/queue.js')).registerQueueCommands],
  ['alert', async () => (await import('./commands/alert.js')).registerAlertCommands],
  ['document', async () => (await import('./commands/document.js')).registerDocumentCommands],
  ['receipt', async () => (await import('./commands/receipt.js')).registerReceiptCommands],
  ['register', async () => (await import('./commands/register.js')).registerRegisterCommands],
  ['report', async () => (await import('./commands/report.js')).registerReportCommands],
  ['store', async () => (await import('./commands/store.js')).registerStoreCommands],
  ['export', async () => (await import('./commands/export.js')).registerExportCommands],
];

/** The command a command line names (global options such as --config may come before it). */
function commandName(argv: string[]): string | undefined {
  return argv.slice(2).find((a, i, all) => !a.startsWith('-') && !['--config', '--data'].includes(all[i - 1] ?? ''));
}

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('docgate')
    .description('docgate - cổng trao đổi văn bản điện tử / official electronic document gateway')
    .option('--config <dir>', 'thư mục cấu hình / configuration directory (DOCGATE_CONFIG, ./config)')
    .option('--data <dir>', 'thư mục dữ liệu / data directory (DOCGATE_DATA, ./data)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const named = commandName(argv);
  const wanted = COMMANDS.filter(([name]) => name === named);
  for (const [, load] of wanted.length > 0 ? wanted : COMMANDS) (await load())(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
  const serving = commandName(process.argv) === 'serve';
  if (!serving || code !== 0) process.exit(code);
}
