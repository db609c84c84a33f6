// A throw-away CA and a server certificate for a loopback peer (openssl CLI), so the relay's certificate
// check runs for real: the peer's certificate verifies only against this CA file.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  caFile: string;
  certFile: string;
  keyFile: string;
}

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args).catch((err) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl is not installed (Debian package openssl)');
    throw err;
  });
}

export async function makeTestCa(dir: string, ip: string): Promise<TestCa> {
  const f = (name: string) => path.join(dir, name);
  writeFileSync(f('peer.ext'), `subjectAltName = IP:${ip}, DNS:localhost\nextendedKeyUsage = serverAuth\nkeyUsage = digitalSignature, keyEncipherment\n`);
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=docgate test relay CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${ip}`, '-keyout', f('peer.key'), '-out', f('peer.csr')]);
  await openssl([
    'x509',
    '-req',
    '-in',
    f('peer.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    f('peer.pem'),
    '-extfile',
    f('peer.ext'),
  ]);
  return { caFile: f('ca.pem'), certFile: f('peer.pem'), keyFile: f('peer.key') };
}
