// Logs an administrator reads: a client's failed TLS handshake is one info line with its error code (no
// stack), an SMTP transaction is one info line with its tracking id, verdict, sizes and timings (never
// the password or the content), and one YAML indentation slip is one message with its file, line and
// column, in both languages.

import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../config/log.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { runCli } from '../helpers/child.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { addClerk, TEST_PASSWORD, transport } from '../helpers/gateway.js';

describe('log lines', function () {
  this.timeout(60_000);

  describe('a failed TLS handshake', function () {
    let env: TestEnv;
    let gateway: Gateway;
    const lines: string[] = [];
    before(async () => {
      env = createTestEnv();
      const log = createLogger('debug', { write: (line: string) => lines.push(...line.split('\n').filter(Boolean)) });
      gateway = await startGateway({ config: loadConfig({ configDir: env.configDir, dataDir: env.dataDir }), log });
    });
    after(async () => {
      await gateway.close();
      env.cleanup();
    });

    it('is one info line with the error code and reason, no stack', async () => {
      const port = gateway.smtp.find((l) => l.listener.tls === 'implicit')!.port;
      const before = lines.length;
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
      });
      await new Promise((r) => setTimeout(r, 300));
      const logged = lines
        .slice(before)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => /smtp/.test(String(r.msg)) && r.msg !== 'smtp session closed');
      expect(logged, JSON.stringify(logged)).to.have.length(1);
      expect(logged[0]).to.include({ level: 'info', msg: 'smtp tls handshake failed', port });
      expect(logged[0].code).to.be.a('string');
      expect(logged[0].reason).to.be.a('string').and.not.match(/\n/);
      expect(JSON.stringify(logged[0])).to.not.match(/stack|\\n/);
    });
  });

  describe('an SMTP transaction', function () {
    let env: TestEnv;
    let gateway: Gateway;
    const lines: string[] = [];
    before(async () => {
      env = createTestEnv();
      // debug: even the most verbose level never carries a secret or the content.
      const log = createLogger('debug', { write: (line: string) => lines.push(...line.split('\n').filter(Boolean)) });
      gateway = await startGateway({ config: loadConfig({ configDir: env.configDir, dataDir: env.dataDir }), log });
      await addClerk(gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    });
    after(async () => {
      await gateway.close();
      env.cleanup();
    });

    it('is one info line with tracking id, verdict, reason, sizes and timings; no password, no content', async () => {
      const port = gateway.smtp.find((l) => l.listener.tls === 'starttls')!.port;
      const before = lines.length;
      const client = transport(port, AGENCIES.ubnd.address);
      const info = await client.sendMail({
        from: AGENCIES.ubnd.address,
        to: [AGENCIES.snv.address, AGENCIES.stttt.address],
        subject: 'Trich yeu bi mat QX7Subject',
        text: 'Số ký hiệu: 12/UBND-VP\nNoi dung bi mat QX7Body\n',
      });
      client.close();
      const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)![1];
      const records = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
      const transactions = records.filter((r) => r.msg === 'smtp transaction');
      expect(transactions, JSON.stringify(transactions)).to.have.length(1);
      const t = transactions[0];
      expect(t).to.include({ level: 'info', trackingId, outcome: 'accepted', action: 'accept', reason: 'ok', account: AGENCIES.ubnd.address, recipients: 2 });
      expect(t.size).to.be.a('number').and.greaterThan(0);
      expect(t.durationMs).to.be.a('number');
      expect(Object.keys(t.checksMs as object)).to.deep.equal(['sender-header']);
      // Where the time went: spool, parse, policy and store, each in ms, adding up to no more than the whole.
      const phases = t.phasesMs as Record<string, number>;
      expect(Object.keys(phases)).to.deep.equal(['spool', 'parse', 'policy', 'store']);
      for (const ms of Object.values(phases)) expect(ms).to.be.a('number').and.at.least(0);
      expect(Object.values(phases).reduce((a, b) => a + b, 0)).to.be.at.most((t.durationMs as number) + 1);
      const all = lines.slice(before).join('\n');
      expect(all).to.not.include(TEST_PASSWORD);
      expect(all).to.not.include(Buffer.from(`\0${AGENCIES.ubnd.address}\0${TEST_PASSWORD}`).toString('base64'));
      expect(all).to.not.include('QX7Subject');
      expect(all).to.not.include('QX7Body');
    });

    it('redacts a secret a caller logs by mistake', () => {
      const captured: string[] = [];
      const log = createLogger('info', { write: (line: string) => captured.push(line) }).child({ component: 'test' });
      log.warn('login', { user: 'a', password: 'hunter2-secret', auth: { pass: 'hunter3-secret' } });
      expect(captured.join('')).to.not.match(/hunter[23]-secret/);
      expect(JSON.parse(captured[0])).to.deep.include({ level: 'warn', msg: 'login', component: 'test', user: 'a', password: '[redacted]' });
    });
  });

  describe('a YAML indentation error', function () {
    let env: TestEnv;
    before(() => {
      env = createTestEnv();
    });
    after(() => env.cleanup());

    it('is one message with file, line and column, Vietnamese then English', async () => {
      writeFileSync(
        path.join(env.configDir, 'agencies.yaml'),
        'agencies:\n  - id: 000.00.00.H27\n    name: UBND\n     domain: ubnd.hatinh.gov.vn\n    addresses: [vanthu@ubnd.hatinh.gov.vn]\n',
      );
      const result = await runCli(['config', 'check', '--config', env.configDir, '--data', env.dataDir]);
      expect(result.code).to.equal(2);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines, result.stderr).to.have.length(2);
      expect(lines[1]).to.match(/agencies\.yaml:3: lỗi cú pháp YAML: dòng 3, cột 11: thụt lề sai: .* \/ YAML syntax error: line 3, column 11: /);
      const served = await runCli(['serve', '--config', env.configDir, '--data', env.dataDir]);
      expect(served.stderr.trimEnd().split('\n')).to.have.length(2);
    });
  });
});
