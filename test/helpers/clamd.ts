// A private clamd for tests: its own temp directory, Unix socket and a two-signature database written
// here (the EICAR test file by MD5, and a marker string), so it starts in well under a second and
// needs no signature download. Fails with the Debian package name when clamd is not installed.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The EICAR anti-malware test file (harmless by definition), built at run time, never committed. */
export const EICAR = Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''), 'latin1');
export const MALWARE_MARKER = 'DOCGATE-MALWARE-MARKER';

export interface TestClamd {
  socket: string;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/clamd', '/usr/bin/clamd'];

export async function startClamd(): Promise<TestClamd> {
  const binary = CANDIDATES.find((c) => existsSync(c));
  if (!binary) throw new Error('clamd not found: install the Debian package clamav-daemon (scripts/dev/ensure-test-deps.sh)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-clamd-'));
  const db = path.join(dir, 'db');
  mkdirSync(db);
  writeFileSync(path.join(db, 'docgate-test.hdb'), `${createHash('md5').update(EICAR).digest('hex')}:${EICAR.length}:Docgate.Test.EICAR\n`);
  writeFileSync(path.join(db, 'docgate-test.ndb'), `Docgate.Test.Marker:0:*:${Buffer.from(MALWARE_MARKER).toString('hex')}\n`);
  const socket = path.join(dir, 'clamd.sock');
  const conf = path.join(dir, 'clamd.conf');
  writeFileSync(
    conf,
    [
      'Foreground yes',
      `LocalSocket ${socket}`,
      `DatabaseDirectory ${db}`,
      `LogFile ${path.join(dir, 'clamd.log')}`,
      'StreamMaxLength 64M',
      'ScanArchive yes',
      `User ${os.userInfo().username}`,
      'SelfCheck 3600',
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(binary, ['-c', conf], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 15_000;
  while (!existsSync(socket)) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error('clamd did not start (see its log); is clamav-daemon installed?');
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    socket,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
