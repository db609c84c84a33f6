// The shared in-memory mailbox index stays exact when another process (another store over the same
// database) delivers, changes flags and expunges: on SQLite and on PostgreSQL.

import { expect } from 'chai';
import { loadConfig } from '../../config/load.js';
import { silentLogger } from '../../config/log.js';
import { openStorage, type Storage } from '../../storage/index.js';
import { mailboxStoreOf } from '../../storage/mailbox/sql-store.js';
import { spoolBuffer } from '../../storage/mailbox/spool-file.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`mailbox index across processes (${dialect})`, function () {
    this.timeout(60_000);
    let env: TestEnv;
    let temp: TempDatabase | null = null;
    let one: Storage;
    let two: Storage;

    before(async () => {
      if (dialect === 'postgres') temp = await createTempDatabase();
      env = createTestEnv(temp ? { docgate: { database: { url: temp.url } } } : {});
      const config = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
      one = await openStorage(config, silentLogger);
      two = await openStorage(config, silentLogger);
      await one.writes.run((t) => one.mailboxes.ensureAgencyFolders(t, AGENCIES.snv.id, new Date()));
    });
    after(async () => {
      await one.close();
      await two.close();
      env.cleanup();
      await temp?.drop();
    });

    it('sees deliveries, flag changes and expunges made through another store', async () => {
      const reader = mailboxStoreOf(one);
      const writer = mailboxStoreOf(two);
      const inbox = (await reader.get(AGENCIES.snv.id, 'INBOX'))!;
      expect(await reader.states(inbox.id)).to.deep.equal([]);

      const append = async (n: number) => {
        const file = await spoolBuffer(two.spoolDir, 'test', Buffer.from(`Subject: ${n}\r\n\r\nbody ${n}\r\n`));
        return writer.append({
          mailboxId: inbox.id,
          tempPath: file.path,
          sha256: file.sha256,
          size: file.size,
          structure: null,
          header: null,
          flags: [],
          internalDate: new Date(),
        });
      };
      const uids = [(await append(1)).uid, (await append(2)).uid, (await append(3)).uid];
      expect((await reader.states(inbox.id)).map((s) => s.uid)).to.deep.equal(uids);

      await writer.storeFlags(inbox.id, [uids[0], uids[2]], 'add', ['\\Seen', '\\Deleted']);
      const metas = await reader.metas(inbox.id, uids);
      expect(metas.map((m) => m.flags)).to.deep.equal([['\\Seen', '\\Deleted'], [], ['\\Seen', '\\Deleted']]);
      expect(await reader.counts(inbox.id)).to.include({ messages: 3, unseen: 1, deleted: 2 });

      const removed = await writer.expunge(inbox.id);
      expect(removed.uids).to.deep.equal([uids[0], uids[2]]);
      expect((await reader.states(inbox.id)).map((s) => s.uid)).to.deep.equal([uids[1]]);
      expect(await reader.metas(inbox.id, uids)).to.have.length(1);
      // UIDs are never reused: the next delivery gets a higher one, and the index sees it.
      const next = (await append(4)).uid;
      expect(next).to.be.greaterThan(uids[2]);
      expect((await reader.states(inbox.id)).map((s) => s.uid)).to.deep.equal([uids[1], next]);
    });
  });
}
