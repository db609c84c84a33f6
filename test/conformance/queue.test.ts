// The job queue on SQLite and PostgreSQL: jobs commit with the acceptance (or not at all), two workers
// claiming at once never take the same job (PostgreSQL: two processes' transactions, FOR UPDATE SKIP
// LOCKED), a lease that ran out makes a job due again, and a worker that lost its lease cannot overwrite.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../config/log.js';
import { openDatabase, type Database } from '../../storage/db.js';
import { QueueRepository } from '../../storage/queue/repository.js';
import { MailboxRepository } from '../../storage/mailbox/repository.js';
import { RegisterRepository } from '../../storage/register/repository.js';
import { WriteQueue } from '../../storage/write-queue.js';
import { submissionRecord } from '../helpers/submission.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { query } from '../../storage/sql.js';

const A = '000.00.00.H27';
const B = '000.01.00.H27';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`queue conformance (${dialect})`, function () {
    this.timeout(60_000);
    let dataDir: string;
    let temp: TempDatabase | null = null;
    let dbs: Database[] = [];
    let queues: QueueRepository[];
    let writes: WriteQueue[];
    let register: RegisterRepository;

    before(async () => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'docgate-queue-'));
      let url = 'sqlite:queue.sqlite';
      if (dialect === 'postgres') {
        temp = await createTempDatabase();
        url = temp.url;
      }
      // Two independent connections (two processes' worth) on PostgreSQL; one writer on SQLite.
      dbs = [await openDatabase(url, dataDir, silentLogger)];
      if (dialect === 'postgres') dbs.push(await openDatabase(url, dataDir, silentLogger));
      queues = dbs.map((db) => new QueueRepository(db.sequelize));
      writes = dbs.map((db) => new WriteQueue(db, silentLogger));
      const mailboxes = new MailboxRepository(dbs[0].sequelize, dbs[0].models);
      register = new RegisterRepository(dbs[0].sequelize, dbs[0].models, mailboxes);
      await writes[0].run(async (t) => {
        for (const agency of [A, B]) await mailboxes.ensureAgencyFolders(t, agency, new Date());
      });
    });
    after(async () => {
      for (const w of writes) await w.close();
      for (const db of dbs) await db.close();
      await temp?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('relay jobs are written with the accepted submission, in its transaction', async () => {
      const at = new Date('2026-12-01T00:00:00Z');
      const record = submissionRecord({
        trackingId: 'DG20261201-QUEUE00001',
        status: 'accepted',
        senderAgencyId: A,
        recipientAgencyIds: [B],
        rfc822MessageId: '<q1@test>',
        metadata: { documentNumber: '1/UBND' },
      });
      await writes[0].run((t) => register.record(t, { ...record, receivedAt: at, relay: [{ agencyId: B, payload: { from: 'a@x.vn', to: ['b@y.vn'] } }] }));
      const jobs = await queues[0].list({ documentId: record.trackingId, kind: 'relay' });
      expect(jobs).to.have.length(1);
      expect(jobs[0]).to.include({ kind: 'relay', agencyId: B, status: 'queued', attempts: 0 });
      expect(JSON.parse(jobs[0].payload)).to.deep.equal({ from: 'a@x.vn', to: ['b@y.vn'] });
      // A transaction that fails after recording leaves no job behind.
      const failing = {
        ...record,
        trackingId: 'DG20261201-QUEUE00002',
        rfc822MessageId: '<q2@test>',
        relay: [{ agencyId: B, payload: { from: 'a', to: ['b'] } }],
      };
      await writes[0]
        .run(async (t) => {
          await register.record(t, failing);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      expect(await queues[0].list({ documentId: failing.trackingId })).to.have.length(0);
    });

    it('the notice job commits with the acceptance; $TrangThai keywords follow the register', async () => {
      const at = new Date('2026-12-01T02:00:00Z');
      const record = submissionRecord({
        trackingId: 'DG20261201-QUEUE00003',
        status: 'accepted',
        senderAgencyId: A,
        recipientAgencyIds: [B],
        rfc822MessageId: '<q3@test>',
        metadata: { documentNumber: '3/UBND' },
      });
      await writes[0].run((t) => register.record(t, { ...record, receivedAt: at }));
      const [job] = await queues[0].list({ documentId: record.trackingId, kind: 'notice' });
      expect(job).to.include({ agencyId: A, status: 'queued' });
      expect(JSON.parse(job.payload)).to.deep.equal({ event: 'accepted', mailboxed: [B], at: at.toISOString() });
      const flags = async () => {
        const [row] = await query<{ flags: string }>(
          dbs[0].sequelize,
          "SELECT mm.flags FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id WHERE b.agency_id = :a AND b.name = 'Văn bản đi' AND mm.document_id = :d",
          { a: A, d: record.trackingId },
        );
        return JSON.parse(row.flags) as string[];
      };
      expect(await flags()).to.deep.equal(['\\Seen', '$TrangThai-01']);
      const changed = await writes[0].run(async (t) => {
        await register.changeIncomingStatus(t, { agencyId: B, documentId: record.trackingId, from: ['01'], to: '03', actor: 'x', note: null, at });
        return register.refreshStatusKeywords(t, record.trackingId);
      });
      expect(changed).to.have.length(1);
      expect(await flags()).to.deep.equal(['\\Seen', '$TrangThai-03']);
      expect(await writes[0].run((t) => register.refreshStatusKeywords(t, record.trackingId))).to.have.length(0);
    });

    it('concurrent claims never take the same job; an expired lease makes it due again', async () => {
      const at = new Date('2026-12-01T01:00:00Z');
      await writes[0].run((t) =>
        queues[0].enqueue(
          t,
          Array.from({ length: 20 }, (_, i) => ({ kind: 'test', documentId: `DOC${i}`, agencyId: B, payload: {}, at })),
        ),
      );
      const now = new Date('2026-12-01T01:00:01Z');
      const claim = (i: number, worker: string) =>
        writes[i % writes.length].run((t) => queues[i % queues.length].claim(t, { kind: 'test', worker, now, leaseMs: 60_000, limit: 3 }));
      const batches = await Promise.all(Array.from({ length: 8 }, (_, i) => claim(i, `w${i}`)));
      const ids = batches.flat().map((j) => j.id);
      expect(ids).to.have.length(20);
      expect(new Set(ids).size).to.equal(20);
      // Nothing else is due while the leases hold.
      expect(await claim(0, 'late')).to.have.length(0);
      // After the lease, another worker takes a job; the first worker's late result is refused.
      const first = batches[0][0];
      const later = new Date(now.getTime() + 61_000);
      const retaken = await writes[0].run((t) => queues[0].claim(t, { kind: 'test', worker: 'w-new', now: later, leaseMs: 60_000, limit: 100 }));
      expect(retaken.map((j) => j.id)).to.include(first.id);
      const again = retaken.find((j) => j.id === first.id)!;
      expect(again.attempts).to.equal(2);
      const stale = await writes[0].run((t) => queues[0].finish(t, { id: first.id, worker: 'w0', status: 'delivered', reply: '250 late', at: later }));
      expect(stale).to.equal(false);
      const owner = await writes[0].run((t) => queues[0].finish(t, { id: first.id, worker: 'w-new', status: 'delivered', reply: '250 ok', at: later }));
      expect(owner).to.equal(true);
      const done = (await queues[0].find(first.id))!;
      expect(done).to.include({ status: 'delivered', lastReply: '250 ok', lockedBy: null });
      expect(done.finishedAt!.toISOString()).to.equal(later.toISOString());
    });

    it('retry makes a failed job due now; drop stops it; a delivered job is neither', async () => {
      const at = new Date('2026-12-01T02:00:00Z');
      await writes[0].run((t) => queues[0].enqueue(t, [{ kind: 'test2', documentId: 'R1', agencyId: B, payload: {}, at }]));
      const [job] = await writes[0].run((t) => queues[0].claim(t, { kind: 'test2', worker: 'w', now: at, leaseMs: 1000, limit: 1 }));
      await writes[0].run((t) => queues[0].finish(t, { id: job.id, worker: 'w', status: 'failed', reply: '550 no', at }));
      const later = new Date('2026-12-01T03:00:00Z');
      const retried = await writes[0].run((t) => queues[0].retry(t, job.id, later));
      expect(retried).to.include({ status: 'queued', finishedAt: null });
      expect(retried!.nextAttemptAt.toISOString()).to.equal(later.toISOString());
      expect((await writes[0].run((t) => queues[0].drop(t, job.id, later)))!.status).to.equal('dropped');
      expect(await writes[0].run((t) => queues[0].claim(t, { kind: 'test2', worker: 'w', now: later, leaseMs: 1000, limit: 1 }))).to.have.length(0);
      await writes[0].run((t) => queues[0].retry(t, job.id, later));
      const [back] = await writes[0].run((t) => queues[0].claim(t, { kind: 'test2', worker: 'w2', now: later, leaseMs: 1000, limit: 1 }));
      await writes[0].run((t) => queues[0].finish(t, { id: back.id, worker: 'w2', status: 'delivered', reply: '250', at: later }));
      expect(await writes[0].run((t) => queues[0].retry(t, job.id, later))).to.equal(null);
      expect(await writes[0].run((t) => queues[0].drop(t, job.id, later))).to.equal(null);
    });
  });
}
