// One storage suite, run on SQLite and on PostgreSQL: migrations, numbering without gaps or repeats when
// several processes write at once, UIDs never reused, whole submissions or nothing, UIDVALIDITY never
// repeated by any process. The MailboxStore contract (subscriptions among it) is mailbox-store.test.ts,
// which runs on the memory store too.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes, Sequelize, type Transaction } from 'sequelize';
import { createLogger, silentLogger } from '../../config/log.js';
import { openDatabase, type Database } from '../../storage/db.js';
import { FileBlobStore } from '../../storage/blobs.js';
import { ReadPool } from '../../storage/read-pool.js';
import { SqlMailboxStore } from '../../storage/mailbox/sql-store.js';
import { MIGRATIONS } from '../../storage/migrations/index.js';
import { MailboxRepository } from '../../storage/mailbox/repository.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { RegisterRepository } from '../../storage/register/repository.js';
import type { SubmissionRecord } from '../../storage/register/types.js';
import { WriteQueue } from '../../storage/write-queue.js';
import { RECORD_SUBMISSION } from '../../storage/index.js';
import { submissionRecord } from '../helpers/submission.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

const A = '000.00.00.H27';
const B = '000.01.00.H27';
const C = '000.02.00.H27';

function submission(i: number, to: string[], status: SubmissionRecord['status'] = 'accepted'): SubmissionRecord {
  return submissionRecord({
    trackingId: `DG20261125-TEST${String(i).padStart(6, '0')}`,
    status,
    senderAgencyId: A,
    recipientAgencyIds: to,
    rfc822MessageId: `<${i}@test>`,
    metadata: { documentNumber: `${i}/UBND` },
  });
}

interface Writer {
  db: Database;
  writes: WriteQueue;
  register: RegisterRepository;
  mailboxes: MailboxRepository;
  reads: ReadPool;
  store: SqlMailboxStore;
}

