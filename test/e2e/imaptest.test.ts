// Dovecot's imaptest against the gateway over implicit TLS: the scripted compliance groups must all pass,
// and a short multi-client stress run must report no state error. Skipped (with the reason printed) only
// when the imaptest build or libdovecot.so.0 (Debian's dovecot-core) is missing.

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, loggedIn, startImapGateway, TEST_PASSWORD } from '../helpers/imap.js';

const TOOLS = path.resolve(REPO_ROOT, '../shared/tools/imaptest');
const LIBDOVECOT = '/usr/lib/dovecot/libdovecot.so.0';

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    // imaptest exits non-zero when groups fail: the output is what we judge, so never reject.
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

/** Varied messages (plain, multipart, keywords in headers, 8-bit, long lines) in mbox format. */
function generateMbox(count: number): string {
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const date = new Date(Date.UTC(2026, 0, 1 + (i % 28), i % 24, i % 60)).toUTCString().replace('GMT', '+0000');
    const head = [
      `From sender${i}@example.org ${new Date(Date.UTC(2026, 0, 1)).toUTCString()}`,
      `From: "Sender ${i}" <sender${i}@example.org>`,
      `To: clerk${i % 5}@example.net${i % 3 === 0 ? ', other@example.com' : ''}`,
      `Subject: message ${i} ${'x'.repeat(i % 7)}`,
      `Date: ${date}`,
      `Message-ID: <m${i}@example.org>`,
    ];
    if (i % 3 === 0) {
      out.push(
        ...head,
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="b${i}"`,
        '',
        `--b${i}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        `part one of ${i}`,
        `--b${i}`,
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(`bytes ${i}`).toString('base64'),
        `--b${i}--`,
        '',
      );
    } else {
      out.push(...head, '', ...Array.from({ length: 1 + (i % 9) }, (_, n) => `line ${n} of message ${i} ${'abc '.repeat(n * 3)}`), '');
    }
  }
  return out.join('\n');
}

describe('imaptest (Dovecot) compliance and stress', function () {
  this.timeout(110_000);
  let tg: TestGateway;
  let skip: string | null = null;

  before(async function () {
    if (!existsSync(path.join(TOOLS, 'imaptest'))) skip = `imaptest not found at ${TOOLS}`;
    else if (!existsSync(LIBDOVECOT)) skip = `${LIBDOVECOT} missing (apt-get install -y dovecot-core)`;
    if (skip) {
      console.log(`      SKIPPED: ${skip}`);
      this.skip();
    }
    tg = await startImapGateway();
  });
  after(async () => {
    if (tg) await tg.stop();
  });

  it('every compliance group passes', async function () {
    // run.sh's invocation with box= added: APPEND into INBOX is refused (only delivered documents land
    // there), so imaptest works in a mailbox of its own.
    const out = await run(
      path.join(TOOLS, 'imaptest'),
      [
        'host=127.0.0.1',
        `port=${tg.imapTlsPort}`,
        'ssl=any-cert',
        `user=${CLERKS.snv}`,
        `pass=${TEST_PASSWORD}`,
        'box=imaptest',
        `test=${path.join(TOOLS, 'tests')}`,
      ],
      60_000,
    );
    const summary = /(\d+) test groups: (\d+) failed/.exec(out);
    const commands = /base protocol: (\d+)\/(\d+) individual commands failed/.exec(out);
    if (!summary || summary[2] !== '0' || !commands || commands[1] !== '0') console.log(out);
    expect(summary, 'imaptest summary line').to.not.equal(null);
    expect(Number(summary![2]), 'failed groups').to.equal(0);
    expect(Number(commands![1]), 'failed commands').to.equal(0);
    expect(out, 'state errors').to.not.match(/^Error: /m);
  });

  it('a 10-client stress run reports no state error', async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-imaptest-'));
    try {
      const mbox = path.join(dir, 'stress.mbox');
      writeFileSync(mbox, generateMbox(50));
      const args = [
        'host=127.0.0.1',
        `port=${tg.imapTlsPort}`,
        'ssl=any-cert',
        `user=${CLERKS.snv}`,
        `pass=${TEST_PASSWORD}`,
        `mbox=${mbox}`,
        'box=imaptest-stress',
        'clients=10',
        'secs=20',
      ];
      const w = await loggedIn(tg, CLERKS.snv);
      await w.command('CREATE imaptest-stress');
      w.close();
      const out = await run(path.join(TOOLS, 'imaptest'), args, 45_000);
      const errors = out.split('\n').filter((l) => /error|assert|panic/i.test(l));
      if (errors.length > 0) console.log(errors.slice(0, 40).join('\n'));
      expect(errors, 'imaptest errors').to.deep.equal([]);
      // The run actually talked to the server: its per-second report lines carry command counts.
      expect(out).to.match(/Logi/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
