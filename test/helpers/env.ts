// Temporary configuration and data directories for one test: the sample agencies, loopback listeners on
// ephemeral ports, and whatever a test overrides. Removed by cleanup().

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { makeSelfSignedIdentity } from '../../gateway/signing/identity.js';
import { makeSelfSignedCertificate } from '../../gateway/tls.js';

/** The repository: the nearest folder above this file with a package.json (also from the build in dist/). */
export const REPO_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/**
 * The shipped config/ copied to `dir`, every listener (SMTP, IMAP, web, admin) moved to an ephemeral
 * port: two tests of the sample configuration in parallel runners must not both bind 2443 or 9464.
 */
export function copySampleConfig(dir: string): void {
  cpSync(path.join(REPO_ROOT, 'config'), dir, { recursive: true });
  const file = path.join(dir, 'docgate.yaml');
  const sample = readFileSync(file, 'utf8');
  if (/^admin:/m.test(sample)) throw new Error('config/docgate.yaml has an admin section: move its port here too');
  writeFileSync(file, `${sample.replace(/port: \d+/g, 'port: 0')}\nadmin:\n  port: 0\n`);
}

export const AGENCIES = {
  ubnd: { id: '000.00.00.H27', domain: 'ubnd.hatinh.gov.vn', address: 'vanthu@ubnd.hatinh.gov.vn' },
  snv: { id: '000.01.00.H27', domain: 'snv.hatinh.gov.vn', address: 'vanthu@snv.hatinh.gov.vn' },
  stttt: { id: '000.02.00.H27', domain: 'stttt.hatinh.gov.vn', address: 'vanthu@stttt.hatinh.gov.vn' },
} as const;

export const TEST_AGENCIES_YAML = {
  agencies: [
    {
      id: AGENCIES.ubnd.id,
      name: 'Ủy ban nhân dân tỉnh Hà Tĩnh',
      domain: AGENCIES.ubnd.domain,
      addresses: [AGENCIES.ubnd.address],
      leaders: [{ name: 'Nguyễn Văn An', phone: '+84912000001', email: 'chutich@ubnd.hatinh.gov.vn' }],
      relay: null,
    },
    { id: AGENCIES.snv.id, name: 'Sở Nội vụ tỉnh Hà Tĩnh', domain: AGENCIES.snv.domain, addresses: [AGENCIES.snv.address], leaders: [], relay: null },
    {
      id: AGENCIES.stttt.id,
      name: 'Sở Thông tin và Truyền thông tỉnh Hà Tĩnh',
      domain: AGENCIES.stttt.domain,
      addresses: [AGENCIES.stttt.address],
      leaders: [],
      relay: null,
    },
  ],
};

export interface TestEnv {
  root: string;
  configDir: string;
  dataDir: string;
  cleanup(): void;
}

