// One blob-store suite, run on the file store (data/blobs) and on the database store (`blobs: postgres`,
// bytea chunks, with small chunks so every range crosses chunk boundaries, and with the default 256 KB):
// adopt takes the spool file and dedupes by digest, whole and ranged reads and streams are byte-exact, a
// missing blob is an error, a damaged or short existing blob is replaced on adopt instead of reused, a
// damaged blob reads as an error (never shorter bytes), list shows actual sizes, remove keeps young blobs.

import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Transaction } from 'sequelize';
import { silentLogger } from '../../config/log.js';
import { FileBlobStore, type BlobStore } from '../../storage/blobs.js';
import { CHUNK_SIZE, PgBlobStore } from '../../storage/blobs-postgres.js';
import { openDatabase } from '../../storage/db.js';
import { execute, query } from '../../storage/sql.js';
import { createTempDatabase } from '../helpers/postgres.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function failure(work: () => Promise<unknown>): Promise<Error | null> {
  try {
    await work();
    return null;
  } catch (err) {
    return err as Error;
  }
}

interface Subject {
  store: BlobStore;
  /** Damages a stored blob: `flip` one byte in place, or `cut` its last bytes. */
  damage(sha256: string, how: 'flip' | 'cut'): Promise<void>;
  /** Makes a stored blob look old (last written long ago). */
  age(sha256: string): Promise<void>;
  /** Another store on the same place (another process: nothing verified yet). */
  fresh(): BlobStore;
  /** Runs work in a write transaction, as the sweep does. */
  inTransaction(work: (t: Transaction) => Promise<void>): Promise<void>;
  cleanup(): Promise<void>;
}

async function fileSubject(dir: string): Promise<Subject> {
  const store = new FileBlobStore(path.join(dir, 'blobs'));
  await store.init();
  return {
    store,
    async damage(sha256, how) {
      const file = store.pathOf(sha256);
      if (how === 'cut') truncateSync(file, readFileSync(file).length - 3);
      else {
        const bytes = readFileSync(file);
        bytes[bytes.length >> 1] ^= 0x20;
        writeFileSync(file, bytes);
      }
    },
    async age(sha256) {
      const { utimesSync } = await import('node:fs');
      const when = new Date(Date.now() - 3 * 3600_000);
      utimesSync(store.pathOf(sha256), when, when);
    },
    fresh: () => new FileBlobStore(store.root),
    inTransaction: (work) => work(undefined as unknown as Transaction),
    async cleanup() {},
  };
}

async function pgSubject(dir: string, chunkSize: number): Promise<Subject> {
  const temp = await createTempDatabase();
  const db = await openDatabase(temp.url, dir, silentLogger);
  const store = new PgBlobStore(db.sequelize, chunkSize);
  await store.init();
  return {
    store,
    async damage(sha256, how) {
      // The middle chunk: a damaged chunk anywhere is found, not only at the ends.
      const [{ n }] = await query<{ n: unknown }>(db.sequelize, 'SELECT COUNT(*) AS n FROM blob_chunks WHERE sha256 = :sha256', { sha256 });
      const seq = Number(n) >> 1;
      if (how === 'cut')
        await execute(db.sequelize, 'UPDATE blob_chunks SET data = substring(data from 1 for octet_length(data) - 3) WHERE sha256 = :sha256 AND seq = :seq', {
          sha256,
          seq,
        });
      else
        await execute(db.sequelize, "UPDATE blob_chunks SET data = overlay(data placing '\\x58'::bytea from 2 for 1) WHERE sha256 = :sha256 AND seq = :seq", {
          sha256,
          seq,
        });
    },
    async age(sha256) {
      await execute(db.sequelize, 'UPDATE blob_store SET touched_at = :at WHERE sha256 = :sha256', { sha256, at: Date.now() - 3 * 3600_000 });
    },
    fresh: () => new PgBlobStore(db.sequelize, chunkSize),
    inTransaction: (work) => db.transaction(work),
    async cleanup() {
      await db.close();
      await temp.drop();
    },
  };
}

const KINDS = [
  { name: 'files', make: (dir: string) => fileSubject(dir) },
  { name: 'postgres, 1000-byte chunks', make: (dir: string) => pgSubject(dir, 1000) },
  { name: 'postgres, 256 KB chunks', make: (dir: string) => pgSubject(dir, CHUNK_SIZE) },
];

