// Running one policy check on a real message in a unit test: the message is composed by nodemailer
// (a real producer), parsed by docgate's own MIME parser and built into an InboundMessage exactly as
// intake does; the check gets a real config and an injected clock and services.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { AgencyDirectory } from '../../config/agencies.js';
import { loadConfig, type Config } from '../../config/load.js';
import { createLogger } from '../../config/log.js';
import { buildInboundMessage } from '../../policies/build-message.js';
import type { InboundMessage } from '../../policies/message.js';
import { parseMimeBuffer } from '../../policies/mime/parser.js';
import { ByteBudget } from '../../policies/files/budget.js';
import { scanStream } from '../../policies/malware/clamd.js';
import { missingServices, providesAll, type PolicyServices, type ServiceName } from '../../policies/services.js';
import type { CheckDefinition, CheckReport } from '../../policies/types.js';
import { AGENCIES, createTestEnv, REPO_ROOT } from './env.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/policy');
export const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));

/** 21/11/2026 10:00 in Hà Tĩnh: the day after the form lines' default signing date. */
export const TEST_NOW = new Date('2026-11-21T03:00:00Z');

export const FORM_LINES = [
  'Số ký hiệu: 05/QĐ-UBND',
  'Ngày ký: 21/11/2026',
  'Người ký: Nguyễn Văn An',
  'Loại văn bản: Quyết định',
  'Trích yếu: V/v triển khai văn bản điện tử',
];

let cachedConfig: Config | null = null;
export function testConfig(): Config {
  if (!cachedConfig) {
    const env = createTestEnv();
    cachedConfig = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
    env.cleanup();
  }
  return cachedConfig;
}

export async function composeRaw(options: Mail.Options): Promise<Buffer> {
  const composer = new MailComposer({
    from: `Văn thư UBND <${AGENCIES.ubnd.address}>`,
    to: AGENCIES.snv.address,
    subject: 'V/v triển khai văn bản điện tử',
    text: FORM_LINES.join('\n'),
    ...options,
  });
  const built = await composer.compile().build();
  return Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export async function messageFrom(raw: Buffer): Promise<InboundMessage> {
  const config = testConfig();
  const agencies = new AgencyDirectory(config.agencies);
  const mime = await parseMimeBuffer(raw, { tempDir: '/tmp' });
  return buildInboundMessage({
    trackingId: 'DG20261121-TESTTESTTE',
    receivedAt: TEST_NOW,
    envelope: { mailFrom: AGENCIES.ubnd.address, rcptTo: [AGENCIES.snv.address] },
    sender: { account: AGENCIES.ubnd.address, agency: agencies.get(AGENCIES.ubnd.id)!, remoteAddress: '127.0.0.1' },
    recipientAgencies: [agencies.get(AGENCIES.snv.id)!],
    raw: { path: '/dev/null', size: raw.length, sha256: '' },
    mime,
  });
}

export async function composeMessage(options: Mail.Options): Promise<InboundMessage> {
  return messageFrom(await composeRaw(options));
}

/** The services a gateway always has, as real as in gateway/server.ts; a test adds or replaces its own. */
function defaultServices(): Partial<PolicyServices> {
  return { memoryBudget: new ByteBudget(256 * 1024 * 1024), clamd: { scan: scanStream } };
}

export async function runCheck<O, N extends ServiceName = never>(
  check: CheckDefinition<O, N>,
  message: InboundMessage,
  options: unknown = {},
  extra: { now?: Date; services?: Partial<PolicyServices> } = {},
): Promise<CheckReport> {
  const config = testConfig();
  const services = { ...defaultServices(), ...extra.services };
  // The engine would report one internal-error finding (test/unit/policies/engine.test.ts); a unit test wants to know.
  if (!providesAll(services, check.needs)) throw new Error(`missing service(s): ${missingServices(services, check.needs).join(', ')}`);
  const result = await check.run(message, {
    timeZone: config.docgate.timezone,
    agencies: new AgencyDirectory(config.agencies),
    options: check.options.parse(options),
    now: () => extra.now ?? TEST_NOW,
    log: createLogger('silent'),
    signal: new AbortController().signal,
    services,
  });
  return Array.isArray(result) ? { findings: result } : result;
}

export const codes = (report: CheckReport): string[] => report.findings.map((f) => f.code);

/** Windows-1258 keeps letters with ^, ˘ and horn precomposed and writes tones as combining marks. */
export function toWindows1258Form(text: string): string {
  const modifiers = '\u0302\u0306\u031b';
  return text.normalize('NFD').replace(/(\p{L})(\p{M}*)/gu, (_, base: string, marks: string) => {
    const keep = [...marks].filter((m) => modifiers.includes(m)).join('');
    return (base + keep).normalize('NFC') + [...marks].filter((m) => !modifiers.includes(m)).join('');
  });
}
