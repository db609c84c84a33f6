// The register's search index on SQLite and PostgreSQL: rows written with the register rows in the same
// transaction (group-commit batches), a rolled-back batch leaves none, migration 010 backfills
// documents recorded before it, and a lookup by số ký hiệu uses its index.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { silentLogger } from '../../config/log.js';
import { openDatabase, type Database } from '../../storage/db.js';
import { MailboxRepository } from '../../storage/mailbox/repository.js';
import { registerSearchSchema } from '../../storage/migrations/010-register-search.js';
import { RegisterRepository } from '../../storage/register/repository.js';
import { searchRegister } from '../../storage/register/search.js';
import { searchText } from '../../storage/register/search-text.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { AGENCIES } from '../helpers/env.js';
import { submissionRecord } from '../helpers/submission.js';

const FILE = {
  position: 1,
  partPath: '2',
  size: 10,
  declaredType: 'application/pdf',
  detectedType: 'application/pdf',
  sha256: 'b'.repeat(64),
  role: 'main' as const,
};

function docs(from: number, count: number) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return submissionRecord({
      trackingId: `DG20261125-SRCH${String(i).padStart(6, '0')}`,
      rfc822MessageId: `<${i}@search.test>`,
      files: [{ ...FILE, filename: i % 2 === 0 ? 'Kế hoạch triển khai.pdf' : `Phụ lục ${i}.pdf` }],
      metadata: {
        documentNumber: `${i}/QĐ-UBND`,
        summary: i % 3 === 0 ? 'V/v Đoàn kiểm tra ĐẤT ĐAI' : 'V/v báo cáo tháng',
        urgency: i % 5 === 0 ? 'flash' : null,
      },
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`register search index (${dialect})`, function () {
    this.timeout(120_000);
    let dir: string;
    let temp: TempDatabase | null = null;
    let url: string;
    let db: Database;
    let register: RegisterRepository;
    const open = async () => {
      db = await openDatabase(url, dir, silentLogger);
      register = new RegisterRepository(db.sequelize, db.models, new MailboxRepository(db.sequelize, db.models));
    };
    const count = async (sql: string) => Number((await db.sequelize.query<{ n: number | string }>(sql, { type: QueryTypes.SELECT }))[0].n);

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'docgate-search-'));
      if (dialect === 'postgres') temp = await createTempDatabase();
      url = temp ? temp.url : 'sqlite:docgate.sqlite';
      await open();
      const mailboxes = new MailboxRepository(db.sequelize, db.models);
      await db.sequelize.transaction(async (t) => {
        for (const agency of [AGENCIES.ubnd.id, AGENCIES.snv.id]) await mailboxes.ensureAgencyFolders(t, agency, new Date());
      });
    });
    after(async () => {
      await db?.close();
      await temp?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('folds Vietnamese: NFD, marks stripped, đ→d, lower case, split into words on punctuation', () => {
      expect(
        searchText({
          summary: 'V/v triển khai ĐỀ ÁN',
          subject: null,
          documentNumber: '05/QĐ-UBND',
          documentType: 'Quyết định',
          signer: null,
          filenames: ['Kế-hoạch_2026.pdf'],
        }),
      ).to.equal('v v trien khai de an 05 qd ubnd quyet dinh ke hoach 2026 pdf');
      // NFD input folds the same as NFC.
      expect(
        searchText({ summary: 'triển khai'.normalize('NFD'), subject: null, documentNumber: null, documentType: null, signer: null, filenames: [] }),
      ).to.equal('trien khai');
    });

    it('a recorded batch is searchable at once; a rolled-back batch leaves no index row', async () => {
      await db.sequelize.transaction((t) => register.recordMany(t, docs(1, 30)));
      expect(await count('SELECT COUNT(*) AS n FROM document_search')).to.equal(30);
      const hits = await searchRegister(db.sequelize, { text: 'trien khai', book: 'outgoing' });
      expect(hits.map((h) => h.trackingId).sort()).to.deep.equal(
        docs(1, 30)
          .filter((_, k) => (k + 1) % 2 === 0)
          .map((d) => d.trackingId)
          .sort(),
      );
      const dat = await searchRegister(db.sequelize, { text: 'Đất đai đoàn', book: 'outgoing' });
      expect(dat).to.have.length(10);
      expect(await searchRegister(db.sequelize, { text: 'phu luc 7', book: 'outgoing' })).to.have.length(1);
      expect(await searchRegister(db.sequelize, { urgency: 'flash', book: 'incoming' })).to.have.length(6);
      expect((await searchRegister(db.sequelize, { documentNumber: '12/QĐ-UBND' })).map((h) => h.book).sort()).to.deep.equal(['incoming', 'outgoing']);
      await db.sequelize
        .transaction(async (t) => {
          await register.recordMany(t, docs(100, 3));
          throw new Error('abort');
        })
        .catch(() => undefined);
      expect(await count('SELECT COUNT(*) AS n FROM document_search')).to.equal(30);
      if (dialect === 'sqlite') expect(await count("SELECT COUNT(*) AS n FROM document_search_fts WHERE document_search_fts MATCH 'trien'")).to.equal(15);
    });

    it('migration 010 backfills documents recorded before it', async () => {
      // Undo 010, as if the 30 documents had been recorded by an older docgate, then start again.
      await registerSearchSchema.down(db.sequelize.getQueryInterface());
      await db.sequelize.query("DELETE FROM schema_migrations WHERE name = '010-register-search'");
      await db.close();
      await open();
      expect(await count('SELECT COUNT(*) AS n FROM document_search')).to.equal(30);
      expect(await searchRegister(db.sequelize, { text: 'trien khai', book: 'outgoing' })).to.have.length(15);
      expect(await searchRegister(db.sequelize, { text: 'dat dai', book: 'incoming' })).to.have.length(10);
    });

    if (dialect === 'sqlite') {
      it('a lookup by số ký hiệu and a full-text search use indexes, not a scan of documents', async () => {
        const plan = async (sql: string) =>
          (await db.sequelize.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, { type: QueryTypes.SELECT })).map((r) => r.detail).join('\n');
        const byRef = await plan("SELECT e.id FROM register_entries e JOIN documents d ON d.id = e.document_id WHERE d.document_number = '5/QĐ-UBND'");
        expect(byRef).to.match(/USING INDEX documents_document_number/);
        expect(byRef).not.to.match(/SCAN d\b/);
        const fts = await plan(
          "SELECT s.document_id FROM document_search s WHERE s.id IN (SELECT rowid FROM document_search_fts WHERE document_search_fts MATCH 'trien')",
        );
        expect(fts).to.match(/VIRTUAL TABLE INDEX/);
      });
    }
  });
}
