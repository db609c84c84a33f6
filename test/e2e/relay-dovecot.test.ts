// Relay to a real Dovecot (Debian dovecot-lmtpd, dovecot-imapd) with a throw-away config: LMTP delivery
// and IMAP APPEND (STARTTLS, certificate checked against caFile, password from passwordFile) into a named
// folder, created on TRYCREATE. Dovecot saves with CRLF here, so the stored bytes compare exactly.

import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, startImapGateway } from '../helpers/imap.js';
import { startDovecot, type DovecotPeer } from '../helpers/dovecot.js';
import { agenciesWithRelay, fastRelay, waitFor } from '../helpers/relay.js';

const TEXT = ['Số ký hiệu: 21/UBND-VP', 'Ngày ký: 20/11/2026', 'Trích yếu: V/v chuyển tiếp qua Dovecot', '', 'Kính gửi Sở Nội vụ.'].join('\n');
const PASSWORD = 'Mat-khau-dovecot-2026';

describe('relay to a real Dovecot (LMTP, IMAP APPEND)', function () {
  this.timeout(90_000);
  let dovecot: DovecotPeer;
  let tg: TestGateway | null = null;

  before(async () => {
    dovecot = await startDovecot([{ user: CLERKS.snv, password: PASSWORD }]);
    writeFileSync(path.join(dovecot.dir, 'relay-password'), `${PASSWORD}\n`);
    writeFileSync(path.join(dovecot.dir, 'wrong-password'), 'not-the-password\n');
  });
  after(async () => dovecot?.stop());
  afterEach(async () => {
    await tg?.stop();
    tg = null;
  });

  async function relayed(relay: Record<string, unknown>, subject: string) {
    tg = await startImapGateway({ docgate: fastRelay(), agencies: agenciesWithRelay(relay) });
    const doc = await deliver(tg, { subject, text: TEXT });
    return { tg, doc };
  }

  it("LMTP: delivered to the user's INBOX, the stored bytes after Dovecot's own trace", async () => {
    const before = dovecot.files(CLERKS.snv).length;
    const { tg, doc } = await relayed({ url: `lmtp://127.0.0.1:${dovecot.lmtpPort}?tls=none` }, 'Chuyển tiếp qua LMTP');
    const [job] = await waitFor('delivered', async () => {
      const jobs = await tg.gateway.storage.queue.list({ documentId: doc.trackingId, kind: 'relay' });
      return jobs[0]?.status === 'delivered' ? jobs : null;
    });
    expect(job.lastReply).to.match(/^250 2\.0\.0 <vanthu@snv\.hatinh\.gov\.vn> /);
    const files = dovecot.files(CLERKS.snv);
    expect(files.length).to.equal(before + 1);
    const stored = files.find((f) => f.data.includes(Buffer.from(doc.trackingId)))!;
    expect(stored.folder).to.equal('');
    expect(stored.data.subarray(stored.data.length - doc.served.length).equals(doc.served), 'Maildir file ends with the stored bytes').to.equal(true);
  });

  it('IMAP APPEND over STARTTLS into a named folder (created on TRYCREATE): byte-identical', async () => {
    const { tg, doc } = await relayed(
      {
        url: `imap://127.0.0.1:${dovecot.imapPort}`,
        username: CLERKS.snv,
        passwordFile: path.join(dovecot.dir, 'relay-password'),
        caFile: path.join(dovecot.dir, 'ca.pem'),
        mailbox: 'Docgate',
      },
      'Chuyển tiếp qua IMAP',
    );
    const [job] = await waitFor('delivered', async () => {
      const jobs = await tg.gateway.storage.queue.list({ documentId: doc.trackingId, kind: 'relay' });
      return jobs[0]?.status === 'delivered' ? jobs : null;
    });
    expect(job.lastReply).to.match(/^OK APPEND Docgate uid \d+/);
    const stored = dovecot.files(CLERKS.snv).find((f) => f.data.includes(Buffer.from(doc.trackingId)))!;
    expect(stored.folder).to.equal('Docgate');
    expect(stored.data.equals(doc.served), 'APPENDed bytes are the stored bytes').to.equal(true);
  });

  it('IMAP with a wrong password: the job waits and retries, nothing is appended', async () => {
    const before = dovecot.files(CLERKS.snv).length;
    const { tg, doc } = await relayed(
      {
        url: `imap://127.0.0.1:${dovecot.imapPort}`,
        username: CLERKS.snv,
        passwordFile: path.join(dovecot.dir, 'wrong-password'),
        caFile: path.join(dovecot.dir, 'ca.pem'),
      },
      'Sai mật khẩu',
    );
    const job = await waitFor('two refused attempts', async () => {
      const [j] = await tg.gateway.storage.queue.list({ documentId: doc.trackingId, kind: 'relay' });
      return j && j.attempts >= 2 && j.status === 'queued' ? j : null;
    });
    expect(job.lastReply).to.match(/auth|credentials|NO/i);
    expect(dovecot.files(CLERKS.snv).length).to.equal(before);
  });
});
