// Full-text search returns exactly the newest N matches (registered_at, id descending), on SQLite and
// PostgreSQL, whichever way storage/register/search.ts reaches them (a word few documents hold: its match
// list; a common one: the register read newest first in widening windows). The register is bulk-seeded
// (bench/register-seed.ts) and then a share of its entries is moved to other times, so the index rows'
// order is not the registration order; the expected answer is computed in JS from the folded text.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEED_AGENCIES, seedRegisterBulk } from '../../bench/register-seed.js';
import { silentLogger } from '../../config/log.js';
import { openDatabase, type Database } from '../../storage/db.js';
import { toDate, toNumber } from '../../storage/models.js';
import { searchRegister, type RegisterQuery } from '../../storage/register/search.js';
import { queryWords } from '../../storage/register/search-text.js';
import { execute, query } from '../../storage/sql.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';

const DOCUMENTS = 3000;
const HOUR_MS = 3_600_000;

interface Entry {
  id: number;
  at: number;
  agencyId: string;
  book: string;
  status: string;
  words: Set<string>;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`register search order (${dialect})`, function () {
    this.timeout(180_000);
    let dir: string;
    let temp: TempDatabase | null = null;
    let db: Database;
    let entries: Entry[];

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-search-order-'));
      if (dialect === 'postgres') temp = await createTempDatabase();
      db = await openDatabase(temp ? temp.url : 'sqlite:docgate.sqlite', dir, silentLogger);
      // One document an hour: the register spans four months, so windows of a day, 4, 16, 64 days all differ.
      await seedRegisterBulk(db, 0, DOCUMENTS, { outcomes: true, spacingMs: HOUR_MS, batch: 1000 });
      // Every 7th entry registered at another time (a late paper registration, a clock behind): some
      // become the newest of all, most fall somewhere earlier; row order no longer follows time.
      const ids = await query(db.sequelize, 'SELECT id, registered_at FROM register_entries WHERE id % 7 = 0', {});
      await db.transaction(async (t) => {
        for (const r of ids) {
          const id = toNumber(r.id);
          const shift = id % 2 === 0 ? ((id * 7919) % (200 * 24)) * HOUR_MS : -((id * 104_729) % (100 * 24)) * HOUR_MS;
          await execute(
            db.sequelize,
            'UPDATE register_entries SET registered_at = :at WHERE id = :id',
            { at: new Date(toDate(r.registered_at).getTime() + shift), id },
            t,
          );
        }
      });
      const rows = await query(
        db.sequelize,
        'SELECT e.id, e.registered_at, e.agency_id, e.book, e.status, s.text_folded FROM register_entries e JOIN document_search s ON s.document_id = e.document_id',
        {},
      );
      entries = rows.map((r) => ({
        id: toNumber(r.id),
        at: toDate(r.registered_at).getTime(),
        agencyId: String(r.agency_id),
        book: String(r.book),
        status: String(r.status),
        words: new Set(String(r.text_folded).split(' ')),
      }));
    });
    after(async () => {
      await db?.close();
      await temp?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The newest `limit` entries matching q, by brute force. */
    function expected(q: RegisterQuery): number[] {
      const words = queryWords(q.text ?? '');
      return entries
        .filter((e) => words.every((w) => e.words.has(w)))
        .filter((e) => (!q.agencyId || e.agencyId === q.agencyId) && (!q.book || e.book === q.book) && (!q.status || e.status === q.status))
        .filter((e) => (!q.receivedFrom || e.at >= q.receivedFrom.getTime()) && (!q.receivedTo || e.at < q.receivedTo.getTime()))
        .sort((a, b) => b.at - a.at || b.id - a.id)
        .slice(0, q.limit ?? 100)
        .map((e) => e.id);
    }

    const cases: [string, RegisterQuery][] = [
      // "v" (of "V/v") is in every trích yếu: the windowed path.
      ['a word of every document', { text: 'v' }],
      ['a word of every document, 7 newest', { text: 'v', limit: 7 }],
      ['a common word in the sổ đi', { text: 'V/v', book: 'outgoing' }],
      ['a common word in one agency’s sổ đến', { text: 'v', agencyId: SEED_AGENCIES[3], book: 'incoming' }],
      ['a common word, returned entries only (rare: every window too small)', { text: 'v', status: '02', agencyId: SEED_AGENCIES[5] }],
      ['a common word in a date range', { text: 'v', receivedFrom: new Date('2026-02-01T00:00:00Z'), receivedTo: new Date('2026-03-01T00:00:00Z') }],
      ['two words of a fifth of the documents', { text: 'trien khai' }],
      ['words of few documents (match list path)', { text: 'dat dai quy iii' }],
      ['words of few documents in one agency’s sổ đến', { text: 'dat dai quy iii', agencyId: SEED_AGENCIES[3], book: 'incoming' }],
      ['words of few documents in a date range, 5 newest', { text: 'dat dai quy iii', receivedFrom: new Date('2026-02-01T00:00:00Z'), limit: 5 }],
      ['no such word', { text: 'khongcotu' }],
    ];
    for (const [name, q] of cases)
      it(`${name}: exactly the newest matches, newest first`, async () => {
        const want = expected(q);
        const got = (await searchRegister(db.sequelize, q)).map((h) => h.entryId);
        expect(got).to.deep.equal(want);
        if (q.text === 'v' && !q.status) expect(want).to.have.length(q.limit ?? 100);
        if (q.text === 'dat dai quy iii') expect(want, 'the seed holds these words').to.have.length.greaterThan(0);
      });
  });
}
