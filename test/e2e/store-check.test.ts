// `docgate store check|sweep` and the gateway's own orphan sweep: rows without blobs, blobs without
// rows and damaged blobs are reported (exit 1); only unreferenced blobs older than the grace period go.

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/child.js';
import type { TestGateway } from '../helpers/gateway.js';
import { deliver, startImapGateway } from '../helpers/imap.js';
import { fileStoreOf } from '../../storage/blobs.js';

function plantBlob(tg: TestGateway, text: string, ageMs: number): string {
  const data = Buffer.from(text);
  const sha = createHash('sha256').update(data).digest('hex');
  const file = fileStoreOf(tg.gateway.storage.blobs).pathOf(sha);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
  return sha;
}

async function blobOf(tg: TestGateway, trackingId: string): Promise<string> {
  const doc = await tg.gateway.storage.register.findDocument(trackingId);
  return (await tg.gateway.storage.db.models.Message.findByPk(doc!.messageRowId!))!.get({ plain: true }).blobSha256;
}

describe('docgate store check and the orphan sweep', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let cli: (args: string[]) => ReturnType<typeof runCli>;
  before(async () => {
    tg = await startImapGateway();
    cli = (args) => runCli([...args, '--config', tg.env.configDir, '--data', tg.env.dataDir]);
  });
  after(async () => tg?.stop());

  it('is clean after deliveries, then reports each kind of damage and exits 1', async () => {
    const a = await blobOf(tg, (await deliver(tg, { subject: 'Cong van 1', text: 'Số ký hiệu: 11/UBND' })).trackingId);
    const b = await blobOf(tg, (await deliver(tg, { subject: 'Cong van 2', text: 'Số ký hiệu: 12/UBND' })).trackingId);
    const clean = await cli(['store', 'check']);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
    expect(clean.stdout).to.match(/thiếu 0, thừa 0, hỏng 0 \/ .*missing 0, unreferenced 0, damaged 0/);

    const orphan = plantBlob(tg, 'orphan left by a failed commit', 2 * 3600_000);
    const damaged = fileStoreOf(tg.gateway.storage.blobs).pathOf(a);
    const bytes = readFileSync(damaged);
    bytes[bytes.length - 3] ^= 0x20;
    writeFileSync(damaged, bytes);
    rmSync(fileStoreOf(tg.gateway.storage.blobs).pathOf(b));
    const dirty = await cli(['store', 'check']);
    expect(dirty.code).to.equal(1);
    expect(dirty.stdout).to.contain(`row without blob: ${b}`);
    expect(dirty.stdout).to.contain(`blob without row: ${orphan}`);
    expect(dirty.stdout).to.match(new RegExp(`Tệp hỏng: ${a} .* / damaged blob: ${a} \\(sha256 `));
    expect(dirty.stderr).to.contain('Store is not consistent');
  });

  it('sweep removes only unreferenced blobs older than the grace period', async () => {
    const old = plantBlob(tg, 'old orphan', 2 * 3600_000);
    const young = plantBlob(tg, 'young orphan, maybe an in-flight transaction', 60_000);
    const swept = await cli(['store', 'sweep']);
    expect(swept.code, swept.stderr).to.equal(0);
    expect(swept.stdout).to.contain(`removed: ${old}`);
    expect(existsSync(fileStoreOf(tg.gateway.storage.blobs).pathOf(old))).to.equal(false);
    expect(existsSync(fileStoreOf(tg.gateway.storage.blobs).pathOf(young))).to.equal(true);
  });

  it('the gateway sweeps old orphans at start', async () => {
    const old = plantBlob(tg, 'orphan of a process that died', 2 * 3600_000);
    const { loadConfig } = await import('../../config/load.js');
    const { startGateway } = await import('../../gateway/server.js');
    const { createLogger } = await import('../../config/log.js');
    const second = await startGateway({ config: loadConfig({ configDir: tg.env.configDir, dataDir: tg.env.dataDir }), log: createLogger('silent') });
    try {
      for (let i = 0; i < 50 && existsSync(fileStoreOf(tg.gateway.storage.blobs).pathOf(old)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(fileStoreOf(tg.gateway.storage.blobs).pathOf(old))).to.equal(false);
    } finally {
      await second.close();
    }
  });
});
