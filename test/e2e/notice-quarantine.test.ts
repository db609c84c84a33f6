// The outcome of a quarantine reaches the sender: `docgate quarantine reject --note` (a CLI process on the
// same data directory) writes a notice job with the decision; the running gateway's notice worker puts a
// return notice (02, the administrator's note, JSON and edXML parts) into the sender's Thông báo. A
// release takes the normal path: acceptance receipt, 01 and a delivery receipt.

import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import { parseMimeBuffer, walk } from '../../policies/mime/parser.js';
import { cliFor } from '../helpers/child.js';
import type { TestGateway } from '../helpers/gateway.js';
import { freshNumberPolicy, startPolicyGateway, submit } from '../helpers/policy-e2e.js';
import { fixture } from '../helpers/policy.js';
import { noticesSettled } from '../helpers/notices.js';
import { AGENCIES } from '../helpers/env.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { query } from '../../storage/sql.js';

async function noticesAbout(tg: TestGateway, trackingId: string): Promise<Map<string, string>[]> {
  const rows = await query<{ blob_sha256: unknown }>(
    tg.gateway.storage.db.sequelize,
    `SELECT m.blob_sha256 FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id JOIN messages m ON m.id = mm.message_id
      WHERE b.agency_id = :agency AND b.name = :notices AND mm.document_id = :id ORDER BY mm.uid`,
    { agency: AGENCIES.ubnd.id, notices: FOLDERS.notices.name, id: trackingId },
  );
  const out: Map<string, string>[] = [];
  for (const r of rows) {
    const raw = await tg.gateway.storage.blobs.read(String(r.blob_sha256));
    const parsed = await parseMimeBuffer(raw);
    const parts = new Map<string, string>([['status', /^X-Docgate-Status: (.*)\r$/m.exec(raw.toString('latin1'))![1]]]);
    for (const node of walk(parsed.root))
      if (node.content && node.children.length === 0) parts.set(node.contentType.value, (await node.content.buffer()).toString('utf8'));
    await parsed.dispose();
    out.push(parts);
  }
  return out;
}

async function jobDone(tg: TestGateway, trackingId: string): Promise<void> {
  const until = Date.now() + 30_000;
  while ((await tg.gateway.storage.queue.list({ kind: 'notice', documentId: trackingId })).length === 0) {
    if (Date.now() > until) throw new Error(`no notice job for ${trackingId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await noticesSettled(tg, trackingId, 30_000);
}

describe('quarantine outcomes as notices to the sender', function () {
  this.timeout(180_000);
  let tg: TestGateway;
  const cli = (...args: string[]) => cliFor(tg.env)(['quarantine', ...args]);

  before(async () => {
    const policy = freshNumberPolicy();
    // The gateway's own clock: jobs written by the CLI are due at the CLI's (real) time.
    tg = await startPolicyGateway({ policy: { ...policy, actions: { ...policy.actions, 'active-content': 'quarantine' } }, now: () => new Date() });
  });
  after(async () => tg?.stop());

  const held = async (): Promise<string> => {
    const result = await submit(tg, { attachments: [{ filename: 'Quyết định.pdf', content: fixture('pdf-javascript.pdf') }] });
    expect(result.response).to.match(/\[quarantine:active-content\]/);
    return /(DG\d{8}-[A-Z2-9]{10})/.exec(result.response)![1];
  };

  it('reject: a return notice (02) with the administrator note, in text, JSON and edXML', async () => {
    const trackingId = await held();
    const rejected = await cli('reject', trackingId, '--actor', 'admin:test', '--note', 'Tệp PDF có mã JavaScript');
    expect(rejected.code, rejected.stderr).to.equal(0);
    await jobDone(tg, trackingId);
    const notices = await noticesAbout(tg, trackingId);
    expect(notices.map((n) => n.get('status'))).to.deep.equal(['02']);
    const [notice] = notices;
    expect(notice.get('text/plain')).to.match(/^Văn bản của quý cơ quan bị giữ lại để xem xét và đã bị quản trị viên từ chối \(trạng thái 02\)/);
    expect(notice.get('text/plain')).to.contain('- Ghi chú của quản trị viên: Tệp PDF có mã JavaScript');
    const json = JSON.parse(notice.get('application/json')!) as Record<string, unknown>;
    expect(json).to.deep.include({ kind: 'status', status: '02', trackingId, actor: 'admin:test', agency: null });
    expect(json.reason).to.deep.equal({ vi: 'Tệp PDF có mã JavaScript', en: 'Tệp PDF có mã JavaScript' });
    const xml = new DOMParser().parseFromString(notice.get('application/xml')!, 'text/xml');
    const get = (name: string) => xml.getElementsByTagNameNS('http://www.e-doc.vn/Schema/', name).item(0)?.textContent;
    expect(get('StatusCode')).to.equal('02');
    expect(get('Staff')).to.equal('admin:test');
    expect(get('Reason')).to.contain('Tệp PDF có mã JavaScript');
  });

  it('release: the normal path, acceptance receipt then 01 and a delivery receipt', async () => {
    const trackingId = await held();
    const released = await cli('release', trackingId, '--actor', 'admin:test');
    expect(released.code, released.stderr).to.equal(0);
    await jobDone(tg, trackingId);
    const notices = await noticesAbout(tg, trackingId);
    expect(notices.map((n) => n.get('status'))).to.deep.equal(['receipt-accepted', '01', 'receipt-delivered']);
  });
});
