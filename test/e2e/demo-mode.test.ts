// Demo state only in demo mode: a configuration with a real hostname never gets demo clerks (nor their
// passwords on stdout, nor the demo CA), even with demo.seedAccounts left on; `serve --demo` forces the
// demo. A policy that verifies signatures with no trust anchor installed is warned about at start.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDemoHostname } from '../../config/demo-mode.js';
import { runCli, startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

describe('demo mode', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let server: ServeProcess | null = null;
  beforeEach(() => {
    env = createTestEnv({
      docgate: { hostname: 'congvan.hatinh.gov.vn', demo: { seedAccounts: true } },
      policy: { checks: [{ id: 'sender-header' }, { id: 'smime-signature' }], actions: {} },
    });
  });
  afterEach(async () => {
    if (server) await stopProcess(server.child);
    server = null;
    env.cleanup();
  });

  it('knows the demo hostnames', () => {
    expect(['localhost', 'docgate.localhost', 'docgate.test', 'DOCGATE.TEST.'].every(isDemoHostname)).to.equal(true);
    expect(['congvan.hatinh.gov.vn', 'localhost.hatinh.gov.vn', 'test.gov.vn', 'mytest'].some(isDemoHostname)).to.equal(false);
  });

  it('a real hostname: no demo accounts, no passwords on stdout, no demo CA, a warning; and a loud warning without trust anchors', async () => {
    server = await startServe(env.configDir, env.dataDir);
    const out = server.output();
    expect(out).to.not.match(/vanthu@[a-z.]+\t/);
    expect(existsSync(path.join(env.dataDir, 'demo-credentials.txt'))).to.equal(false);
    expect(existsSync(path.join(env.dataDir, 'demo'))).to.equal(false);
    expect(out).to.contain('demo.seedAccounts ignored: hostname congvan.hatinh.gov.vn is not a demo name');
    expect(out).to.match(
      /"level":"warn"[^\n]*"msg":"Chua cai chung thu goc \(trust anchor\) nao: moi van ban ky so se bi tu choi \[signature-untrusted\].* \/ No trust anchor installed: every signed document will be refused/,
    );
    await stopProcess(server.child);
    server = null;
    const list = await runCli(['account', 'list', '--json', '--config', env.configDir, '--data', env.dataDir]);
    expect(JSON.parse(list.stdout)).to.deep.equal([]);
  });

  it('serve --demo makes the demo whatever the hostname (and then the demo CA is the anchor)', async () => {
    server = await startServe(env.configDir, env.dataDir, 20_000, ['--demo']);
    expect(server.output()).to.match(/vanthu@ubnd\.hatinh\.gov\.vn\t\S+\t000\.00\.00\.H27/);
    expect(existsSync(path.join(env.dataDir, 'demo-credentials.txt'))).to.equal(true);
    expect(existsSync(path.join(env.dataDir, 'demo/trust/anchors/demo-ca.pem'))).to.equal(true);
    expect(server.output()).to.not.contain('No trust anchor installed');
  });
});
