// Failed logins over SMTP and IMAP against an in-process gateway whose clock is a sinon fake clock
// (injected `now`): a per-address budget across accounts stops password spraying (answered as the
// temporary lockout), locks show in `account list` (text and JSON) with their end, lock and unlock
// are logged, and `account remove` ends logins for good while the register keeps the account's rows.

import { expect } from 'chai';
import sinon from 'sinon';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../config/log.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { runCli } from '../helpers/child.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { addClerk, TEST_PASSWORD, transport } from '../helpers/gateway.js';
import { ImapWire } from '../helpers/imap-wire.js';
import { WireClient } from '../helpers/smtp-wire.js';

const LOCK_MS = 15 * 60_000;

interface Harness {
  env: TestEnv;
  gateway: Gateway;
  clock: sinon.SinonFakeTimers;
  logs: Record<string, unknown>[];
  smtpPort: number;
  imapPort: number;
  stop(): Promise<void>;
}

/** A gateway on a fake clock (only the injected `now` follows it) whose log lines are kept. */
async function startHarness(auth: Record<string, unknown>): Promise<Harness> {
  // Installed on a private object, not the process's globals: only the injected clock moves.
  // (sinon accepts `global` at run time; its type definitions do not list it.)
  const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'], global: { Date, setTimeout, clearTimeout, setInterval, clearInterval } } as Parameters<
    typeof sinon.useFakeTimers
  >[0]);
  const env = createTestEnv({ imap: true, docgate: { auth: { maxFailures: 5, failureWindow: '15m', lockDuration: '15m', minPasswordLength: 10, ...auth } } });
  const logs: Record<string, unknown>[] = [];
  const log = createLogger('info', { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const gateway = await startGateway({ config: loadConfig({ configDir: env.configDir, dataDir: env.dataDir }), log, now: () => new Date(clock.now) });
  await addClerk(gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  await addClerk(gateway, AGENCIES.snv.address, AGENCIES.snv.id);
  return {
    env,
    gateway,
    clock,
    logs,
    smtpPort: gateway.smtp.find((l) => l.listener.tls === 'implicit')!.port,
    imapPort: gateway.imap.find((l) => l.listener.tls === 'implicit')!.port,
    async stop() {
      await gateway.close();
      clock.restore();
      env.cleanup();
    },
  };
}

async function smtpLogin(port: number, user: string, password: string): Promise<string> {
  const c = await WireClient.connect(port, true);
  await c.reply();
  await c.command('EHLO lockout.test');
  const reply = await c.login(user, password);
  c.close();
  return reply.text;
}

async function imapLogin(port: number, user: string, password: string): Promise<string> {
  const w = await ImapWire.connect(port, { tls: true });
  await w.greeting();
  const r = await w.login(user, password);
  w.close();
  return r.tagged;
}

const messages = (h: Harness) => h.logs.map((l) => l.msg);

describe('authentication: spraying budget, visible lockouts, account remove', function () {
  this.timeout(120_000);

  describe('per-address budget across accounts', function () {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness({ maxFailuresPerAddress: 6 });
    });
    afterEach(async () => h.stop());

    it('over SMTP: six user names tried from one address lock the address, for every account and IMAP too, until the lock ends', async () => {
      for (let i = 0; i < 6; i++)
        expect(await smtpLogin(h.smtpPort, `nguoi${i}@snv.hatinh.gov.vn`, 'Sai-mat-khau-2026')).to.match(/^535 5\.7\.8 .*Invalid user name or password/);
      // The right password of a real clerk is now answered like the temporary lockout, on both protocols.
      expect(await smtpLogin(h.smtpPort, AGENCIES.ubnd.address, TEST_PASSWORD)).to.match(
        /^535 5\.7\.8 \[auth-required\] Tai khoan tam khoa do dang nhap sai nhieu lan.* \/ Account temporarily locked after repeated failures/,
      );
      expect(await imapLogin(h.imapPort, AGENCIES.snv.address, TEST_PASSWORD)).to.match(/^A\d+ NO \[UNAVAILABLE\] Tai khoan tam khoa/);
      const locked = h.logs.find((l) => l.msg === 'address temporarily locked: failed logins across accounts');
      expect(locked).to.include({ level: 'warn', remoteAddress: '127.0.0.1', failures: 6, until: new Date(h.clock.now + LOCK_MS).toISOString() });
      h.clock.tick(LOCK_MS - 1000);
      expect(await smtpLogin(h.smtpPort, AGENCIES.ubnd.address, TEST_PASSWORD)).to.match(/^535 .*temporarily locked/);
      h.clock.tick(2000);
      expect(await smtpLogin(h.smtpPort, AGENCIES.ubnd.address, TEST_PASSWORD)).to.equal('235 2.7.0 Authentication successful');
      expect(messages(h)).to.include('address lock ended');
      expect(messages(h).filter((m) => m === 'address lock ended')).to.have.length(1);
    });

    it('over IMAP: the same budget counts IMAP failures (new connections each time) and locks SMTP as well', async () => {
      for (let i = 0; i < 6; i++)
        expect(await imapLogin(h.imapPort, `nguoi${i}@ubnd.hatinh.gov.vn`, 'Sai-mat-khau-2026')).to.match(/^A\d+ NO \[AUTHENTICATIONFAILED\]/);
      expect(await imapLogin(h.imapPort, AGENCIES.snv.address, TEST_PASSWORD)).to.match(/^A\d+ NO \[UNAVAILABLE\] .* \/ Account temporarily locked/);
      expect(await smtpLogin(h.smtpPort, AGENCIES.ubnd.address, TEST_PASSWORD)).to.match(/^535 .*temporarily locked/);
      h.clock.tick(LOCK_MS + 1000);
      expect(await imapLogin(h.imapPort, AGENCIES.snv.address, TEST_PASSWORD)).to.match(/^A\d+ OK /);
    });

    it('a success does not reset the address budget', async () => {
      for (let i = 0; i < 5; i++) await smtpLogin(h.smtpPort, `nguoi${i}@snv.hatinh.gov.vn`, 'Sai-mat-khau-2026');
      expect(await smtpLogin(h.smtpPort, AGENCIES.ubnd.address, TEST_PASSWORD)).to.equal('235 2.7.0 Authentication successful');
      await smtpLogin(h.smtpPort, 'nguoi9@snv.hatinh.gov.vn', 'Sai-mat-khau-2026');
      expect(await smtpLogin(h.smtpPort, AGENCIES.ubnd.address, TEST_PASSWORD)).to.match(/^535 .*temporarily locked/);
    });
  });

  describe('lockouts in account list and the log; account remove', function () {
    let h: Harness;
    let cli: (args: string[]) => ReturnType<typeof runCli>;
    before(async () => {
      h = await startHarness({ maxFailuresPerAddress: 100 });
      cli = (args) => runCli([...args, '--config', h.env.configDir, '--data', h.env.dataDir]);
    });
    after(async () => h.stop());

    it('shows a temporary lock and its end in account list (text and --json), logs lock and end', async () => {
      for (let i = 0; i < 5; i++) await smtpLogin(h.smtpPort, AGENCIES.snv.address, 'Sai-mat-khau-2026');
      const until = new Date(h.clock.now + LOCK_MS).toISOString();
      const text = await cli(['account', 'list']);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.contain(`${AGENCIES.snv.address}\t${AGENCIES.snv.id}\ttạm khóa đến/temporarily locked until ${until} (127.0.0.1)`);
      expect(text.stdout).to.contain(`${AGENCIES.ubnd.address}\t${AGENCIES.ubnd.id}\thoạt động/active`);
      const json = JSON.parse((await cli(['account', 'list', '--json'])).stdout) as {
        email: string;
        temporarilyLockedUntil: string | null;
        temporarilyLockedFrom: string[];
        locked: boolean;
      }[];
      expect(json.find((a) => a.email === AGENCIES.snv.address)).to.include({ temporarilyLockedUntil: until, locked: false });
      expect(json.find((a) => a.email === AGENCIES.snv.address)!.temporarilyLockedFrom).to.deep.equal(['127.0.0.1']);
      expect(json.find((a) => a.email === AGENCIES.ubnd.address)!.temporarilyLockedUntil).to.equal(null);
      expect(h.logs.find((l) => l.msg === 'account temporarily locked')).to.include({
        level: 'warn',
        user: AGENCIES.snv.address,
        remoteAddress: '127.0.0.1',
        until,
      });
      h.clock.tick(LOCK_MS + 1000);
      expect(await smtpLogin(h.smtpPort, AGENCIES.snv.address, TEST_PASSWORD)).to.equal('235 2.7.0 Authentication successful');
      expect(h.logs.find((l) => l.msg === 'account lock ended')).to.include({ user: AGENCIES.snv.address, remoteAddress: '127.0.0.1', lockedUntil: until });
    });

    it('logs an administrator unlock', async () => {
      const r = await cli(['account', 'unlock', AGENCIES.snv.address]);
      expect(r.code, r.stderr).to.equal(0);
      const line = r.stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'account unlocked by administrator (temporary locks cleared)');
      expect(line).to.include({ level: 'info', user: AGENCIES.snv.address });
    });

    it('account remove: no login any more (SMTP and IMAP), rows and register kept, bilingual output, cannot be unlocked', async () => {
      const sent = await transport(h.gateway.smtp.find((l) => l.listener.tls === 'starttls')!.port, AGENCIES.ubnd.address).sendMail({
        from: AGENCIES.ubnd.address,
        to: AGENCIES.snv.address,
        subject: 'Cong van truoc khi xoa tai khoan',
        text: 'Noi dung',
      });
      expect(sent.response).to.match(/^250 /);
      const documentsBefore = await h.gateway.storage.db.models.Document.count({ where: { senderAccount: AGENCIES.ubnd.address } });
      expect(documentsBefore).to.equal(1);
      const r = await cli(['account', 'remove', AGENCIES.ubnd.address]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(
        `Đã xóa tài khoản ${AGENCIES.ubnd.address} (không đăng nhập được nữa; lịch sử và sổ văn bản được giữ) / Removed ${AGENCIES.ubnd.address} (can no longer log in; history and register kept)\n`,
      );
      expect(r.stderr).to.contain('"msg":"account removed by administrator"');
      expect(await smtpLogin(h.smtpPort, AGENCIES.ubnd.address, TEST_PASSWORD)).to.match(/^535 .*Account locked by the administrator/);
      expect(await imapLogin(h.imapPort, AGENCIES.ubnd.address, TEST_PASSWORD)).to.match(/^A\d+ NO \[CONTACTADMIN\]/);
      expect(await h.gateway.storage.db.models.Document.count({ where: { senderAccount: AGENCIES.ubnd.address } })).to.equal(documentsBefore);
      expect(await h.gateway.storage.accounts.find(AGENCIES.ubnd.address)).to.include({ disabled: true });
      const text = await cli(['account', 'list']);
      expect(text.stdout).to.contain(`${AGENCIES.ubnd.address}\t${AGENCIES.ubnd.id}\tđã xóa/removed`);
      const unlock = await cli(['account', 'unlock', AGENCIES.ubnd.address]);
      expect(unlock.code).to.equal(1);
      expect(unlock.stderr).to.contain(`Tài khoản ${AGENCIES.ubnd.address} đã bị xóa / Account ${AGENCIES.ubnd.address} was removed`);
      expect((await cli(['account', 'remove', 'khongco@snv.hatinh.gov.vn'])).code).to.equal(1);
    });
  });
});
