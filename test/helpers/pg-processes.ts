// Several `docgate serve` processes on one PostgreSQL database and one data directory (scale-out
// tests): the temporary database, the environment with IMAP listeners, clerks added through the CLI,
// and a wire-level IDLE reader.

import { AGENCIES, createTestEnv, type TestEnv, type TestEnvOptions } from './env.js';
import { addAccountWithCli } from './child.js';
import { TEST_PASSWORD } from './gateway.js';
import { createTempDatabase, type TempDatabase } from './postgres.js';
import { ImapWire } from './imap-wire.js';

/** Skips the suite, saying why, when no PostgreSQL is named (.ci/run names one). */
export function requirePostgres(suite: Mocha.Context): void {
  if (process.env.DOCGATE_TEST_PG_URL) return;
  console.log('    (skipped: set DOCGATE_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test to run the PostgreSQL scale-out tests)');
  suite.skip();
}

export interface SharedEnv {
  env: TestEnv;
  db: TempDatabase;
  cleanup(): Promise<void>;
}

/** A data directory and configuration on a fresh PostgreSQL database, with `clerks` (address → agency id). */
export async function sharedPostgresEnv(options: TestEnvOptions, clerks: Record<string, string>): Promise<SharedEnv> {
  const db = await createTempDatabase();
  const env = createTestEnv({ imap: true, ...options, docgate: { ...(options.docgate ?? {}), database: { url: db.url } } });
  for (const [address, agency] of Object.entries(clerks)) {
    await addAccountWithCli(env, address, agency, TEST_PASSWORD);
  }
  return {
    env,
    db,
    async cleanup() {
      env.cleanup();
      await db.drop();
    },
  };
}

export const SNV_CLERK_2 = `vanthu2@${AGENCIES.snv.domain}`;

/** IMAP over implicit TLS, logged in. */
export async function imapLogin(port: number, user: string): Promise<ImapWire> {
  const wire = await ImapWire.connect(port, { tls: true });
  await wire.greeting();
  const r = await wire.login(user, TEST_PASSWORD);
  if (!/^A\d+ OK/.test(r.tagged)) throw new Error(`login failed: ${r.tagged}`);
  return wire;
}

/** Reads untagged lines (an IDLE in progress) until one matches; null when none does within `timeoutMs`. */
export async function lineMatching(wire: ImapWire, pattern: RegExp, timeoutMs: number): Promise<string | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const line = await wire.line(Math.max(1, until - Date.now())).catch(() => null);
    if (!line) return null;
    if (pattern.test(line.text)) return line.text;
  }
  return null;
}
