// `npm start` on a fresh data directory: the sample configuration, a self-signed certificate, demo
// clerks whose passwords are printed once and kept in data/demo-credentials.txt (mode 0600); a second
// start keeps them. A demo clerk can submit at once, and sign at once: each has a PKCS#12 signing
// certificate under the demo CA, which the running gateway trusts.

import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copySampleConfig } from '../helpers/env.js';
import { startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { transport } from '../helpers/gateway.js';
import { makePdf } from '../helpers/documents.js';
import { ImapFlow } from 'imapflow';
import { innerDocument, pkcs12Info, signWithPkcs12 } from '../helpers/smime-sign.js';
import { localDate, vietnameseDate } from '../../policies/text/dates.js';

describe('first start with the sample configuration', function () {
  this.timeout(60_000);
  let root: string;
  let server: ServeProcess | null = null;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'docgate-first-'));
    // The sample configuration as shipped, only moved to ephemeral ports so tests never collide.
    copySampleConfig(path.join(root, 'config'));
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
    const lines = readFileSync(credentials, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
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

  it('gives each demo clerk a PKCS#12 signing certificate; a document signed with it is accepted with the signature verified', async () => {
    const data = path.join(root, 'data');
    expect(server!.output()).to.not.contain('No trust anchor installed');
    const lines = readFileSync(path.join(data, 'demo-credentials.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const clerks = lines.map((l) => l.split('\t'));
    expect(clerks.every((c) => c.length === 6 && existsSync(c[4]))).to.equal(true);
    const [email, password, , , p12, p12Password] = clerks[0];
    expect(statSync(p12).mode & 0o777).to.equal(0o600);
    const info = pkcs12Info(p12, p12Password);
    expect(info).to.match(/subject=.*emailAddress *= *vanthu@ubnd\.hatinh\.gov\.vn/);
    expect(info).to.match(/issuer=.*docgate Demo Signing CA/);
    expect(info).to.contain('-----BEGIN PRIVATE KEY-----');
    expect(() => pkcs12Info(p12, 'wrong password')).to.throw();

    const today = vietnameseDate(localDate(new Date(), 'Asia/Ho_Chi_Minh'));
    const raw = signWithPkcs12(root, p12, p12Password, innerDocument('02/UBND-VP', today), {
      from: email,
      to: 'vanthu@snv.hatinh.gov.vn',
      subject: 'Cong van ky so',
      messageId: `<signed.${Date.now()}@ubnd.hatinh.gov.vn>`,
    });
    const sent = await transport(server!.starttlsPort, email, password).sendMail({ envelope: { from: email, to: ['vanthu@snv.hatinh.gov.vn'] }, raw });
    expect(sent.response).to.match(/^250 2\.0\.0 (\[warning:[a-z-]+\] )?Da nhan van ban/);

    const [snvEmail, snvPassword] = clerks.find((c) => c[0] === 'vanthu@snv.hatinh.gov.vn')!;
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port: server!.imapTlsPort,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user: snvEmail, pass: snvPassword },
      logger: false,
    });
    await imap.connect();
    try {
      await imap.mailboxOpen('INBOX');
      const messages = [];
      for await (const m of imap.fetch('1:*', { source: true })) messages.push(m.source!.toString('latin1'));
      const signed = messages.find((m) => m.includes('Subject: Cong van ky so'));
      expect(signed).to.match(/X-Docgate-Signature: verified; signer=vanthu@ubnd\.hatinh\.gov\.vn; serial=[0-9a-f]+\r\n/);
    } finally {
      await imap.logout();
    }
  });
});
