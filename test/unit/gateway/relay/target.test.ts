// Relay targets from agencies.yaml: TLS modes per scheme (STARTTLS required unless ?tls=none), default
// ports, the IMAP folder, credentials only from passwordFile, a CA file instead of the system store.

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveTarget } from '../../../../gateway/relay/target.js';

describe('relay target', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-target-'));
    writeFileSync(path.join(dir, 'relay.pass'), 's3cret-pass\n');
    writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const resolve = (target: Record<string, unknown>) => resolveTarget({ keepMailbox: true, ...target } as never, dir);

  it('smtp:// requires STARTTLS by default; ?tls=none turns it off; smtps:// is implicit TLS', () => {
    expect(resolve({ url: 'smtp://mx.snv.gov.vn' })).to.include({ scheme: 'smtp', host: 'mx.snv.gov.vn', port: 25, tls: 'starttls' });
    expect(resolve({ url: 'smtp://10.0.0.5:2525?tls=none' })).to.include({ port: 2525, tls: 'none', display: 'smtp://10.0.0.5:2525?tls=none' });
    expect(resolve({ url: 'smtps://mx.snv.gov.vn' })).to.include({ port: 465, tls: 'implicit' });
    expect(resolve({ url: 'lmtp://127.0.0.1:24?tls=none' })).to.include({ scheme: 'lmtp', tls: 'none' });
  });

  it('IMAP: default ports, folder from `mailbox` or the URL path', () => {
    expect(resolve({ url: 'imap://imap.snv.gov.vn' })).to.include({ port: 143, tls: 'starttls', mailbox: 'INBOX' });
    expect(resolve({ url: 'imaps://imap.snv.gov.vn/V%C4%83n%20b%E1%BA%A3n' })).to.include({ port: 993, tls: 'implicit', mailbox: 'Văn bản' });
    expect(resolve({ url: 'imaps://imap.snv.gov.vn', mailbox: 'Docgate' }).mailbox).to.equal('Docgate');
  });

  it('reads the password from passwordFile (relative to the config directory) and the CA file', () => {
    const t = resolve({ url: 'smtp://mx.snv.gov.vn:587', username: 'docgate', passwordFile: 'relay.pass', caFile: 'ca.pem' });
    expect(t.auth).to.deep.equal({ user: 'docgate', pass: 's3cret-pass' });
    expect(t.ca).to.contain('BEGIN CERTIFICATE');
    expect(t.display).to.not.contain('s3cret');
  });

  it('refuses credentials inline in the URL', () => {
    expect(() => resolve({ url: 'smtp://user:pw@mx.snv.gov.vn' })).to.throw(/passwordFile/);
  });
});
