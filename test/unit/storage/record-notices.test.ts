// recordNotices: docgate's own messages (receipts, notices) delivered in one batch. Each notice gets its
// own messages row and UID in its folder, in the order given, whether the blobs are distinct (one
// multi-row INSERT mapped back by blob) or shared (one row at a time).

import { expect } from 'chai';
import { FOLDERS } from '../../../storage/mailbox/folders.js';
import type { Storage } from '../../../storage/index.js';
import type { NoticeDelivery } from '../../../storage/register/repository.js';
import { query } from '../../../storage/sql.js';
import { openSeededStorage, submissionRecord } from '../../helpers/submission.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../../helpers/env.js';
import { TEST_NOW } from '../../helpers/policy.js';

describe('register: recordNotices', function () {
  let env: TestEnv;
  let storage: Storage;

  before(async () => {
    env = createTestEnv();
    storage = await openSeededStorage(env, TEST_NOW, async (s, t) => {
      await s.register.record(t, submissionRecord({ trackingId: 'DG1', receivedAt: TEST_NOW, status: 'accepted', reason: 'ok' }));
    });
  });
  after(async () => {
    await storage?.close();
    env?.cleanup();
  });

  const notice = (sha: string, agencyId: string): NoticeDelivery => ({
    documentId: 'DG1',
    agencyId,
    folder: FOLDERS.notices.name,
    blobSha256: sha.repeat(64),
    blobSize: 100,
    structure: null,
    header: null,
    at: TEST_NOW,
  });

  async function rowsOf(delivered: { mailboxId: number; uid: number }[]) {
    const out: { sha: string; messageId: number }[] = [];
    for (const d of delivered) {
      const [r] = await query<{ blob_sha256: string; message_id: unknown }>(
        storage.db.sequelize,
        'SELECT m.blob_sha256, mm.message_id FROM mailbox_messages mm JOIN messages m ON m.id = mm.message_id WHERE mm.mailbox_id = :mailboxId AND mm.uid = :uid',
        d,
      );
      out.push({ sha: r.blob_sha256[0], messageId: Number(r.message_id) });
    }
    return out;
  }

  for (const [name, shas] of [
    ['distinct blobs', ['a', 'b', 'c', 'd']],
    ['a blob two notices share', ['e', 'f', 'e', 'g']],
  ] as const)
    it(`${name}: each notice its own row and UID, in order, per folder`, async () => {
      const notices = shas.map((sha, i) => notice(sha, i === 1 ? AGENCIES.snv.id : AGENCIES.ubnd.id));
      const delivered = await storage.writes.run((t) => storage.register.recordNotices(t, notices));
      expect(delivered.map((d) => d.agencyId)).to.deep.equal(notices.map((n) => n.agencyId));
      const rows = await rowsOf(delivered);
      expect(rows.map((r) => r.sha)).to.deep.equal([...shas]);
      expect(new Set(rows.map((r) => r.messageId)).size, 'one messages row per notice').to.equal(notices.length);
      const ubnd = delivered.filter((d) => d.agencyId === AGENCIES.ubnd.id).map((d) => d.uid);
      expect(ubnd).to.deep.equal([ubnd[0], ubnd[0] + 1, ubnd[0] + 2]);
    });
});
