// The MailboxStore contract, run on the SQL store (SQLite and PostgreSQL, two stores standing for two
// processes on one database) and on the in-memory store: folders and their refusal codes,
// subscriptions, UIDs never reused, flags with UNCHANGEDSINCE, expunge tombstones, COPY/MOVE,
// MULTIAPPEND and the bytes as served.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { silentLogger } from '../../config/log.js';
import { openStorage, type Storage } from '../../storage/index.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { MemoryMailboxStore } from '../../storage/mailbox/memory-store.js';
import { spoolBuffer } from '../../storage/mailbox/spool-file.js';
import { mailboxStoreOf } from '../../storage/mailbox/sql-store.js';
import { MailboxStoreError, type AppendInput, type MailboxStore, type StoreErrorCode } from '../../storage/mailbox/store.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

const A = AGENCIES.ubnd.id;
const C = AGENCIES.snv.id;

interface Backend {
  /** Two stores over the same data (two processes); the memory store is one store twice. */
  stores: [MailboxStore, MailboxStore];
  spoolDir: string;
  close(): Promise<void>;
}

async function openBackend(kind: 'sqlite' | 'postgres' | 'memory'): Promise<Backend> {
  if (kind === 'memory') {
    const store = new MemoryMailboxStore();
    for (const agency of [A, C]) store.ensureAgencyFolders(agency, new Date());
    const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'docgate-memstore-'));
    return { stores: [store, store], spoolDir, close: async () => rmSync(spoolDir, { recursive: true, force: true }) };
  }
  const temp: TempDatabase | null = kind === 'postgres' ? await createTempDatabase() : null;
  const env: TestEnv = createTestEnv(temp ? { docgate: { database: { url: temp.url } } } : {});
  const config = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
  const one: Storage = await openStorage(config, silentLogger);
  const two: Storage = await openStorage(config, silentLogger);
  for (const agency of [A, C]) await one.writes.run((t) => one.mailboxes.ensureAgencyFolders(t, agency, new Date()));
  return {
    stores: [mailboxStoreOf(one), mailboxStoreOf(two)],
    spoolDir: one.spoolDir,
    async close() {
      await one.close();
      await two.close();
      env.cleanup();
      await temp?.drop();
    },
  };
}

async function refusal(work: Promise<unknown>): Promise<StoreErrorCode> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'refused').to.be.instanceOf(MailboxStoreError);
  return (err as MailboxStoreError).code;
}

