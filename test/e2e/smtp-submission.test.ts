// A clerk submits a Vietnamese document with a .docx over STARTTLS and implicit TLS (nodemailer and
// swaks); the register, the mailboxes and the stored bytes are checked.

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import MailComposer from 'nodemailer/lib/mail-composer';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, TEST_PASSWORD, type TestGateway } from '../helpers/gateway.js';
import { makeDocx } from '../helpers/documents.js';

const run = promisify(execFile);

async function composeDocument(options: { to: string[]; subject: string; docx: Buffer }): Promise<Buffer> {
  const composer = new MailComposer({
    from: `Văn thư UBND <${AGENCIES.ubnd.address}>`,
    to: options.to,
    subject: options.subject,
    messageId: `<${Date.now()}.${Math.random().toString(36).slice(2)}@ubnd.hatinh.gov.vn>`,
    text: [
      'Số ký hiệu: 05/QĐ-UBND',
      'Ngày ký: 20/11/2026',
      'Người ký: Nguyễn Văn An, Chủ tịch',
      'Loại văn bản: Quyết định',
      'Trích yếu: V/v triển khai hệ thống quản lý văn bản điện tử',
      'Độ khẩn: Thượng khẩn',
      '',
      'Kính gửi các cơ quan, đơn vị.',
    ].join('\n'),
    attachments: [{ filename: 'Quyết định 05-QĐ-UBND.docx', content: options.docx }],
  });
  // nodemailer sends CRLF line ends whatever the composer produced: that is what the server receives.
  const built = await composer.compile().build();
  return Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export async function storedBytes(tg: TestGateway, trackingId: string): Promise<{ prefix: string; blob: Buffer }> {
  const doc = await tg.gateway.storage.register.findDocument(trackingId);
  const message = await tg.gateway.storage.db.models.Message.findByPk(doc!.messageRowId!);
  const row = message!.get({ plain: true });
  return { prefix: row.prefix, blob: await tg.gateway.storage.blobs.read(row.blobSha256) };
}

describe('SMTP submission end to end', function () {
  let tg: TestGateway;
  let docx: Buffer;

  before(async function () {
    tg = await startTestGateway();
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    docx = await makeDocx(['ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH', 'Số: 05/QĐ-UBND', 'QUYẾT ĐỊNH về việc triển khai văn bản điện tử']);
  });
  after(async () => tg.stop());

  for (const mode of ['STARTTLS', 'implicit TLS'] as const) {
    it(`nodemailer over ${mode}: registered, numbered, delivered, stored byte for byte`, async function () {
      const raw = await composeDocument({ to: [AGENCIES.snv.address, AGENCIES.stttt.address], subject: 'V/v triển khai văn bản điện tử', docx });
      const client =
        mode === 'STARTTLS' ? transport(tg.starttlsPort, AGENCIES.ubnd.address) : transport(tg.tlsPort, AGENCIES.ubnd.address, TEST_PASSWORD, true);
      const info = await client.sendMail({ envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address, AGENCIES.stttt.address] }, raw });
      const match = /^250 2\.0\.0 Da nhan van ban, ma theo doi (DG\d{8}-[A-Z2-9]{10}) \/ Accepted, tracking id \1$/.exec(info.response);
      expect(match, info.response).to.not.equal(null);
      const trackingId = match![1];

      const doc = await tg.gateway.storage.register.findDocument(trackingId);
      expect(doc).to.include({
        status: 'accepted',
        senderAgencyId: AGENCIES.ubnd.id,
        documentNumber: '05/QĐ-UBND',
        signedDate: '2026-11-20',
        documentType: 'Quyết định',
        urgency: 'very-urgent',
        summary: 'V/v triển khai hệ thống quản lý văn bản điện tử',
      });
      const files = await tg.gateway.storage.register.filesOf(trackingId);
      expect(files).to.have.length(1);
      expect(files[0]).to.include({
        filename: 'Quyết định 05-QĐ-UBND.docx',
        size: docx.length,
        detectedType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        role: 'main',
      });

      const entries = await tg.gateway.storage.register.entriesOf(trackingId);
      const incoming = entries
        .filter((e) => e.book === 'incoming')
        .map((e) => e.agencyId)
        .sort();
      expect(incoming).to.deep.equal([AGENCIES.snv.id, AGENCIES.stttt.id]);
      expect(entries.filter((e) => e.book === 'outgoing')).to.have.length(1);
      for (const entry of entries) expect(entry.number).to.be.a('number').greaterThan(0);

      for (const agency of [AGENCIES.snv, AGENCIES.stttt]) {
        const inbox = await tg.gateway.storage.mailboxes.find(agency.id, FOLDERS.inbox.name);
        const rows = await tg.gateway.storage.db.models.MailboxMessage.findAll({ where: { mailboxId: inbox!.id, documentId: trackingId } });
        expect(rows, agency.id).to.have.length(1);
      }
      const sent = await tg.gateway.storage.mailboxes.find(AGENCIES.ubnd.id, FOLDERS.sent.name);
      expect(await tg.gateway.storage.db.models.MailboxMessage.count({ where: { mailboxId: sent!.id, documentId: trackingId } })).to.equal(1);

      const stored = await storedBytes(tg, trackingId);
      expect(stored.blob.equals(raw.subarray(0, stored.blob.length)), 'blob is a prefix of the submitted bytes').to.equal(true);
      expect(raw.subarray(stored.blob.length).toString('latin1')).to.match(/^(\r\n)?$/);
      expect(stored.prefix).to.match(/^Received: from [^\r\n]+\r\n\tby docgate\.test \(docgate\) with ESMTPSA/);
      expect(stored.prefix).to.contain(`X-Docgate-Tracking-Id: ${trackingId}\r\n`);
    });
  }

  it('swaks submits over STARTTLS and gets a tracking id', async function () {
    const raw = await composeDocument({ to: [AGENCIES.snv.address], subject: 'Công văn gửi bằng swaks', docx });
    const file = path.join(tg.env.root, 'swaks.eml');
    writeFileSync(file, raw);
    const { stdout } = await run('swaks', [
      '--server',
      '127.0.0.1',
      '--port',
      String(tg.starttlsPort),
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      AGENCIES.ubnd.address,
      '--auth-password',
      TEST_PASSWORD,
      '--from',
      AGENCIES.ubnd.address,
      '--to',
      AGENCIES.snv.address,
      '--data',
      `@${file}`,
    ]).catch((err) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('swaks is not installed (Debian package swaks; npm test installs it as root)');
      throw err;
    });
    const line = stdout.split('\n').find((l) => l.includes('<~  250 2.0.0'));
    expect(line, stdout).to.match(/ma theo doi (DG\d{8}-[A-Z2-9]{10})/);
    const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(line!)![1];
    const stored = await storedBytes(tg, trackingId);
    // swaks always writes CRLF before the final dot, so the data it transmits is the file plus one CRLF.
    expect(stored.blob.equals(Buffer.concat([readFileSync(file), Buffer.from('\r\n')]))).to.equal(true);
  });

  it('renames forged X-Docgate-* header fields so only the ones docgate writes remain', async function () {
    const raw = Buffer.from(
      [
        `From: ${AGENCIES.ubnd.address}`,
        `To: ${AGENCIES.snv.address}`,
        'X-Docgate-Tracking-Id: DG20260101-FORGEDFORG',
        'X-Docgate-Signature: verified; signer=fake',
        'Subject: forged',
        '',
        'Số ký hiệu: 9/UBND-VP',
        '',
      ].join('\r\n'),
    );
    const info = await transport(tg.starttlsPort, AGENCIES.ubnd.address).sendMail({
      envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] },
      raw,
    });
    const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)![1];
    const stored = await storedBytes(tg, trackingId);
    const full = stored.prefix + stored.blob.toString('latin1');
    expect(full.match(/^X-Docgate-[^:]+:.*$/gm)).to.deep.equal([`X-Docgate-Tracking-Id: ${trackingId}`]);
    expect(full).to.contain('X-Untrusted-X-Docgate-Tracking-Id: DG20260101-FORGEDFORG\r\n');
    expect(full).to.contain('X-Untrusted-X-Docgate-Signature: verified; signer=fake\r\n');
  });
});
