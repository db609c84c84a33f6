// `blobs: postgres`: raw messages as bytea chunks in the database, so gateway processes need no shared
// directory. Two `docgate serve` processes with separate data directories on one PostgreSQL database:
// a message submitted over SMTP through A is FETCHed byte-exact (whole and BODY[]<o.l>) through B and A,
// relayed byte-exact, and no blob file exists in either data directory; A killed with SIGKILL right after a
// 250 keeps that message; `docgate store check` finds a damaged chunk and `store sweep` removes old orphans.
// And the configuration refuses `blobs: postgres` on SQLite, in both languages.

import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { AGENCIES, createTestEnv } from '../helpers/env.js';
import { runCli, startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { TEST_PASSWORD } from '../helpers/gateway.js';
import { literalAfter } from '../helpers/imap.js';
import type { ImapWire } from '../helpers/imap-wire.js';
import { authenticatedSession } from '../helpers/smtp-wire.js';
import { agenciesWithRelay, faultPeer, fastRelay, waitFor, type FaultPeer } from '../helpers/relay.js';
import { imapLogin, requirePostgres, sharedPostgresEnv, type SharedEnv } from '../helpers/pg-processes.js';

/** A submission of about `size` bytes (CRLF lines, none starting with a dot), crossing many 256 KB chunks. */
function rawMessage(messageId: string, size: number): Buffer {
  const head =
    `From: ${AGENCIES.ubnd.address}\r\nTo: ${AGENCIES.snv.address}\r\nSubject: blobs in PostgreSQL\r\nMessage-ID: <${messageId}>\r\n` +
    `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSố ký hiệu: 07/UBND-VP\r\n`;
  const lines: string[] = [];
  let length = Buffer.byteLength(head);
  while (length < size) {
    const line = `L${lines.length} ${randomBytes(45).toString('base64')}\r\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(head + lines.join(''), 'utf8');
}

async function submit(port: number, raw: Buffer): Promise<string> {
  const client = await authenticatedSession(port, AGENCIES.ubnd.address, TEST_PASSWORD);
  try {
    expect((await client.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).code).to.equal(250);
    expect((await client.command(`RCPT TO:<${AGENCIES.snv.address}>`)).code).to.equal(250);
    expect((await client.command('DATA')).code).to.equal(354);
    client.write(Buffer.concat([raw, Buffer.from('.\r\n')]));
    const reply = await client.reply(60_000);
    expect(reply.code, reply.text).to.equal(250);
    return /ma theo doi (DG\d{8}-[A-Z2-9]{10})/.exec(reply.text)![1];
  } finally {
    client.close();
  }
}

/** BODY[] (or BODY[]<o.l>) of the message with this Message-ID in the clerk's INBOX, read over IMAP. */
async function fetchBody(port: number, messageId: string, partial?: [number, number]): Promise<Buffer> {
  const wire: ImapWire = await imapLogin(port, AGENCIES.snv.address);
  try {
    expect((await wire.command('SELECT INBOX')).tagged).to.match(/OK/);
    const found = await wire.command(`UID SEARCH HEADER Message-ID "${messageId}"`);
    const uid = /^\* SEARCH (\d+)/.exec(found.lines.find((l) => l.startsWith('* SEARCH')) ?? '')?.[1];
    if (!uid) throw new Error(`no message ${messageId}: ${found.lines.join(' | ')}`);
    const section = partial ? `BODY.PEEK[]<${partial[0]}.${partial[1]}>` : 'BODY.PEEK[]';
    const r = await wire.command(`UID FETCH ${uid} (${section})`, { timeoutMs: 60_000 });
    expect(r.tagged, r.lines.join('\n').slice(0, 300)).to.match(/OK/);
    return literalAfter(r.raw, partial ? `BODY[]<${partial[0]}> ` : 'BODY[] ');
  } finally {
    wire.close();
  }
}

/** Blob files (64-hex names) anywhere under a directory. */
function blobFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /^[0-9a-f]{64}$/.test(d.name))
    .map((d) => d.name);
}

describe('blobs: postgres, two processes with separate data directories on one database', function () {
  this.timeout(240_000);
  let shared: SharedEnv;
  let peer: FaultPeer;
  let dataB: string;
  let a: ServeProcess | null = null;
  let b: ServeProcess | null = null;
  let pgClient: pg.Client;

  before(async function () {
    requirePostgres(this);
    peer = await faultPeer();
    await peer.listen();
    shared = await sharedPostgresEnv(
      {
        docgate: { blobs: 'postgres', ...fastRelay() },
        agencies: agenciesWithRelay({ url: `smtp://127.0.0.1:${peer.port}?tls=none`, keepMailbox: true }),
      },
      { [AGENCIES.ubnd.address]: AGENCIES.ubnd.id, [AGENCIES.snv.address]: AGENCIES.snv.id },
    );
    dataB = path.join(shared.env.root, 'data-b');
    mkdirSync(dataB);
    a = await startServe(shared.env.configDir, shared.env.dataDir, 60_000);
    b = await startServe(shared.env.configDir, dataB, 60_000);
    pgClient = new pg.Client({ connectionString: shared.db.url });
    await pgClient.connect();
  });
  after(async () => {
    await pgClient?.end();
    await Promise.all([a, b].filter((p): p is ServeProcess => p !== null).map((p) => stopProcess(p.child)));
    await peer?.close();
    await shared?.cleanup();
  });

  it('a submission through A is FETCHed byte-exact through B and A, whole and in ranges, and relayed byte-exact', async () => {
    const messageId = `pg-blob-1@${AGENCIES.ubnd.domain}`;
    const raw = rawMessage(messageId, 1_200_000);
    const trackingId = await submit(a!.starttlsPort, raw);
    const viaB = await fetchBody(b!.imapTlsPort, messageId);
    // The stored message is the submitted bytes with the trace headers prepended, never re-encoded.
    expect(viaB.length).to.be.greaterThan(raw.length);
    expect(viaB.subarray(viaB.length - raw.length).equals(raw), 'submitted bytes intact').to.equal(true);
    expect(viaB.toString('latin1')).to.contain(`X-Docgate-Tracking-Id: ${trackingId}`);
    expect((await fetchBody(a!.imapTlsPort, messageId)).equals(viaB), 'A serves the same bytes').to.equal(true);
    for (const [offset, length] of [
      [0, 100],
      [262_100, 300],
      [300_000, 500_000],
      [viaB.length - 50, 1000],
    ] as [number, number][]) {
      const part = await fetchBody(b!.imapTlsPort, messageId, [offset, length]);
      expect(part.equals(viaB.subarray(offset, offset + length)), `BODY[]<${offset}.${length}>`).to.equal(true);
    }
    const relayed = await waitFor('relayed', async () => peer.received.find((m) => m.data.toString('latin1').includes(trackingId)), 60_000);
    expect(relayed.data.equals(viaB), 'relayed bytes are the stored bytes').to.equal(true);
    // The bytes are in the database only: no data directory holds a blob file.
    expect(blobFiles(shared.env.dataDir)).to.deep.equal([]);
    expect(blobFiles(dataB)).to.deep.equal([]);
    const sha = createHash('sha256').update(raw).digest('hex');
    const chunks = await pgClient.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM blob_chunks WHERE sha256 = $1', [sha]);
    expect(chunks.rows[0].n, 'chunks of 256 KB').to.equal(Math.ceil(raw.length / (256 * 1024)));
  });

  it('A killed with SIGKILL right after a 250 keeps the message; B serves it byte-exact', async () => {
    const messageId = `pg-blob-kill@${AGENCIES.ubnd.domain}`;
    const raw = rawMessage(messageId, 700_000);
    await submit(a!.starttlsPort, raw);
    const victim = a!;
    a = null;
    await stopProcess(victim.child, 'SIGKILL');
    const viaB = await fetchBody(b!.imapTlsPort, messageId);
    expect(viaB.subarray(viaB.length - raw.length).equals(raw)).to.equal(true);
    // A comes back on a fresh data directory: everything it needs is in the database.
    const dataA2 = path.join(shared.env.root, 'data-a2');
    mkdirSync(dataA2);
    a = await startServe(shared.env.configDir, dataA2, 60_000);
    expect((await fetchBody(a.imapTlsPort, messageId)).equals(viaB)).to.equal(true);
  });

  it('store check is clean, then finds a damaged chunk; store sweep removes only old orphans', async () => {
    const cli = (args: string[]) => runCli([...args, '--config', shared.env.configDir, '--data', dataB]);
    const clean = await cli(['store', 'check']);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
    expect(clean.stdout).to.match(/thiếu 0, thừa 0, hỏng 0 \/ .*missing 0, unreferenced 0, damaged 0/);

    const { rows } = await pgClient.query<{ sha256: string }>('SELECT sha256 FROM blob_store WHERE size > 600000 ORDER BY sha256 LIMIT 1');
    const damaged = String(rows[0].sha256);
    await pgClient.query("UPDATE blob_chunks SET data = overlay(data placing '\\x58'::bytea from 100 for 1) WHERE sha256 = $1 AND seq = 1", [damaged]);
    const dirty = await cli(['store', 'check']);
    expect(dirty.code).to.equal(1);
    expect(dirty.stdout).to.match(new RegExp(`Tệp hỏng: ${damaged} .* / damaged blob: ${damaged} \\(sha256 `));

    // Orphans: one written long ago, one young (maybe an in-flight transaction's).
    const plant = async (text: string, ageMs: number) => {
      const data = Buffer.from(text);
      const sha = createHash('sha256').update(data).digest('hex');
      await pgClient.query('INSERT INTO blob_store (sha256, size, chunk_size, touched_at) VALUES ($1, $2, $3, $4)', [
        sha,
        data.length,
        256 * 1024,
        Date.now() - ageMs,
      ]);
      await pgClient.query('INSERT INTO blob_chunks (sha256, seq, data) VALUES ($1, 0, $2)', [sha, data]);
      return sha;
    };
    const old = await plant('old orphan in the database', 2 * 3600_000);
    const young = await plant('young orphan in the database', 60_000);
    const swept = await cli(['store', 'sweep']);
    expect(swept.code, swept.stderr).to.equal(0);
    expect(swept.stdout).to.contain(`removed: ${old}`);
    expect(swept.stdout).to.not.contain(young);
    const left = await pgClient.query<{ sha256: string }>('SELECT sha256 FROM blob_chunks WHERE sha256 = ANY($1)', [[old, young]]);
    expect(left.rows.map((r) => r.sha256)).to.deep.equal([young]);
  });
});

describe('blobs: postgres on SQLite', () => {
  it('is refused with a configuration error in Vietnamese and English', async () => {
    const env = createTestEnv({ docgate: { blobs: 'postgres' } });
    try {
      const r = await runCli(['store', 'check', '--config', env.configDir, '--data', env.dataDir]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/docgate\.yaml:\d+: blobs: postgres cần cơ sở dữ liệu PostgreSQL .* \/ postgres needs a PostgreSQL database/);
    } finally {
      env.cleanup();
    }
  });
});