for (const kind of ['sqlite', 'postgres', 'memory'] as const) {
  describe(`mailbox store conformance (${kind})`, function () {
    this.timeout(60_000);
    let backend: Backend;
    let one: MailboxStore;
    let two: MailboxStore;

    const input = async (mailboxId: number, text: string, flags: string[] = []): Promise<AppendInput> => {
      const file = await spoolBuffer(backend.spoolDir, 'test', Buffer.from(`Subject: ${text}\r\n\r\n${text}\r\n`));
      return {
        mailboxId,
        tempPath: file.path,
        sha256: file.sha256,
        size: file.size,
        structure: null,
        header: null,
        flags,
        internalDate: new Date(Date.UTC(2026, 0, 2)),
      };
    };

    before(async () => {
      backend = await openBackend(kind);
      [one, two] = backend.stores;
    });
    after(() => backend.close());

    it('subscriptions are names of their own: DELETE keeps them, RENAME moves them, both processes see them', async () => {
      const standard = Object.values(FOLDERS).map((f) => f.name);
      expect(await one.subscriptions(C)).to.include.members(standard);
      await one.create(C, 'theo-doi', new Date());
      await one.create(C, 'theo-doi/con', new Date());
      await one.setSubscribed(C, 'theo-doi/con', true);
      await one.setSubscribed(C, 'theo-doi/con', true);
      expect((await two.subscriptions(C)).filter((n) => n.startsWith('theo-doi'))).to.deep.equal(['theo-doi/con']);
      expect(await one.subscriptions(A), 'per agency').to.not.include('theo-doi/con');
      await two.delete(C, 'theo-doi/con');
      expect(await one.get(C, 'theo-doi/con')).to.equal(null);
      expect(await one.subscriptions(C), 'DELETE leaves the subscription').to.include('theo-doi/con');
      await one.create(C, 'theo-doi/con', new Date());
      expect(await one.subscriptions(C)).to.include('theo-doi/con');
      await one.rename(C, 'theo-doi', 'da-xong');
      const after = await two.subscriptions(C);
      expect(after).to.include('da-xong/con');
      expect(after).to.not.include('theo-doi/con');
      expect((await two.list(C)).map((m) => m.name)).to.include.members(['da-xong', 'da-xong/con']);
      await one.setSubscribed(C, 'da-xong/con', false);
      expect(await two.subscriptions(C)).to.not.include('da-xong/con');
      expect(await refusal(one.setSubscribed(C, 'khong-co', true))).to.equal('no-such-mailbox');
      // Unsubscribing a name that is not subscribed, or whose mailbox is gone, is not an error.
      await one.setSubscribed(C, 'khong-co', false);
    });

    it('refuses with codes, never protocol text: exists, missing, system folders', async () => {
      await one.create(C, 'ma', new Date());
      expect(await refusal(two.create(C, 'ma', new Date()))).to.equal('mailbox-exists');
      expect(await refusal(one.delete(C, 'khong-co'))).to.equal('no-such-mailbox');
      expect(await refusal(one.rename(C, 'khong-co', 'x'))).to.equal('no-such-mailbox');
      expect(await refusal(one.rename(C, 'ma', FOLDERS.sent.name))).to.equal('mailbox-exists');
      expect(await refusal(one.delete(C, FOLDERS.registered.name))).to.equal('system-folder');
      expect(await refusal(one.rename(C, FOLDERS.returned.name, 'y'))).to.equal('system-folder');
      expect(await refusal(one.changesSince(987_654, 0))).to.equal('no-such-mailbox');
      expect(await refusal(one.content(987_654))).to.equal('no-such-message');
      const ma = (await one.get(C, 'ma'))!;
      expect(await refusal(one.transfer({ sourceId: ma.id, targetId: 987_654, uids: [1], move: false }))).to.equal('no-such-target');
      expect(await refusal(one.append(await input(987_654, 'lost')))).to.equal('no-such-mailbox');
      const deleted = (await one.create(C, 'tam', new Date())).uidValidity;
      await one.delete(C, 'tam');
      expect((await one.create(C, 'tam', new Date())).uidValidity, 'a re-created name gets a new UIDVALIDITY').to.be.greaterThan(deleted);
    });

    it('appends, stores flags with UNCHANGEDSINCE, expunges with tombstones, never reuses a UID', async () => {
      const box = await one.create(C, 'thu', new Date());
      const many = await one.appendMany([await input(box.id, 'mot'), await input(box.id, 'hai', ['\\Seen']), await input(box.id, 'ba')]);
      expect(many.uids).to.deep.equal([1, 2, 3]);
      expect(many.uidValidity).to.equal(box.uidValidity);
      expect((await two.states(box.id)).map((s) => [s.uid, s.flags])).to.deep.equal([
        [1, []],
        [2, ['\\Seen']],
        [3, []],
      ]);
      expect(await two.counts(box.id)).to.include({ messages: 3, unseen: 2, deleted: 0 });
      const before = (await one.byId(box.id))!.highestModseq;

      const stored = await one.storeFlags(box.id, [1, 2, 3, 99], 'add', ['\\Deleted', '$Label'], before);
      expect(stored.conflicts).to.deep.equal([]);
      expect(stored.changed.map((s) => s.uid)).to.deep.equal([1, 2, 3]);
      const modseq = stored.changed[0].modseq;
      expect(modseq).to.be.greaterThan(before);
      // Removing flags of message 2 only; then a STORE UNCHANGEDSINCE the older MODSEQ conflicts on it.
      await two.storeFlags(box.id, [2], 'remove', ['\\DELETED']);
      const conditional = await one.storeFlags(box.id, [1, 2], 'set', ['\\Flagged'], modseq);
      expect(conditional.conflicts).to.deep.equal([2]);
      expect(conditional.present.map((s) => [s.uid, s.flags])).to.deep.equal([
        [1, ['\\Flagged']],
        [2, ['\\Seen', '$Label']],
      ]);
      const unchanged = await one.storeFlags(box.id, [1], 'add', ['\\flagged']);
      expect(unchanged.changed, 'no change, no new MODSEQ').to.deep.equal([]);

      await one.storeFlags(box.id, [1, 3], 'add', ['\\Deleted']);
      const mark = (await two.byId(box.id))!.highestModseq;
      expect(await one.expunge(box.id, [1])).to.deep.include({ uids: [1] });
      const all = await two.expunge(box.id);
      expect(all.uids).to.deep.equal([3]);
      const changes = await two.changesSince(box.id, mark);
      expect(changes.expunged).to.deep.equal([1, 3]);
      expect(changes.changed).to.deep.equal([]);
      expect((await one.states(box.id)).map((s) => s.uid)).to.deep.equal([2]);
      expect((await one.append(await input(box.id, 'bon'))).uid, 'UIDs are never reused').to.equal(4);
      expect(await one.expunge(box.id, [4])).to.deep.equal({ uids: [], modseq: 0 });
    });

    it('copies and moves with new UIDs in the target and serves the same bytes', async () => {
      const src = await one.create(C, 'nguon', new Date());
      const dst = await one.create(C, 'dich', new Date());
      await one.appendMany([await input(src.id, 'x', ['\\Seen']), await input(src.id, 'y'), await input(src.id, 'z')]);
      const copied = await two.transfer({ sourceId: src.id, targetId: dst.id, uids: [3, 1, 42], move: false });
      expect(copied).to.deep.include({ sourceUids: [1, 3], targetUids: [1, 2], targetUidValidity: dst.uidValidity, expungeModseq: null, filed: [] });
      const moved = await one.transfer({ sourceId: src.id, targetId: dst.id, uids: [2], move: true });
      expect(moved.targetUids).to.deep.equal([3]);
      expect(moved.expungeModseq).to.be.a('number');
      expect((await two.states(src.id)).map((s) => s.uid)).to.deep.equal([1, 3]);
      const metas = await two.metas(dst.id, [3, 2, 1]);
      expect(metas.map((m) => [m.uid, m.flags])).to.deep.equal([
        [1, ['\\Seen']],
        [2, []],
        [3, []],
      ]);
      expect(metas[0].internalDate.toISOString()).to.equal('2026-01-02T00:00:00.000Z');
      const none = await one.transfer({ sourceId: src.id, targetId: dst.id, uids: [77], move: true });
      expect(none).to.deep.include({ sourceUids: [], targetUids: [], expungeModseq: null });

      const contents = await two.contents(metas.map((m) => m.messageRowId));
      const body = contents.get(metas[2].messageRowId)!;
      const whole = 'Subject: y\r\n\r\ny\r\n';
      expect(body.size).to.equal(whole.length);
      expect((await one.read(body, 0, body.size)).toString()).to.equal(whole);
      expect((await one.read(body, 9, 12)).toString()).to.equal(whole.slice(9, 12));
      const chunks: Buffer[] = [];
      for await (const chunk of one.stream(body, 2, 100)) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).to.equal(whole.slice(2));
      expect((await one.content(metas[2].messageRowId)).blobSha256).to.equal(body.blobSha256);
    });
  });
}