export interface TestEnvOptions {
  /** Deep-merged over the test docgate.yaml. */
  docgate?: Record<string, unknown>;
  agencies?: unknown;
  policy?: unknown;
  /** Copy config/trust from the repository (S/MIME tests bring their own). */
  trustFrom?: string;
  /** Start the IMAP listeners (implicit TLS and STARTTLS) on ephemeral ports. */
  imap?: boolean;
  /**
   * Leave the data directory empty, so the gateway makes its TLS pair and signing identity itself
   * (otherwise copies made once per test process are written there, see seedSelfSigned).
   */
  firstStart?: boolean;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export function testDocgateYaml(over: Record<string, unknown> = {}): Record<string, unknown> {
  return merge(
    {
      hostname: 'docgate.test',
      timezone: 'Asia/Ho_Chi_Minh',
      database: { url: 'sqlite:docgate.sqlite' },
      tls: { cert: 'tls/cert.pem', key: 'tls/key.pem', selfSigned: true },
      smtp: {
        listeners: [
          { host: '127.0.0.1', port: 0, tls: 'starttls' },
          { host: '127.0.0.1', port: 0, tls: 'implicit' },
        ],
        idleTimeout: '30s',
      },
      imap: { listeners: [] },
      // Many gateways run side by side in tests: the metrics listener on an ephemeral port too.
      admin: { port: 0 },
      auth: { maxFailures: 5, failureWindow: '15m', lockDuration: '15m', minPasswordLength: 10 },
      demo: { seedAccounts: false },
    },
    over,
  );
}

interface SelfSignedMaterial {
  madeAt: number;
  tls: { cert: string; key: string };
  signing: { caPem: string; certificatePem: string; keyPem: string };
}

const selfSigned = new Map<string, SelfSignedMaterial>();

/**
 * The TLS pair and signing identity `serve` would make at first start with selfSigned (three RSA-2048
 * keys, ~0.3 s of CPU each), made once per test process and hostname by the same functions and written
 * into each new data directory, as the gateway writes them. Made again when the clock (fake timers) moved
 * more than an hour away, so certificates are always valid at the test's "now".
 */
function selfSignedFor(hostname: string): SelfSignedMaterial {
  const cached = selfSigned.get(hostname);
  if (cached && Math.abs(Date.now() - cached.madeAt) < 3600_000) return cached;
  const made = { madeAt: Date.now(), tls: makeSelfSignedCertificate(hostname), signing: makeSelfSignedIdentity(hostname) };
  selfSigned.set(hostname, made);
  return made;
}

/** Writes the first-start material when the configuration uses the default, self-signed paths under the data directory. */
function seedSelfSigned(dataDir: string, docgate: Record<string, unknown>): void {
  const tls = (docgate.tls ?? {}) as Record<string, unknown>;
  const signing = (docgate.signing ?? {}) as Record<string, unknown>;
  const defaultTls = tls.cert === 'tls/cert.pem' && tls.key === 'tls/key.pem' && tls.selfSigned !== false;
  const defaultSigning =
    (signing.cert ?? 'signing/gateway.crt') === 'signing/gateway.crt' &&
    (signing.key ?? 'signing/gateway.key') === 'signing/gateway.key' &&
    (signing.ca ?? 'signing/ca.crt') === 'signing/ca.crt' &&
    signing.selfSigned !== false;
  if (!defaultTls && !defaultSigning) return;
  const material = selfSignedFor(String(docgate.hostname));
  if (defaultTls) {
    mkdirSync(path.join(dataDir, 'tls'), { recursive: true });
    writeFileSync(path.join(dataDir, 'tls/key.pem'), material.tls.key, { mode: 0o600 });
    writeFileSync(path.join(dataDir, 'tls/cert.pem'), material.tls.cert, { mode: 0o600 });
  }
  if (defaultSigning) {
    mkdirSync(path.join(dataDir, 'signing'), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dataDir, 'signing/gateway.key'), material.signing.keyPem, { mode: 0o600 });
    writeFileSync(path.join(dataDir, 'signing/gateway.crt'), material.signing.certificatePem, { mode: 0o644 });
    writeFileSync(path.join(dataDir, 'signing/ca.crt'), material.signing.caPem, { mode: 0o644 });
  }
}

export function createTestEnv(options: TestEnvOptions = {}): TestEnv {
  const root = mkdtempSync(path.join(os.tmpdir(), 'docgate-test-'));
  const configDir = path.join(root, 'config');
  const dataDir = path.join(root, 'data');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const imap = options.imap
    ? {
        imap: {
          listeners: [
            { host: '127.0.0.1', port: 0, tls: 'implicit' },
            { host: '127.0.0.1', port: 0, tls: 'starttls' },
          ],
        },
      }
    : {};
  const docgate = testDocgateYaml(merge(imap, options.docgate ?? {}));
  writeFileSync(path.join(configDir, 'docgate.yaml'), stringify(docgate));
  if (options.firstStart !== true) seedSelfSigned(dataDir, docgate);
  writeFileSync(path.join(configDir, 'agencies.yaml'), stringify(options.agencies ?? TEST_AGENCIES_YAML));
  writeFileSync(path.join(configDir, 'policy.yaml'), stringify(options.policy ?? { checks: [{ id: 'sender-header' }], actions: {} }));
  if (options.trustFrom) cpSync(options.trustFrom, path.join(configDir, 'trust'), { recursive: true });
  else mkdirSync(path.join(configDir, 'trust'), { recursive: true });
  return { root, configDir, dataDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
