// `docgate config check` finds what `serve` would die on (TLS files, data directory, ports, trust
// directories), and `serve` refuses to start on the same problems before creating anything: no
// database, no demo accounts, no data directory.

import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { makeSelfSignedCertificate } from '../../gateway/tls.js';
import { runCli } from '../helpers/child.js';
import { createTestEnv, testDocgateYaml, type TestEnv } from '../helpers/env.js';

describe('config check and serve: files, directories and ports before any state', function () {
  this.timeout(60_000);
  let env: TestEnv;
  beforeEach(() => {
    env = createTestEnv();
    rmSync(env.dataDir, { recursive: true, force: true });
  });
  afterEach(() => env.cleanup());

  const docgate = (over: Record<string, unknown>) => writeFileSync(path.join(env.configDir, 'docgate.yaml'), stringify(testDocgateYaml(over)));
  const check = () => runCli(['config', 'check', '--config', env.configDir, '--data', env.dataDir]);
  const serve = () => runCli(['serve', '--config', env.configDir, '--data', env.dataDir]);

  it('selfSigned: false without certificate files: config check fails, serve stops before creating anything (demo accounts included)', async () => {
    docgate({ tls: { selfSigned: false, cert: 'tls/cert.pem', key: 'tls/key.pem' }, demo: { seedAccounts: true } });
    const checked = await check();
    expect(checked.code).to.equal(2);
    expect(checked.stderr).to.match(/tls\.cert: .*tls\/cert\.pem: không tìm thấy tệp \/ file not found/);
    expect(checked.stderr).to.match(/tls\.key: .*tls\/key\.pem: không tìm thấy tệp \/ file not found/);
    const served = await serve();
    expect(served.code).to.equal(2);
    expect(served.stderr).to.match(/^Không khởi động được, chưa thay đổi gì \/ Cannot start, nothing was changed:\ntls\.cert: /);
    expect(served.stderr).to.not.contain('ENOENT');
    expect(served.stdout).to.not.match(/vanthu@/);
    expect(existsSync(env.dataDir), 'the data directory was created').to.equal(false);
  });

  it('a certificate that is not PEM, and a key that does not match the certificate', async () => {
    mkdirSync(path.join(env.root, 'tls'));
    const a = makeSelfSignedCertificate('mail.hatinh.gov.vn');
    const b = makeSelfSignedCertificate('mail.hatinh.gov.vn');
    writeFileSync(path.join(env.root, 'tls/garbage.pem'), 'hello\n');
    writeFileSync(path.join(env.root, 'tls/cert.pem'), a.cert);
    writeFileSync(path.join(env.root, 'tls/other.key'), b.key);
    docgate({ tls: { selfSigned: false, cert: path.join(env.root, 'tls/garbage.pem'), key: path.join(env.root, 'tls/other.key') } });
    expect((await check()).stderr).to.match(/tls\.cert: .*garbage\.pem: không phải chứng thư PEM .* \/ not a PEM certificate/);
    docgate({ tls: { selfSigned: false, cert: path.join(env.root, 'tls/cert.pem'), key: path.join(env.root, 'tls/other.key') } });
    const mismatch = await check();
    expect(mismatch.code).to.equal(2);
    expect(mismatch.stderr).to.match(/tls\.key: .*other\.key: khóa không khớp với chứng thư .* \/ key does not match the certificate/);
    writeFileSync(path.join(env.root, 'tls/cert.key'), a.key);
    docgate({ tls: { selfSigned: false, cert: path.join(env.root, 'tls/cert.pem'), key: path.join(env.root, 'tls/cert.key') } });
    const good = await check();
    expect(good.code, good.stderr).to.equal(0);
  });

  it('a port already taken, and the same port twice', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      docgate({ smtp: { listeners: [{ host: '127.0.0.1', port, tls: 'starttls' }] } });
      const busy = await check();
      expect(busy.code).to.equal(2);
      expect(busy.stderr).to.contain(`smtp.listeners[0]: cổng 127.0.0.1:${port} đang được dùng / port 127.0.0.1:${port} is already in use`);
      const served = await serve();
      expect(served.code).to.equal(2);
      expect(served.stderr).to.contain('is already in use');
      expect(existsSync(env.dataDir)).to.equal(false);
      expect((await runCli(['config', 'check', '--no-ports', '--config', env.configDir, '--data', env.dataDir])).code).to.equal(0);
    } finally {
      blocker.close();
    }
    docgate({
      smtp: {
        listeners: [
          { host: '127.0.0.1', port, tls: 'starttls' },
          { host: '127.0.0.1', port, tls: 'implicit' },
        ],
      },
    });
    expect((await check()).stderr).to.contain(`smtp.listeners[1]: cổng 127.0.0.1:${port} trùng với smtp.listeners[0]`);
  });

  it('a data directory that is a file, and a trust directory that is a file', async () => {
    writeFileSync(env.dataDir, 'not a directory');
    mkdirSync(path.join(env.configDir, 'trust'), { recursive: true });
    writeFileSync(path.join(env.configDir, 'trust/anchors'), 'not a directory');
    const result = await check();
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/^data: .*: không phải thư mục \/ not a directory$/m);
    expect(result.stderr).to.match(/^trust\.anchors: .*anchors: không phải thư mục đọc được \/ not a readable directory$/m);
    expect(readdirSync(env.root).sort()).to.deep.equal(['config', 'data']);
  });
});