async function writer(url: string, dataDir: string): Promise<Writer> {
  const db = await openDatabase(url, dataDir, silentLogger);
  const mailboxes = new MailboxRepository(db.sequelize, db.models);
  const register = new RegisterRepository(db.sequelize, db.models, mailboxes);
  const writes = new WriteQueue(db, silentLogger);
  writes.registerBatch(RECORD_SUBMISSION, (t, inputs) => register.recordMany(t, inputs as SubmissionRecord[]));
  const reads = await ReadPool.open(db.sequelize, db.storagePath);
  const blobs = new FileBlobStore(path.join(dataDir, 'blobs'));
  const store = new SqlMailboxStore({ sequelize: db.sequelize, reads, models: db.models, writes, blobs, mailboxes, register });
  return { db, writes, register, mailboxes, reads, store };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`storage conformance (${dialect})`, function () {
    this.timeout(120_000);
    let dataDir: string;
    let temp: TempDatabase | null = null;
    let url: string;
    let writers: Writer[] = [];

    before(async () => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), `docgate-conf-${dialect}-`));
      if (dialect === 'postgres') {
        temp = await createTempDatabase();
        url = temp.url;
      } else {
        url = 'sqlite:conformance.sqlite';
      }
      // Two independent writers stand for two gateway processes sharing one database.
      writers = [await writer(url, dataDir), await writer(url, dataDir)];
      await writers[0].writes.run(async (t: Transaction) => {
        for (const agency of [A, B, C]) await writers[0].mailboxes.ensureAgencyFolders(t, agency, new Date());
      });
    });
    after(async () => {
      for (const w of writers) {
        await w.writes.close();
        await w.reads.close();
        await w.db.close();
      }
      await temp?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('numbers 120 concurrent submissions from two writers 1..N per agency with no gap or repeat', async () => {
      // Half are written one by one, half through the group commit (many per statement).
      const jobs = Array.from({ length: 120 }, (_, i) => {
        const to = i % 3 === 0 ? [B, C] : i % 3 === 1 ? [B] : [C];
        const record = submission(i, to);
        const w = writers[i % 2];
        return w.writes.submit({ run: (t) => w.register.record(t, record), ...(i % 4 < 2 ? { group: { key: RECORD_SUBMISSION, input: record } } : {}) });
      });
      const results = await Promise.all(jobs);
      expect(results).to.have.length(120);
      for (const [agency, count] of [
        [B, 80],
        [C, 80],
      ] as const) {
        const numbers = (await writers[0].register.book(agency, 'incoming', 2026)).map((e) => e.number);
        expect(numbers, agency).to.deep.equal(Array.from({ length: count }, (_, k) => k + 1));
      }
      const outgoing = (await writers[1].register.book(A, 'outgoing', 2026)).map((e) => e.number);
      expect(outgoing).to.deep.equal(Array.from({ length: 120 }, (_, k) => k + 1));
      // Every recipient mailbox got each document once, UIDs 1..N.
      const inbox = await writers[0].mailboxes.find(B, FOLDERS.inbox.name);
      const uids = (await writers[0].db.models.MailboxMessage.findAll({ where: { mailboxId: inbox!.id }, order: [['uid', 'ASC']] })).map((r) => r.get('uid'));
      expect(uids).to.deep.equal(Array.from({ length: 80 }, (_, k) => k + 1));
    });

    it('numbers a new year from 1 again and leaves returned submissions unnumbered', async () => {
      const next = { ...submission(1000, [B]), year: 2027, trackingId: 'DG20270101-TESTYEAR01' };
      await writers[0].writes.run((t) => writers[0].register.record(t, next));
      expect((await writers[0].register.book(B, 'incoming', 2027)).map((e) => e.number)).to.deep.equal([1]);
      const returned = await writers[1].writes.run((t) => writers[1].register.record(t, submission(1001, [B], 'returned')));
      expect(returned.outgoingNumber).to.equal(null);
      expect(returned.incoming).to.deep.equal([]);
      expect(returned.deliveries).to.deep.equal([]);
    });

    it('writes a batch mixing accepted, returned and held submissions like one by one', async () => {
      const before = (await writers[0].register.book(B, 'incoming', 2026)).length;
      const records = [submission(3000, [B]), submission(3001, [B], 'returned'), submission(3002, [B, C]), submission(3003, [B], 'quarantined')];
      const results = await Promise.all(
        records.map((record) =>
          writers[0].writes.submit({ run: (t) => writers[0].register.record(t, record), group: { key: RECORD_SUBMISSION, input: record } }),
        ),
      );
      expect(results.map((r) => r.trackingId)).to.deep.equal(records.map((r) => r.trackingId));
      expect(results.map((r) => r.incoming.length)).to.deep.equal([1, 0, 2, 0]);
      expect(results[1].deliveries).to.deep.equal([]);
      expect(results[2].deliveries.map((d) => d.agencyId)).to.deep.equal([B, C, A]);
      const numbers = (await writers[0].register.book(B, 'incoming', 2026)).map((e) => e.number);
      expect(numbers).to.deep.equal(Array.from({ length: before + 2 }, (_, k) => k + 1));
      for (const [i, record] of records.entries()) {
        const entries = await writers[0].register.entriesOf(record.trackingId);
        const outgoing = entries.find((e) => e.book === 'outgoing')!;
        expect(outgoing.status, record.trackingId).to.equal(['sent', 'returned', 'sent', 'held'][i]);
        expect(outgoing.number === null, record.trackingId).to.equal(i % 2 === 1);
      }
    });

    it('rolls back a whole submission when one write fails, leaving no gap', async () => {
      const before = (await writers[0].register.book(B, 'incoming', 2026)).length;
      // The same tracking id twice: the second violates the primary key after numbering.
      const dup = submission(2000, [B]);
      await writers[0].writes.run((t) => writers[0].register.record(t, dup));
      let failed = false;
      await writers[0].writes.run((t) => writers[0].register.record(t, dup)).catch(() => (failed = true));
      expect(failed).to.equal(true);
      await writers[0].writes.run((t) => writers[0].register.record(t, submission(2001, [B])));
      // In a group commit, the failing submission fails alone and the others of its batch are written.
      const grouped = [submission(2002, [B]), dup, submission(2003, [B])].map((record) =>
        writers[0].writes.submit({ run: (t) => writers[0].register.record(t, record), group: { key: RECORD_SUBMISSION, input: record } }).then(
          () => 'ok',
          () => 'failed',
        ),
      );
      expect(await Promise.all(grouped)).to.deep.equal(['ok', 'failed', 'ok']);
      const numbers = (await writers[0].register.book(B, 'incoming', 2026)).map((e) => e.number);
      expect(numbers).to.deep.equal(Array.from({ length: before + 4 }, (_, k) => k + 1));
    });

    it('two processes whose transactions lock the same rows in opposite orders take turns instead of deadlocking', async () => {
      await writers[0].db.sequelize.query('CREATE TABLE lock_order_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
      await writers[0].db.sequelize.query('INSERT INTO lock_order_probe (id, n) VALUES (1, 0), (2, 0)');
      const warnings: string[] = [];
      const sink = { write: (line: string) => warnings.push(line) };
      const [first, second] = writers.map((w) => new WriteQueue(w.db, createLogger('warn', sink)));
      const touch = (w: Writer, t: Transaction, id: number) =>
        w.db.sequelize.query('UPDATE lock_order_probe SET n = n + 1 WHERE id = :id', { replacements: { id }, transaction: t });
      let firstHolds!: () => void;
      const held = new Promise<void>((resolve) => (firstHolds = resolve));
      const order: string[] = [];
      const a = first.run(async (t) => {
        await touch(writers[0], t, 1);
        firstHolds();
        await new Promise((r) => setTimeout(r, 300));
        await touch(writers[0], t, 2);
        order.push('first');
      });
      await held;
      const b = second.run(async (t) => {
        await touch(writers[1], t, 2);
        await touch(writers[1], t, 1);
        order.push('second');
      });
      await Promise.all([a, b]);
      await Promise.all([first.close(), second.close()]);
      expect(warnings, 'no transaction was retried').to.deep.equal([]);
      expect(order).to.deep.equal(['first', 'second']);
      const [rows] = await writers[0].db.sequelize.query('SELECT n FROM lock_order_probe ORDER BY id');
      expect((rows as { n: number }[]).map((r) => Number(r.n))).to.deep.equal([2, 2]);
      await writers[0].db.sequelize.query('DROP TABLE lock_order_probe');
    });

    it('UIDVALIDITY never repeats across processes: the high-water mark is a database row, not process memory', async () => {
      const [one, two] = writers.map((w) => w.store);
      // A clock in the past: only the stored high-water mark keeps the values apart.
      const past = new Date(Date.UTC(2020, 0, 1));
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        for (const [creator, deleter] of [
          [one, two],
          [two, one],
        ]) {
          seen.push((await creator.create(C, 'lap-lai', past)).uidValidity);
          await deleter.delete(C, 'lap-lai');
        }
      }
      // A third process, opened later, continues above what the others handed out.
      const third = await writer(url, dataDir);
      try {
        seen.push((await third.store.create(C, 'lap-lai', past)).uidValidity);
        await third.store.delete(C, 'lap-lai');
        // Concurrent creates from two processes get distinct values.
        const both = await Promise.all([one.create(C, 'song-song-1', past), third.store.create(C, 'song-song-2', past)]);
        seen.push(...both.map((m) => m.uidValidity));
        const [counter] = await third.db.sequelize.query<{ last_value: unknown }>('SELECT last_value FROM uid_validity_counter WHERE id = 1', {
          type: QueryTypes.SELECT,
        });
        expect(Number(counter.last_value)).to.equal(Math.max(...seen));
      } finally {
        await third.writes.close();
        await third.reads.close();
        await third.db.close();
      }
      expect(new Set(seen).size, seen.join(' ')).to.equal(seen.length);
      expect(seen.slice(0, 7), 'increasing').to.deep.equal([...seen.slice(0, 7)].sort((a, b) => a - b));
    });

    it('migration 005 copies the old subscribed flags into mailbox_subscriptions; 006 seeds the UIDVALIDITY counter', async () => {
      const fresh = dialect === 'postgres' ? await createTempDatabase() : null;
      const sequelize = fresh
        ? new Sequelize(fresh.url, { logging: false, dialect: 'postgres' })
        : new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
      try {
        const qi = sequelize.getQueryInterface();
        const index = MIGRATIONS.findIndex((m) => m.name === '005-subscriptions');
        expect(index).to.be.greaterThan(0);
        for (const m of MIGRATIONS.slice(0, index)) await m.up(qi);
        const now = new Date();
        for (const [name, subscribed] of [
          ['INBOX', true],
          ['cu', false],
          ['cu/moi', true],
        ] as const) {
          await sequelize.query(
            'INSERT INTO mailboxes (agency_id, name, special_use, uid_validity, uid_next, highest_modseq, subscribed, created_at) VALUES (:agency, :name, NULL, 1, 1, 1, :subscribed, :now)',
            { replacements: { agency: A, name, subscribed, now } },
          );
        }
        await MIGRATIONS[index].up(qi);
        const [rows] = await sequelize.query('SELECT agency_id, name FROM mailbox_subscriptions ORDER BY name');
        expect(rows).to.deep.equal([
          { agency_id: A, name: 'INBOX' },
          { agency_id: A, name: 'cu/moi' },
        ]);
        for (const m of MIGRATIONS.slice(index + 1)) await m.up(qi);
        // 006 starts the UIDVALIDITY counter at the highest existing value.
        const [counter] = await sequelize.query<{ last_value: unknown }>('SELECT last_value FROM uid_validity_counter WHERE id = 1', {
          type: QueryTypes.SELECT,
        });
        expect(Number(counter.last_value)).to.equal(1);
      } finally {
        await sequelize.close();
        await fresh?.drop();
      }
    });
  });
}
