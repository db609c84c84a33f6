// Demo mode only (config/demo-mode.ts): at first start one clerk per agency, passwords printed once and
// kept in data/demo-credentials.txt (mode 0600), each with an S/MIME signing certificate (PKCS#12, its
// password beside the account's) under the demo CA that the trust store then trusts. Demo accounts are
// permanent so the quick start works at once; `docgate account add` gives temporary passwords.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/load.js';
import type { Storage } from '../storage/index.js';
import { generatePassword, hashPassword } from '../storage/accounts/password.js';
import { generateAcceptablePassword, passwordRulesOf } from '../storage/accounts/password-rules.js';
import type { Logger } from '../config/log.js';
import { demoPkiPaths, ensureDemoCa, issueClerkCertificate, writeDemoCrl, type DemoPkiPaths } from './demo-pki.js';

const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';

/** The demo CA (made on first use) and a fresh CRL; returns the paths the trust store adds in demo mode. */
export function prepareDemoPki(config: Config, log: Logger, now: Date): DemoPkiPaths {
  const paths = demoPkiPaths(config.dataDir);
  const { ca, created } = ensureDemoCa(paths, now);
  writeDemoCrl(paths, ca, now);
  if (created) log.info('demo signing CA created', { cert: paths.caCert });
  return paths;
}

export async function seedDemoAccounts(config: Config, storage: Storage, log: Logger, now: () => Date): Promise<string | null> {
  if ((await storage.accounts.count()) > 0) return null;
  const pkiPaths = demoPkiPaths(config.dataDir);
  const { ca } = ensureDemoCa(pkiPaths, now());
  const ports = (listeners: readonly { port: number; tls: string }[]) =>
    listeners.map((l) => `${l.port} ${l.tls === 'implicit' ? 'TLS' : 'STARTTLS'}`).join(', ') || '-';
  const smtp = ports(config.docgate.smtp.listeners);
  const imap = ports(config.docgate.imap.listeners);
  const lines = [
    '# docgate - tai khoan thu nghiem / demo accounts',
    `# Van thu gui van ban qua SMTP (cong ${smtp}) va nhan qua IMAP (cong ${imap}) bang cac tai khoan nay.`,
    `# Clerks send over SMTP (port ${smtp}) and read over IMAP (port ${imap}) with these accounts.`,
    '# Chung thu ky so (PKCS#12, nhap vao Thunderbird) va mat khau cua tep o hai cot cuoi; CA thu nghiem:',
    '# Signing certificate (PKCS#12, import into Thunderbird) and its file password are the last two columns; demo CA:',
    `#   ${pkiPaths.caCert}`,
    '# dia chi / address, mat khau / password, ma dinh danh / agency id, co quan / agency, tep .p12 / .p12 file, mat khau tep / file password',
    '',
  ];
  for (const agency of config.agencies) {
    const email = agency.addresses[0] ?? `vanthu@${agency.domain}`;
    const password = generateAcceptablePassword(email, passwordRulesOf(config.docgate.auth));
    const passwordHash = await hashPassword(password);
    await storage.writes.run((t) => storage.accounts.create(t, { email, agencyId: agency.id, passwordHash, mustChangePassword: false, now: now() }));
    const p12 = issueClerkCertificate(pkiPaths, ca, { email, agencyName: agency.name }, generatePassword(), now());
    lines.push(`${email}\t${password}\t${agency.id}\t${agency.name}\t${p12.file}\t${p12.password}`);
  }
  const file = path.join(config.dataDir, DEMO_CREDENTIALS_FILE);
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  log.info('demo accounts created', { file });
  return lines.join('\n') + '\n';
}
