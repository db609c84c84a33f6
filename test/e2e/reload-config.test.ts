// agencies.yaml and the trust directories reload under a running `docgate serve` like policy.yaml: on
// file change and on SIGHUP, a broken edit keeping what is in force (and logged). A new agency's clerk
// can submit without a restart; an anchor copied into trust/ makes a signature trusted.

import { expect } from 'chai';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { runCli, startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { AGENCIES, createTestEnv, TEST_AGENCIES_YAML, type TestEnv } from '../helpers/env.js';
import { TEST_PASSWORD, transport } from '../helpers/gateway.js';
import { fixture, SMIME_TRUST } from '../helpers/smime.js';
import { ImapFlow } from 'imapflow';

async function imapLogin(port: number, user: string): Promise<string> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user, pass: TEST_PASSWORD },
    logger: false,
  });
  try {
    await client.connect();
    const inbox = await client.mailboxOpen('INBOX');
    await client.logout();
    return `ok ${inbox.exists}`;
  } catch (err) {
    return `failed ${(err as { responseText?: string }).responseText ?? (err as Error).message}`;
  }
}

const STC = { id: '000.03.00.H27', domain: 'stc.hatinh.gov.vn', address: 'vanthu@stc.hatinh.gov.vn' };
const WITH_STC = {
  agencies: [
    ...TEST_AGENCIES_YAML.agencies,
    { id: STC.id, name: 'Sở Tài chính tỉnh Hà Tĩnh', domain: STC.domain, addresses: [STC.address], leaders: [], relay: null },
  ],
};

async function send(port: number, from: string, raw: Buffer): Promise<string> {
  const client = transport(port, from, TEST_PASSWORD);
  try {
    return (await client.sendMail({ envelope: { from, to: [AGENCIES.snv.address] }, raw })).response;
  } catch (err) {
    return (err as { response?: string; message: string }).response ?? (err as Error).message;
  } finally {
    client.close();
  }
}

function plain(from: string, n: number): Buffer {
  return Buffer.from(
    `From: ${from}\r\nTo: ${AGENCIES.snv.address}\r\nSubject: Thu nghiem ${n}\r\nMessage-ID: <reload.${n}.${Date.now()}@x>\r\nDate: ${new Date().toUTCString()}\r\n\r\nNoi dung ${n}\r\n`,
  );
}

async function until(what: () => boolean, ms: number, output: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out; output:\n${output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reloading agencies.yaml and the trust directories', function () {
  this.timeout(90_000);
  let env: TestEnv;
  let server: ServeProcess | null = null;
  afterEach(async () => {
    if (server) await stopProcess(server.child);
    server = null;
    env.cleanup();
  });
  const cli = (args: string[], input?: string) => runCli([...args, '--config', env.configDir, '--data', env.dataDir], input);
  const count = (re: RegExp) => (server!.output().match(re) ?? []).length;

  it('a new agency on file change (SMTP and IMAP), a broken edit kept out (logged), then SIGHUP', async () => {
    env = createTestEnv({ imap: true });
    await cli(['account', 'add', AGENCIES.ubnd.address, '--agency', AGENCIES.ubnd.id, '--password-stdin', '--permanent'], `${TEST_PASSWORD}\n`);
    server = await startServe(env.configDir, env.dataDir, 20_000, [], { DOCGATE_LOG_LEVEL: 'info' });
    // The administrator adds the agency and its clerk while the gateway runs.
    writeFileSync(path.join(env.configDir, 'agencies.yaml'), stringify(WITH_STC));
    const added = await cli(['account', 'add', STC.address, '--agency', STC.id, '--password-stdin', '--permanent'], `${TEST_PASSWORD}\n`);
    expect(added.code, added.stderr).to.equal(0);
    await until(
      () => count(/"msg":"agencies reloaded"/g) >= 1,
      10_000,
      () => server!.output(),
    );
    expect(await send(server.starttlsPort, STC.address, plain(STC.address, 1))).to.match(/^250 /);
    expect(await imapLogin(server.imapTlsPort, STC.address)).to.equal('ok 0');

    // A broken edit: logged, the agencies in force stay.
    writeFileSync(path.join(env.configDir, 'agencies.yaml'), 'agencies:\n  - id: 000.00.00.H27\n     name: x\n');
    await until(
      () => /agencies reload failed, keeping the agencies in force/.test(server!.output()),
      10_000,
      () => server!.output(),
    );
    expect(await send(server.starttlsPort, STC.address, plain(STC.address, 2))).to.match(/^250 /);

    // The agency removed again, applied by SIGHUP: its clerk is refused.
    writeFileSync(path.join(env.configDir, 'agencies.yaml'), stringify(TEST_AGENCIES_YAML));
    const before = count(/"msg":"agencies reloaded"/g);
    server.child.kill('SIGHUP');
    await until(
      () => count(/"msg":"agencies reloaded"/g) > before,
      10_000,
      () => server!.output(),
    );
    expect(await send(server.starttlsPort, STC.address, plain(STC.address, 3))).to.match(/^5\d\d /);
    expect(await send(server.starttlsPort, AGENCIES.ubnd.address, plain(AGENCIES.ubnd.address, 4))).to.match(/^250 /);
  });

  it('an anchor copied into trust/anchors makes a signature trusted without a restart', async () => {
    env = createTestEnv({ policy: { checks: [{ id: 'sender-header' }, { id: 'smime-signature' }], actions: {} } });
    for (const dir of ['anchors', 'intermediates', 'crl']) mkdirSync(path.join(env.configDir, 'trust', dir), { recursive: true });
    await cli(['account', 'add', AGENCIES.ubnd.address, '--agency', AGENCIES.ubnd.id, '--password-stdin', '--permanent'], `${TEST_PASSWORD}\n`);
    server = await startServe(env.configDir, env.dataDir, 20_000, [], { DOCGATE_LOG_LEVEL: 'info' });
    const signed = fixture('openssl-detached-rsa.eml');
    expect(await send(server.starttlsPort, AGENCIES.ubnd.address, signed)).to.match(/^550 5\.7\.5 \[signature-untrusted\] /);
    for (const f of ['intermediates/intermediate.pem', 'crl/intermediate.crl.pem', 'crl/root.crl.pem'])
      copyFileSync(path.join(SMIME_TRUST, f), path.join(env.configDir, 'trust', f));
    copyFileSync(path.join(SMIME_TRUST, 'anchors/root.pem'), path.join(env.configDir, 'trust/anchors/root.pem'));
    server.child.kill('SIGHUP');
    await until(
      () =>
        server!
          .output()
          .split('\n')
          .some((l) => l.includes('"msg":"trust store loaded"') && l.includes('"anchors":1')),
      10_000,
      () => server!.output(),
    );
    expect(await send(server.starttlsPort, AGENCIES.ubnd.address, signed)).to.match(/^250 /);
  });
});
