// First start with the sample configuration: one clerk per agency, passwords printed once and kept in
// data/demo-credentials.txt (mode 0600). Demo accounts are permanent so the quick start works at once;
// accounts made with `docgate account add` get a temporary password that must be changed.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/load.js';
import type { Storage } from '../storage/index.js';
import { hashPassword } from '../storage/accounts/password.js';
import { generateAcceptablePassword } from '../storage/accounts/password-rules.js';
import type { Logger } from './log.js';

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';

export async function seedDemoAccounts(config: Config, storage: Storage, log: Logger, now: () => Date): Promise<string | null> {
  if (!config.docgate.demo.seedAccounts) return null;
  if ((await storage.accounts.count()) > 0) return null;
  const ports = (listeners: readonly { port: number; tls: string }[]) =>
    listeners.map((l) => `${l.port} ${l.tls === 'implicit' ? 'TLS' : 'STARTTLS'}`).join(', ') || '-';
  const smtp = ports(config.docgate.smtp.listeners);
  const imap = ports(config.docgate.imap.listeners);
  const lines = [
    '# docgate - tai khoan thu nghiem / demo accounts',
    `# Van thu gui van ban qua SMTP (cong ${smtp}) va nhan qua IMAP (cong ${imap}) bang cac tai khoan nay.`,
    `# Clerks send over SMTP (port ${smtp}) and read over IMAP (port ${imap}) with these accounts.`,
    '',
  ];
  for (const agency of config.agencies) {
    const email = agency.addresses[0] ?? `vanthu@${agency.domain}`;
    const password = generateAcceptablePassword(email, config.docgate.auth.minPasswordLength);
    const passwordHash = await hashPassword(password);
    await storage.writes.run((t) => storage.accounts.create(t, { email, agencyId: agency.id, passwordHash, mustChangePassword: false, now: now() }));
    lines.push(`${email}\t${password}\t${agency.id}\t${agency.name}`);
  }
  const file = path.join(config.dataDir, DEMO_CREDENTIALS_FILE);
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  log.info('demo accounts created', { file });
  return lines.join('\n') + '\n';
}
