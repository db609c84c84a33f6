// Two processes starting at once on a new SQLite file must both come up: the migrations run under a
// lock file next to the database, so the second waits instead of failing on an existing table.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../config/log.js';
import { openDatabase } from '../../storage/db.js';

describe('migrations under concurrency (SQLite)', function () {
  this.timeout(60_000);

  it('two concurrent starts on a new database file both succeed, five times over', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-mig-'));
      try {
        const log = createLogger('silent');
        const opened = await Promise.allSettled([openDatabase('sqlite:docgate.sqlite', dir, log), openDatabase('sqlite:docgate.sqlite', dir, log)]);
        for (const o of opened) if (o.status === 'fulfilled') await o.value.close();
        const errors = opened.flatMap((o) => (o.status === 'rejected' ? [String((o.reason as Error).message)] : []));
        expect(errors, `round ${round}`).to.deep.equal([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
