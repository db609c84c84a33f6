// A really full disk: the data directory on a 20 MiB tmpfs, ten sessions submitting 100 KB-1 MB
// documents until it fills. Every 250 must be stored byte-exact and readable over IMAP, every other
// reply must be 4xx (never 5xx for a full disk, never a "returned" entry), and `docgate store check`
// must be clean after the orphan sweep. Needs root for mount; skipped with the reason otherwise.

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../config/log.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { runCli } from '../helpers/child.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { addClerk, transport, TEST_PASSWORD } from '../helpers/gateway.js';
import { CLERKS, composeDocument } from '../helpers/imap.js';

const SESSIONS = 10;
const PER_SESSION = 6;

// With the database elsewhere, commits still succeed once the spool's disk is full: a short write
// ignored there becomes a 250 for truncated bytes, which this case would catch.
for (const dbElsewhere of [false, true])
  describe(`a full disk under concurrent submissions (database ${dbElsewhere ? 'on another disk' : 'on the full disk too'})`, function () {
    this.timeout(180_000);
    let env: TestEnv;
    let mountDir = '';
    let mounted = false;
    let dbDir = '';
    let gateway: Gateway | null = null;

    before(function () {
      if (dbElsewhere) dbDir = mkdtempSync(path.join(os.tmpdir(), 'docgate-full-db-'));
      env = createTestEnv({ imap: true, ...(dbElsewhere ? { docgate: { database: { url: `sqlite:${path.join(dbDir, 'docgate.sqlite')}` } } } : {}) });
      mountDir = mkdtempSync(path.join(os.tmpdir(), 'docgate-full-'));
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m,mode=0700', 'tmpfs', mountDir], { stdio: 'pipe' });
        mounted = true;
      } catch (err) {
        console.log(`      skipped: cannot mount a tmpfs (${String((err as Error).message).split('\n')[0]}); needs root`);
        this.skip();
      }
    });

    after(async () => {
      await gateway?.close().catch(() => undefined);
      if (mounted) execFileSync('umount', ['-l', mountDir]);
      if (mountDir) rmdirSync(mountDir);
      env?.cleanup();
      if (dbDir) rmSync(dbDir, { recursive: true, force: true });
    });

    it('stores every accepted document exactly and answers 4xx for the rest', async function () {
      const config = loadConfig({ configDir: env.configDir, dataDir: mountDir });
      gateway = await startGateway({ config, log: createLogger('silent') });
      await addClerk(gateway, CLERKS.ubnd, AGENCIES.ubnd.id);
      await addClerk(gateway, CLERKS.snv, AGENCIES.snv.id);
      const port = gateway.smtp.find((l) => l.listener.tls === 'starttls')!.port;

      const accepted = new Map<string, Buffer>();
      const refused: string[] = [];
      const deadline = Date.now() + 90_000;
      await Promise.all(
        Array.from({ length: SESSIONS }, async (_, s) => {
          for (let i = 0; i < PER_SESSION && Date.now() < deadline; i++) {
            const size = 100_000 + (((s * PER_SESSION + i) * 157_000) % 900_000);
            const content = Buffer.from('PK\u0003\u0004' + `phien ${s} van ban ${i} `.repeat(Math.ceil(size / 20)).slice(0, size), 'latin1');
            const raw = await composeDocument({
              subject: `Van ban ${s}-${i}`,
              text: `Số ký hiệu: ${s}${i}/UBND`,
              attachments: [{ filename: `vb-${s}-${i}.docx`, content }],
            });
            const client = transport(port, CLERKS.ubnd);
            try {
              const info = await client.sendMail({ envelope: { from: CLERKS.ubnd, to: [CLERKS.snv] }, raw });
              expect(info.response, 'a 250').to.match(/^250 /);
              const messageId = /^Message-ID: (<[^>]+>)/im.exec(raw.toString('latin1'))![1];
              accepted.set(messageId, raw);
            } catch (err) {
              const e = err as { responseCode?: number; response?: string; message: string };
              refused.push(e.response ?? e.message);
              expect(e.responseCode, `not a 4xx: ${e.response ?? e.message}`).to.be.within(400, 499);
            } finally {
              client.close();
            }
          }
        }),
      );
      expect(refused.length, 'the disk must have filled').to.be.greaterThan(0);
      for (const reply of refused) expect(reply).to.match(/^4\d\d 4\.\d+\.\d+ /);
      const returned = await gateway.storage.db.sequelize.query("SELECT COUNT(*) AS n FROM documents WHERE status = 'returned'", { plain: true });
      expect(Number((returned as { n: unknown }).n), 'no full-disk failure may be judged').to.equal(0);

      // Every 250 is readable over IMAP, byte for byte (after docgate's trace prefix).
      const imap = new ImapFlow({
        host: '127.0.0.1',
        port: gateway.imap.find((l) => l.listener.tls === 'implicit')!.port,
        secure: true,
        tls: { rejectUnauthorized: false },
        auth: { user: CLERKS.snv, pass: TEST_PASSWORD },
        logger: false,
      });
      await imap.connect();
      const served = new Map<string, Buffer>();
      try {
        await imap.mailboxOpen('INBOX');
        for await (const msg of imap.fetch('1:*', { source: true, envelope: true })) served.set(msg.envelope!.messageId!, msg.source!);
      } finally {
        await imap.logout();
      }
      expect(served.size).to.equal(accepted.size);
      for (const [id, raw] of accepted) {
        const bytes = served.get(id);
        expect(bytes, id).to.not.equal(undefined);
        expect(bytes!.subarray(bytes!.length - raw.length).equals(raw), `${id} byte-exact`).to.equal(true);
      }

      await gateway.close();
      gateway = null;
      const cli = (args: string[]) => runCli([...args, '--config', env.configDir, '--data', mountDir]);
      const sweep = await cli(['store', 'sweep', '--grace', '0']);
      expect(sweep.code, sweep.stdout + sweep.stderr).to.equal(0);
      const check = await cli(['store', 'check']);
      expect(check.code, check.stdout + check.stderr).to.equal(0);
    });
  });
