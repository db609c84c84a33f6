// Retention per book: nothing is deleted before every book that registered a document has kept it for
// its configured years (a book without a limit keeps it for good); a deletion removes the rows and the
// blob, keeps every event and adds `deleted` events with the hashes, and the register still verifies.

import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { deleteDocuments, expiredDocuments } from '../../storage/register/purge.js';
import { query } from '../../storage/sql.js';
import { verifyRegister } from '../../storage/register/verify.js';
import { cliFor } from '../helpers/child.js';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, type TestGateway } from '../helpers/gateway.js';
import { fileStoreOf } from '../../storage/blobs.js';

const DAY = 86_400_000;

describe('register retention (purge)', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let trackingId: string;

  before(async () => {
    tg = await startTestGateway({ docgate: { register: { anchor: { at: null }, retention: { outgoing: 1, incoming: 2 } } } });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    const client = transport(tg.starttlsPort, AGENCIES.ubnd.address);
    const info = await client.sendMail({
      from: AGENCIES.ubnd.address,
      to: [AGENCIES.snv.address],
      subject: 'Công văn',
      text: 'Số ký hiệu: 07/UBND-VX\nNgày ký: 20/11/2026\nTrích yếu: Về việc tổng kết\n',
    });
    client.close();
    trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)![1];
  });
  after(async () => tg?.stop());

  it('nothing is deleted before its time, and a book without a limit keeps everything', async () => {
    const { sequelize } = tg.gateway.storage.db;
    const now = Date.now();
    expect(await expiredDocuments(sequelize, { outgoing: 1, incoming: 2 }, new Date(now))).to.deep.equal([]);
    // Past the sổ đi's year but not the sổ đến's two.
    expect(await expiredDocuments(sequelize, { outgoing: 1, incoming: 2 }, new Date(now + 400 * DAY))).to.deep.equal([]);
    expect(await expiredDocuments(sequelize, { outgoing: 1, incoming: null }, new Date(now + 50 * 365 * DAY))).to.deep.equal([]);
    const r = await cliFor(tg.env)(['register', 'purge', '--dry-run']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('0 văn bản sẽ bị xóa (chạy thử) / 0 documents would be deleted (dry run)');
  });

  it('once every book’s limit has passed: rows and blob go, deleted events keep the hashes, verify stays clean', async () => {
    const storage = tg.gateway.storage;
    const { sequelize } = storage.db;
    const later = new Date(Date.now() + (2 * 365 + 2) * DAY);
    const expired = await expiredDocuments(sequelize, { outgoing: 1, incoming: 2 }, later);
    expect(expired.map((d) => d.documentId)).to.deep.equal([trackingId]);
    const [doc] = await query(sequelize, 'SELECT m.blob_sha256 FROM documents d JOIN messages m ON m.id = d.message_id WHERE d.id = :trackingId', {
      trackingId,
    });
    const sha = String(doc.blob_sha256);
    expect(existsSync(fileStoreOf(storage.blobs).pathOf(sha))).to.equal(true);
    const before = await query(sequelize, 'SELECT COUNT(*) AS n FROM register_events', {});
    expect(await deleteDocuments(storage, expired, { actor: 'admin:test', note: 'retention', now: later })).to.equal(1);
    for (const table of ['documents', 'register_entries', 'document_files', 'mailbox_messages']) {
      const [row] = await query(
        sequelize,
        `SELECT COUNT(*) AS n FROM ${table} WHERE document_id = :trackingId`.replace('document_id', table === 'documents' ? 'id' : 'document_id'),
        {
          trackingId,
        },
      );
      expect(Number(row.n), table).to.equal(0);
    }
    expect(existsSync(fileStoreOf(storage.blobs).pathOf(sha))).to.equal(false);
    const deleted = await query(sequelize, "SELECT entry_id, document_sha256, document_state FROM register_events WHERE kind = 'deleted' ORDER BY seq", {});
    // Its sổ đi and sổ đến entries, then the document itself.
    expect(deleted).to.have.length(3);
    expect(deleted.every((e) => e.document_sha256 === sha)).to.equal(true);
    expect(JSON.parse(String(deleted[2].document_state))).to.deep.equal({ deleted: true, messageSha256: sha, files: [] });
    const after = await query(sequelize, 'SELECT COUNT(*) AS n FROM register_events', {});
    expect(Number(after[0].n)).to.equal(Number(before[0].n) + 3);
    const result = await verifyRegister(sequelize, storage.blobs, { anchors: [] });
    expect(result.break).to.equal(null);
    expect(result.documents).to.equal(0);
  });
});
