// What every command needs: the configuration directory and data directory (flags, then environment,
// then ./config and ./data), the loaded configuration, and bilingual output helpers. It does not load the
// policy engine (policy-context.ts does): commands such as `account list` start without the checks' libraries.

import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../config/load.js';
import { createLogger, logLevelFromEnv, type Logger } from '../../config/log.js';

export interface GlobalOptions {
  config?: string;
  data?: string;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function resolveDirs(options: GlobalOptions): { configDir: string; dataDir: string } {
  return {
    configDir: path.resolve(options.config ?? process.env.DOCGATE_CONFIG ?? './config'),
    dataDir: path.resolve(options.data ?? process.env.DOCGATE_DATA ?? './data'),
  };
}

export function loadConfigOrExit(options: GlobalOptions): Config {
  try {
    return loadConfig(resolveDirs(options));
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new CliError(`Cấu hình không hợp lệ / Invalid configuration:\n${err.message}`, 2);
    }
    throw err;
  }
}

export function cliLogger(fallback: 'info' | 'warn' = 'warn'): Logger {
  return createLogger(logLevelFromEnv(fallback));
}

/** Prints "Vietnamese / English" to stdout. */
export function say(vi: string, en: string): void {
  process.stdout.write(`${vi} / ${en}\n`);
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('Cần nhập mật khẩu qua stdin / Expected the password on stdin', 2);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