for (const kind of KINDS) {
  describe(`blob store conformance (${kind.name})`, function () {
    this.timeout(60_000);
    let dir: string;
    let subject: Subject;
    let store: BlobStore;
    let n = 0;

    /** A spool file with these bytes, as intake leaves it. */
    const spool = (data: Buffer) => {
      const file = path.join(dir, `spool-${n++}.eml`);
      writeFileSync(file, data);
      return file;
    };
    const put = async (data: Buffer) => {
      const digest = sha(data);
      const file = spool(data);
      await store.adopt(file, digest);
      expect(existsSync(file), 'the spool file is taken').to.equal(false);
      return digest;
    };

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-blobconf-'));
      subject = await kind.make(dir);
      store = subject.store;
    });
    after(async () => {
      await subject?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('adopts, reads whole and in ranges byte-exact, streams the same bytes', async () => {
      const data = randomBytes(600 * 1024 + 123);
      const digest = await put(data);
      expect(await store.exists(digest)).to.equal(true);
      expect(await store.size(digest)).to.equal(data.length);
      expect(await store.digest(digest)).to.equal(digest);
      expect((await store.read(digest)).equals(data)).to.equal(true);
      expect((await collect(store.stream(digest))).equals(data)).to.equal(true);
      const ranges: [number, number][] = [
        [0, 1],
        [999, 1001],
        [1000, 2000],
        [CHUNK_SIZE - 5, CHUNK_SIZE + 5],
        [123_456, 400_000],
        [data.length - 10, data.length],
        [data.length - 10, data.length + 500],
        [data.length + 1, data.length + 5],
      ];
      for (const [start, end] of ranges) {
        const want = data.subarray(start, Math.min(end, data.length));
        expect((await store.read(digest, start, end)).equals(want), `read ${start}-${end}`).to.equal(true);
        expect((await collect(store.stream(digest, start, end))).equals(want), `stream ${start}-${end}`).to.equal(true);
      }
      expect((await collect(store.stream(digest, 5000))).equals(data.subarray(5000)), 'stream to the end').to.equal(true);
    });

    it('stores an empty blob and a one-chunk blob', async () => {
      for (const data of [Buffer.alloc(0), Buffer.from('Subject: x\r\n\r\nhi\r\n')]) {
        const digest = await put(data);
        expect((await store.read(digest)).equals(data)).to.equal(true);
        expect((await collect(store.stream(digest))).equals(data)).to.equal(true);
        expect(await store.size(digest)).to.equal(data.length);
      }
    });

    it('dedupes by digest: the same bytes twice are one blob', async () => {
      const data = randomBytes(5000);
      const before = store.bytesWritten;
      const digest = await put(data);
      await put(data);
      expect(store.bytesWritten - before, 'written once').to.equal(data.length);
      expect((await store.list()).filter((b) => b.sha256 === digest)).to.have.length(1);
      expect((await store.read(digest)).equals(data)).to.equal(true);
    });

    it('a missing blob is an error for read, stream, size and digest', async () => {
      const absent = sha(Buffer.from('never stored'));
      expect(await store.exists(absent)).to.equal(false);
      expect(await failure(() => store.read(absent))).to.be.instanceOf(Error);
      expect(await failure(() => collect(store.stream(absent)))).to.be.instanceOf(Error);
      expect(await failure(() => store.size(absent))).to.be.instanceOf(Error);
      expect(await failure(() => store.digest(absent))).to.be.instanceOf(Error);
    });

    it('a damaged blob is never served as other bytes; list and digest show the damage', async () => {
      const flipped = await put(randomBytes(3500));
      await subject.damage(flipped, 'flip');
      expect(await store.digest(flipped)).to.not.equal(flipped);
      const cut = await put(randomBytes(3500));
      await subject.damage(cut, 'cut');
      const listed = (await store.list()).find((b) => b.sha256 === cut);
      expect(listed?.size).to.equal(3497);
      // A short blob is an error or a visibly short read, never the row's length of other bytes.
      const read = await store.read(cut).catch((err: Error) => err);
      if (Buffer.isBuffer(read)) expect(read.length).to.be.lessThan(3500);
      else expect(read).to.be.instanceOf(Error);
      const streamed = await collect(store.stream(cut)).catch((err: Error) => err);
      if (Buffer.isBuffer(streamed)) expect(streamed.length).to.be.lessThan(3500);
      else expect(streamed).to.be.instanceOf(Error);
    });

    it('adopt replaces a short or damaged existing blob instead of reusing it by name', async () => {
      for (const how of ['flip', 'cut'] as const) {
        const data = randomBytes(4500);
        const digest = await put(data);
        await subject.damage(digest, how);
        // A fresh store in the same place has not verified it in this process.
        const fresh = subject.fresh();
        await fresh.adopt(spool(data), digest);
        expect((await store.read(digest)).equals(data), `the ${how} blob was replaced`).to.equal(true);
        expect(await store.digest(digest)).to.equal(digest);
      }
    });

    it('list shows every blob with its size; remove keeps a blob touched since the cutoff, removes an old one', async () => {
      const young = await put(randomBytes(2100));
      const old = await put(randomBytes(2200));
      await subject.age(old);
      const listed = new Map((await store.list()).map((b) => [b.sha256, b]));
      expect(listed.get(young)?.size).to.equal(2100);
      expect(listed.get(old)?.size).to.equal(2200);
      expect(listed.get(old)!.mtimeMs).to.be.lessThan(Date.now() - 3600_000);
      const cutoff = Date.now() - 3600_000;
      const inTransaction = (work: (t: Transaction) => Promise<void>) => subject.inTransaction(work);
      await inTransaction((t) => store.remove(young, t, cutoff));
      await inTransaction((t) => store.remove(old, t, cutoff));
      expect(await store.exists(young), 'young kept').to.equal(true);
      expect(await store.exists(old), 'old removed').to.equal(false);
      await inTransaction((t) => store.remove(young, t));
      expect(await store.exists(young), 'removed without a cutoff').to.equal(false);
      // Stored again after removal: whole again.
      const again = randomBytes(2100);
      const digest = await put(again);
      expect((await store.read(digest)).equals(again)).to.equal(true);
    });

    it('localFile gives the bytes as a file, released afterwards', async () => {
      const data = randomBytes(70_000);
      const digest = await put(data);
      const local = await store.localFile(digest, dir);
      expect(readFileSync(local.path).equals(data)).to.equal(true);
      await local.release();
      expect((await store.read(digest)).equals(data), 'the blob itself stays').to.equal(true);
    });
  });
}
