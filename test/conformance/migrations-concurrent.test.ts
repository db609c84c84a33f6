// Two processes starting at once on an empty PostgreSQL database must both come up: the migrations
// run under an advisory lock, so the second waits instead of dying on `relation "accounts" already exists`.

import { expect } from 'chai';
import os from 'node:os';
import { createLogger } from '../../config/log.js';
import { openDatabase } from '../../storage/db.js';
import { createTempDatabase } from '../helpers/postgres.js';

describe('migrations under concurrency (PostgreSQL)', function () {
  this.timeout(60_000);

  it('two concurrent starts on an empty database both succeed, five times over', async () => {
    for (let round = 0; round < 5; round++) {
      const temp = await createTempDatabase();
      try {
        const log = createLogger('silent');
        const opened = await Promise.allSettled([openDatabase(temp.url, os.tmpdir(), log), openDatabase(temp.url, os.tmpdir(), log)]);
        for (const o of opened) if (o.status === 'fulfilled') await o.value.close();
        const errors = opened.flatMap((o) => (o.status === 'rejected' ? [String((o.reason as Error).message)] : []));
        expect(errors, `round ${round}`).to.deep.equal([]);
      } finally {
        await temp.drop();
      }
    }
  });
});
