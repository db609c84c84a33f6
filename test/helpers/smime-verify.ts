// Independent verifiers of stored messages: what a recipient's tools say about the bytes docgate delivers.

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SMIME_FIXTURES } from './smime.js';

const run = promisify(execFile);

/**
 * `openssl cms -verify` of a stored message with the fixture PKI, checking the CRLs of the whole chain
 * (OpenSSL 3.0's cms has no -CRLfile: CRLs go in the CAfile), at the real current time.
 */
export async function opensslVerify(file: string): Promise<string> {
  const caFile = `${file}.ca.pem`;
  writeFileSync(
    caFile,
    ['pki/root.pem', 'trust/crl/root.crl.pem', 'trust/crl/intermediate.crl.pem'].map((f) => readFileSync(path.join(SMIME_FIXTURES, f), 'latin1')).join(''),
  );
  const { stderr } = await run('openssl', [
    'cms',
    '-verify',
    '-in',
    file,
    '-CAfile',
    caFile,
    '-certfile',
    path.join(SMIME_FIXTURES, 'pki/intermediate.pem'),
    '-crl_check_all',
    '-purpose',
    'smimesign',
    '-out',
    '/dev/null',
  ]).catch((err) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl is not installed (Debian package openssl)');
    throw err;
  });
  return stderr;
}

/** gpgsm --verify with its own keyring trusting the fixture root (CRL checks are openssl's job here). */
export async function gpgsmVerify(home: string, args: string[]): Promise<string> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const pki = path.join(SMIME_FIXTURES, 'pki');
  try {
    await run('gpgsm', ['--homedir', home, '--batch', '--import', path.join(pki, 'root.pem'), path.join(pki, 'intermediate.pem')]);
    const { stdout } = await run('openssl', ['x509', '-in', path.join(pki, 'root.pem'), '-noout', '-fingerprint', '-sha1']);
    writeFileSync(path.join(home, 'trustlist.txt'), `${stdout.trim().split('=')[1]} S relax\n`);
    const { stderr } = await run('gpgsm', ['--homedir', home, '--batch', '--disable-crl-checks', '--disable-policy-checks', '--verify', ...args]);
    return stderr;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('gpgsm is not installed (Debian package gpgsm; npm test installs it as root)', { cause: err });
    throw err;
  } finally {
    await run('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']).catch(() => undefined);
  }
}
