// Starting a real gateway in-process on loopback for a test, with clerks and real SMTP clients.

import nodemailer from 'nodemailer';
import { loadConfig } from '../../config/load.js';
import { createLogger, logLevelFromEnv } from '../../config/log.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../gateway/server.js';
import { hashPassword } from '../../storage/accounts/password.js';
import { createTestEnv, type TestEnv, type TestEnvOptions } from './env.js';

export interface TestGateway {
  env: TestEnv;
  gateway: Gateway;
  starttlsPort: number;
  tlsPort: number;
  /** IMAP ports (0 unless started with `imap: true`). */
  imapTlsPort: number;
  imapStarttlsPort: number;
  stop(): Promise<void>;
}

export const TEST_PASSWORD = 'Mat-khau-thu-nghiem-2026';

export async function startTestGateway(
  options: TestEnvOptions & Partial<Pick<GatewayOptions, 'now' | 'services'>> & { beforeStart?: (env: TestEnv) => Promise<void> } = {},
): Promise<TestGateway> {
  const env = createTestEnv(options);
  // A register filled before the gateway opens it (benches seed its database file directly).
  await options.beforeStart?.(env);
  const config = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
  const gateway = await startGateway({ config, log: createLogger(logLevelFromEnv('silent')), now: options.now, services: options.services });
  const starttls = gateway.smtp.find((l) => l.listener.tls === 'starttls');
  const implicit = gateway.smtp.find((l) => l.listener.tls === 'implicit');
  return {
    env,
    gateway,
    starttlsPort: starttls?.port ?? 0,
    tlsPort: implicit?.port ?? 0,
    imapTlsPort: gateway.imap.find((l) => l.listener.tls === 'implicit')?.port ?? 0,
    imapStarttlsPort: gateway.imap.find((l) => l.listener.tls === 'starttls')?.port ?? 0,
    async stop() {
      await gateway.close();
      env.cleanup();
    },
  };
}

export async function addClerk(gateway: Gateway, email: string, agencyId: string, options: { password?: string; mustChange?: boolean } = {}): Promise<string> {
  const password = options.password ?? TEST_PASSWORD;
  const passwordHash = await hashPassword(password);
  await gateway.storage.writes.run((t) =>
    gateway.storage.accounts.create(t, { email, agencyId, passwordHash, mustChangePassword: options.mustChange ?? false, now: new Date() }),
  );
  return password;
}

export function transport(port: number, user: string, pass = TEST_PASSWORD, secure = false) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure,
    requireTLS: !secure,
    tls: { rejectUnauthorized: false },
    auth: { user, pass },
    pool: false,
  });
}
