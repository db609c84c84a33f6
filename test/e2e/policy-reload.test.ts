// An administrator edits policy.yaml and the gateway applies it without dropping sessions; a broken
// edit keeps the policy in force. In-process through gateway.reloadPolicy(), and on a real
// `docgate serve` child process through SIGHUP (the file watcher may fire too: both reload).

import { expect } from 'chai';
import { CLI, ensureBuilt } from '../helpers/child.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { AGENCIES, createTestEnv, REPO_ROOT, type TestEnv } from '../helpers/env.js';
import { TEST_PASSWORD, transport } from '../helpers/gateway.js';
import type { TestGateway } from '../helpers/gateway.js';
import { freshNumberPolicy, startPolicyGateway, submit } from '../helpers/policy-e2e.js';
import { composeRaw, fixture, FORM_LINES } from '../helpers/policy.js';
import { localDate, vietnameseDate } from '../../policies/text/dates.js';

const run = promisify(execFile);
const pdf = { filename: 'Quyết định.pdf', content: fixture('qd-05.pdf') };
const strict = () => ({ ...freshNumberPolicy(), actions: { 'late-sending': 'reject' } });
const lateText = (date: string, n: number) =>
  FORM_LINES.map((l) => l.replace('05/QĐ-UBND', `${n}/QĐ-UBND`).replace(/^Ngày ký: .*/, `Ngày ký: ${date}`)).join('\n');

describe('policy reload', function () {
  this.timeout(60_000);

  describe('in process', function () {
    let tg: TestGateway;
    before(async () => {
      tg = await startPolicyGateway();
    });
    after(async () => tg?.stop());
    const policyFile = () => path.join(tg.env.configDir, 'policy.yaml');

    it('a broken edit keeps the old policy and says why; a good edit takes effect', async () => {
      expect((await submit(tg, { text: lateText('20/11/2026', 301), attachments: [pdf] })).response).to.match(/^250 2\.0\.0 \[warning:late-sending\]/);
      writeFileSync(policyFile(), 'checks:\n  - id: no-such-check\nactions: {}\n');
      const broken = tg.gateway.reloadPolicy();
      expect(broken.ok).to.equal(false);
      expect(broken.ok === false && broken.error).to.contain('no-such-check');
      expect((await submit(tg, { text: lateText('20/11/2026', 302), attachments: [pdf] })).response).to.match(/^250 2\.0\.0 \[warning:late-sending\]/);
      writeFileSync(policyFile(), stringify(strict()));
      expect(tg.gateway.reloadPolicy()).to.deep.equal({ ok: true });
      expect((await submit(tg, { text: lateText('20/11/2026', 303), attachments: [pdf] })).response).to.match(/^550 5\.7\.1 \[late-sending\] /);
    });
  });

  describe('docgate serve and SIGHUP', function () {
    before(() => ensureBuilt());
    let env: TestEnv;
    let child: ChildProcess | null = null;
    let stderr = '';
    after(async () => {
      if (child && child.exitCode === null) {
        const gone = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      env?.cleanup();
    });

    const docgate = (args: string[], input?: string) => {
      const p = run(process.execPath, [CLI, '--config', env.configDir, '--data', env.dataDir, ...args], { cwd: REPO_ROOT });
      if (input !== undefined) {
        p.child.stdin!.end(input);
      }
      return p;
    };

    async function send(port: number, n: number, date: string): Promise<string> {
      const raw = await composeRaw({ messageId: `<reload.${n}.${Date.now()}@ubnd.hatinh.gov.vn>`, text: lateText(date, n), attachments: [pdf] });
      const client = transport(port, AGENCIES.ubnd.address, TEST_PASSWORD);
      try {
        return (await client.sendMail({ envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] }, raw })).response;
      } catch (err) {
        return (err as { response?: string; message: string }).response ?? String((err as Error).message);
      } finally {
        client.close();
      }
    }

    const until = async (test: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`timed out; stderr:\n${stderr.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    it('SIGHUP after a broken edit keeps the policy; after a good edit applies it', async () => {
      env = createTestEnv({ policy: freshNumberPolicy() });
      await docgate(['account', 'add', AGENCIES.ubnd.address, '--agency', AGENCIES.ubnd.id, '--password-stdin', '--permanent'], `${TEST_PASSWORD}\n`);
      child = spawn(process.execPath, [CLI, '--config', env.configDir, '--data', env.dataDir, 'serve'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      await until(() => /SMTP STARTTLS: 127\.0\.0\.1:(\d+)/.test(stdout), 20_000);
      const port = Number(/SMTP STARTTLS: 127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
      // serve runs on the real clock: "yesterday" in Hà Tĩnh is late.
      const yesterday = vietnameseDate(localDate(new Date(Date.now() - 86_400_000), 'Asia/Ho_Chi_Minh'));

      const first = await send(port, 401, yesterday);
      if (!first.startsWith('250')) throw new Error(`${first}\n${stderr.slice(-3000)}`);
      expect(first).to.match(/^250 2\.0\.0 \[warning:late-sending\]/);
      const reloads = () => (stderr.match(/"msg":"policy reload/g) ?? []).length + (stderr.match(/"msg":"policy reloaded"/g) ?? []).length;

      writeFileSync(path.join(env.configDir, 'policy.yaml'), 'checks: [ {id: attachments, options: {allowedExtensions: 5}} ]\n');
      child.kill('SIGHUP');
      await until(() => /policy reload failed/.test(stderr), 5000);
      expect(await send(port, 402, yesterday)).to.match(/^250 2\.0\.0 \[warning:late-sending\]/);

      const before = reloads();
      writeFileSync(path.join(env.configDir, 'policy.yaml'), stringify(strict()));
      child.kill('SIGHUP');
      await until(() => reloads() > before && /"msg":"policy reloaded"/.test(stderr), 5000);
      expect(await send(port, 403, yesterday)).to.match(/^550 5\.7\.1 \[late-sending\] /);
    });
  });
});
