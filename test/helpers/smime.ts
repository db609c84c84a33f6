// S/MIME test fixtures (test/fixtures/smime, made by make-fixtures.sh): messages as InboundMessages,
// trust stores over copies of the fixture trust directories, and the smime-signature check run with a
// fixed `now` (the fixtures' signing time + 2 h), so verdicts never depend on the wall clock.

import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgencyDirectory } from '../../config/agencies.js';
import { createLogger } from '../../config/log.js';
import { buildInboundMessage } from '../../policies/build-message.js';
import type { InboundMessage } from '../../policies/message.js';
import { parseMimeFile } from '../../policies/mime/parser.js';
import { unwrapOpaqueSignature } from '../../gateway/intake/unwrap.js';
import { smimeSignatureCheck, type SmimeOptions } from '../../policies/checks/smime-signature.js';
import { TrustStore } from '../../policies/smime/trust-store.js';
import type { CheckReport } from '../../policies/types.js';
import { AGENCIES, REPO_ROOT, TEST_AGENCIES_YAML } from './env.js';

export const SMIME_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/smime');
export const SMIME_MESSAGES = path.join(SMIME_FIXTURES, 'messages');
export const SMIME_TRUST = path.join(SMIME_FIXTURES, 'trust');
export const SMIME_TRUST_STALE = path.join(SMIME_FIXTURES, 'trust-stale');

const manifest = JSON.parse(readFileSync(path.join(SMIME_FIXTURES, 'manifest.json'), 'utf8')) as { signedAt: string; testNow: string };
export const SIGNED_AT = new Date(manifest.signedAt);
/** Two hours after the fixtures were signed: the "expiring" certificate has expired since. */
export const TEST_NOW = new Date(manifest.testNow);

export const agencies = new AgencyDirectory(TEST_AGENCIES_YAML.agencies);
export const silentLog = createLogger('silent');

export function fixturePath(name: string): string {
  return path.join(SMIME_MESSAGES, name);
}

export function fixture(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

/** A private copy of a fixture trust directory (tests may change it). */
export function copyTrust(from = SMIME_TRUST): { dir: string; paths: { anchors: string; intermediates: string; crl: string }; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-trust-'));
  cpSync(from, dir, { recursive: true });
  return {
    dir,
    paths: { anchors: path.join(dir, 'anchors'), intermediates: path.join(dir, 'intermediates'), crl: path.join(dir, 'crl') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function openTrust(from = SMIME_TRUST, checkIntervalMs = 0): Promise<TrustStore> {
  return TrustStore.open({
    paths: { anchors: path.join(from, 'anchors'), intermediates: path.join(from, 'intermediates'), crl: path.join(from, 'crl') },
    log: silentLog,
    checkIntervalMs,
  });
}

/** Parses a stored message file as intake does (with the opaque S/MIME unwrap step). */
export async function loadMessage(file: string, agencyId: string = AGENCIES.ubnd.id): Promise<InboundMessage & { dispose(): Promise<void> }> {
  const tempDir = os.tmpdir();
  const mime = await parseMimeFile(file, { tempDir });
  const unwrapped = await unwrapOpaqueSignature(mime, { tempDir });
  const message = await buildInboundMessage({
    trackingId: 'DG20261125-TESTTESTTE',
    receivedAt: TEST_NOW,
    envelope: { mailFrom: AGENCIES.ubnd.address, rcptTo: [AGENCIES.snv.address] },
    sender: { account: AGENCIES.ubnd.address, agency: agencies.get(agencyId)!, remoteAddress: '127.0.0.1' },
    recipientAgencies: [agencies.get(AGENCIES.snv.id)!],
    raw: { path: file, size: 0, sha256: '' },
    mime,
    unwrapped,
  });
  return Object.assign(message, { dispose: async () => (await unwrapped?.dispose(), await mime.dispose()) });
}

export interface RunOptions {
  options?: Record<string, unknown>;
  trust?: TrustStore;
  now?: Date;
  agencyId?: string;
}

/** Runs the smime-signature check on a fixture message. */
export async function runSmimeCheck(name: string, run: RunOptions = {}): Promise<CheckReport> {
  const message = await loadMessage(fixturePath(name), run.agencyId);
  try {
    const options: SmimeOptions = smimeSignatureCheck.options.parse(run.options ?? {});
    const trust = run.trust ?? (await openTrust());
    const now = run.now ?? TEST_NOW;
    const result = await smimeSignatureCheck.run(message, {
      timeZone: 'Asia/Ho_Chi_Minh',
      agencies,
      options,
      now: () => now,
      log: silentLog,
      signal: new AbortController().signal,
      services: { trust },
    });
    return Array.isArray(result) ? { findings: result } : result;
  } finally {
    await message.dispose();
  }
}

export function codes(report: CheckReport): string[] {
  return report.findings.map((f) => f.code);
}
