// `npm start` on a fresh data directory: the sample configuration, a self-signed certificate, demo
// clerks whose passwords are printed once and kept in data/demo-credentials.txt (mode 0600); a second
// start keeps them. A demo clerk can submit at once.

import { expect } from 'chai';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/env.js';
import { startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { transport } from '../helpers/gateway.js';
import { makePdf } from '../helpers/documents.js';

describe('first start with the sample configuration', function () {
  this.timeout(60_000);
  let root: string;
  let server: ServeProcess | null = null;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'docgate-first-'));
    // The sample configuration as shipped, only moved to ephemeral ports so tests never collide.
    cpSync(path.join(REPO_ROOT, 'config'), path.join(root, 'config'), { recursive: true });
    const sample = readFileSync(path.join(root, 'config/docgate.yaml'), 'utf8');
    writeFileSync(path.join(root, 'config/docgate.yaml'), sample.replace(/port: 2587/, 'port: 0').replace(/port: 2465/, 'port: 0').replace(/port: 2993/, 'port: 0').replace(/port: 2143/, 'port: 0'));
  });
  after(async () => {
    if (server) await stopProcess(server.child);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the database, TLS certificate and demo clerks, and prints their passwords once', async () => {
    const data = path.join(root, 'data');
    server = await startServe(path.join(root, 'config'), data);
    const credentials = path.join(data, 'demo-credentials.txt');
    expect(statSync(credentials).mode & 0o777).to.equal(0o600);
    const lines = readFileSync(credentials, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).to.have.length(3);
    const [email, password] = lines[0].split('\t');
    expect(server.output()).to.contain(`${email}\t${password}`);
    expect(existsSync(path.join(data, 'tls/cert.pem'))).to.equal(true);
    expect(statSync(path.join(data, 'tls/key.pem')).mode & 0o777).to.equal(0o600);

    const info = await transport(server.starttlsPort, email, password).sendMail({
      from: email,
      to: 'vanthu@snv.hatinh.gov.vn',
      subject: 'Thử nghiệm',
      text: 'Số ký hiệu: 01/UBND-VP\nNgày ký: 02/11/2026\nLoại văn bản: Công văn\nTrích yếu: V/v thử nghiệm hệ thống\n',
      attachments: [{ filename: 'Cong van 01.pdf', content: makePdf('Cong van 01/UBND-VP') }],
    });
    expect(info.response).to.match(/^250 2\.0\.0 (\[warning:late-sending\] )?Da nhan van ban/);

    await stopProcess(server.child);
    server = await startServe(path.join(root, 'config'), data);
    expect(server.output()).to.not.contain(password);
    expect(readFileSync(credentials, 'utf8')).to.contain(`${email}\t${password}`);
  });
});
