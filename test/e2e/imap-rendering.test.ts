// Stored renderings (migration 016): ENVELOPE, BODY and BODYSTRUCTURE rendered once (at APPEND, after an
// SMTP delivery, or on the first FETCH of a row stored without them) must be byte for byte what the
// rendering code makes from the stored message, for a corpus as real clients write it (RFC 2047 words,
// RFC 2231 parameters, nested multiparts, message/rfc822). Then the rows lose their renderings (data
// from before the migration) and a restarted gateway renders them on first FETCH and stores them again.

import { expect } from 'chai';
import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../config/log.js';
import { bodyStructure } from '../../gateway/imap/fetch/bodystructure.js';
import { envelope } from '../../gateway/imap/fetch/envelope.js';
import { HeaderCache } from '../../gateway/imap/fetch/header-cache.js';
import { MessageView } from '../../gateway/imap/fetch/message-view.js';
import { render } from '../../gateway/imap/fetch/sexp.js';
import type { Chunk } from '../../gateway/imap/protocol/response.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { mailboxStoreOf } from '../../storage/mailbox/sql-store.js';
import { AGENCIES } from '../helpers/env.js';
import { TEST_PASSWORD, type TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, startImapGateway } from '../helpers/imap.js';
import { ImapWire } from '../helpers/imap-wire.js';

const FOLDER = 'Kiem tra';

const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

async function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return crlf(await new MailComposer(options).compile().build());
}

/** Messages as mail clients write them: nodemailer's, and Thunderbird's / Outlook's by hand. */
async function corpus(): Promise<Buffer[]> {
  const inner = await compose({
    from: 'Phòng Tổ chức <tochuc@snv.hatinh.gov.vn>',
    to: 'vanthu@snv.hatinh.gov.vn',
    subject: 'Văn bản gốc được chuyển tiếp',
    text: 'Nội dung văn bản gốc',
    attachments: [{ filename: 'Báo cáo quý IV.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }],
  });
  return [
    // RFC 2047 in every header nodemailer encodes, and a long non-ASCII file name (RFC 2231 continuations).
    await compose({
      from: 'Văn thư UBND tỉnh <vanthu@ubnd.hatinh.gov.vn>',
      to: ['Sở Nội vụ <vanthu@snv.hatinh.gov.vn>', 'Sở Thông tin và Truyền thông <vanthu@stttt.hatinh.gov.vn>'],
      cc: 'Lãnh đạo UBND <lanhdao@ubnd.hatinh.gov.vn>',
      replyTo: 'Phòng Hành chính <hanhchinh@ubnd.hatinh.gov.vn>',
      subject: 'Quyết định số 123/QĐ-UBND về việc phê duyệt kế hoạch chuyển đổi số năm 2026',
      inReplyTo: '<goc-1@ubnd.hatinh.gov.vn>',
      text: 'Kính gửi các sở, ban, ngành.',
      attachments: [
        { filename: 'Quyết định số 123 về việc phê duyệt kế hoạch chuyển đổi số của tỉnh Hà Tĩnh năm 2026.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') },
      ],
    }),
    // Nested: mixed > related > alternative, an inline image, an attachment.
    await compose({
      from: 'vanthu@ubnd.hatinh.gov.vn',
      to: 'vanthu@snv.hatinh.gov.vn',
      subject: 'Giấy mời họp',
      text: 'Mời dự họp giao ban',
      html: '<p>Mời dự họp <b>giao ban</b></p><img src="cid:logo@ubnd">',
      attachments: [
        { filename: 'logo.png', content: Buffer.from('89504e470d0a1a0a', 'hex'), cid: 'logo@ubnd' },
        { filename: 'Chương trình.docx', content: Buffer.from('PK\u0003\u0004 noi dung', 'latin1') },
      ],
    }),
    // A forwarded message as message/rfc822.
    await compose({
      from: 'vanthu@ubnd.hatinh.gov.vn',
      to: 'vanthu@snv.hatinh.gov.vn',
      subject: 'Fwd: Văn bản gốc',
      text: 'Chuyển tiếp văn bản',
      attachments: [{ filename: 'van-ban-goc.eml', content: inner, contentType: 'message/rfc822' }],
    }),
    // Thunderbird: format=flowed, raw UTF-8 subject, a group, RFC 2231 with charset and language.
    crlf(
      Buffer.from(
        [
          'Date: Mon, 2 Nov 2026 08:00:00 +0700',
          'From: =?UTF-8?Q?V=C4=83n_th=C6=B0?= <vanthu@ubnd.hatinh.gov.vn>',
          'To: Lanh dao: a@snv.hatinh.gov.vn, "Nguyen Van B" <b@snv.hatinh.gov.vn>;, c@stttt.hatinh.gov.vn',
          'Subject: Công văn 8-bit',
          'Message-ID: <tb-1@ubnd.hatinh.gov.vn>',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="------------tb"',
          '',
          '--------------tb',
          'Content-Type: text/plain; charset=UTF-8; format=flowed',
          'Content-Transfer-Encoding: 8bit',
          '',
          'Kính gửi Sở Nội vụ, ',
          'nội dung dài.',
          '',
          '--------------tb',
          "Content-Type: application/pdf; name*=utf-8'vi'B%C3%A1o%20c%C3%A1o.pdf",
          "Content-Disposition: attachment; filename*0*=utf-8'vi'B%C3%A1o; filename*1*=%20c%C3%A1o.pdf",
          'Content-Transfer-Encoding: base64',
          '',
          'JVBERi0xLjQKJSVFT0YK',
          '--------------tb',
          'Content-Type: message/rfc822',
          '',
          'From: x@y.vn',
          'Subject: =?utf-8?B?VHLDrWNoIHnhur91?=',
          'Content-Type: multipart/alternative; boundary=inner',
          '',
          '--inner',
          'Content-Type: text/plain',
          '',
          'a',
          '--inner',
          'Content-Type: text/html',
          '',
          '<p>a</p>',
          '--inner--',
          '',
          '--------------tb--',
          '',
        ].join('\n'),
        'utf8',
      ),
    ),
    // Outlook: quoted-printable alternative, Thread-Topic, a language and location.
    crlf(
      Buffer.from(
        [
          'From: "Tran Thi C" <c@stttt.hatinh.gov.vn>',
          'To: "vanthu@snv.hatinh.gov.vn" <vanthu@snv.hatinh.gov.vn>',
          'Subject: RE: =?iso-8859-1?Q?B=E1o_c=E1o?=',
          'Thread-Topic: Bao cao',
          'Date: Tue, 3 Nov 2026 09:30:00 +0000',
          'Message-ID: <ol-1@stttt.hatinh.gov.vn>',
          'Content-Language: vi-VN',
          'MIME-Version: 1.0',
          'Content-Type: multipart/alternative; boundary="_000_ol_"',
          '',
          '--_000_ol_',
          'Content-Type: text/plain; charset="iso-8859-1"',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          'B=E1o c=E1o',
          '',
          '--_000_ol_',
          'Content-Type: text/html; charset="iso-8859-1"',
          'Content-Transfer-Encoding: quoted-printable',
          'Content-Location: bao-cao.html',
          '',
          '<html><body>B=E1o c=E1o</body></html>',
          '',
          '--_000_ol_--',
          '',
        ].join('\n'),
        'latin1',
      ),
    ),
  ];
}

const bytesOf = (chunks: Chunk[]) => Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : (c as Buffer))));

interface Row {
  uid: number;
  id: number;
  imap_envelope: Buffer | null;
  imap_body: Buffer | null;
  imap_bodystructure: Buffer | null;
}

describe('IMAP stored renderings: ENVELOPE / BODY / BODYSTRUCTURE rendered once, equal to a fresh rendering', function () {
  let tg: TestGateway;
  let restarted: Gateway | null = null;
  const expected = new Map<number, { envelope: Buffer; body: Buffer; bodystructure: Buffer }>();

  const rows = async (gateway: Gateway, folder = FOLDER): Promise<Row[]> => {
    const mailbox = (await gateway.storage.mailboxes.find(AGENCIES.snv.id, folder))!;
    const [found] = await gateway.storage.db.sequelize.query(
      `SELECT mm.uid, m.id, m.imap_envelope, m.imap_body, m.imap_bodystructure FROM mailbox_messages mm JOIN messages m ON m.id = mm.message_id
        WHERE mm.mailbox_id = ${Number(mailbox.id)} ORDER BY mm.uid`,
    );
    return (found as Row[]).map((r) => ({ ...r, uid: Number(r.uid), id: Number(r.id) }));
  };
  const stored = async (gateway: Gateway, folder = FOLDER): Promise<Row[]> => {
    // Prerendering after a delivery runs after the 250: wait for it, bounded.
    for (let i = 0; i < 100; i++) {
      const all = await rows(gateway, folder);
      if (all.every((r) => r.imap_envelope && r.imap_body && r.imap_bodystructure)) return all;
      await new Promise((r) => setTimeout(r, 100));
    }
    return rows(gateway, folder);
  };
  const fetchAll = async (port: number, folder = FOLDER): Promise<Buffer> => {
    const w = await ImapWire.connect(port, { tls: true });
    try {
      await w.greeting();
      await w.login(CLERKS.snv, TEST_PASSWORD);
      await w.command(`EXAMINE "${folder}"`);
      const r = await w.command('FETCH 1:* (ENVELOPE BODY BODYSTRUCTURE)');
      expect(r.tagged).to.match(/OK/);
      return r.raw;
    } finally {
      w.close();
    }
  };
  const expectServed = (raw: Buffer, all: Row[]) => {
    all.forEach((row, i) => {
      const e = expected.get(row.id)!;
      const line = Buffer.concat([
        Buffer.from(`* ${i + 1} FETCH (UID ${row.uid} ENVELOPE `),
        e.envelope,
        Buffer.from(' BODY '),
        e.body,
        Buffer.from(' BODYSTRUCTURE '),
        e.bodystructure,
        Buffer.from(')\r\n'),
      ]);
      expect(raw.indexOf(line), `message ${i + 1}`).to.not.equal(-1);
    });
  };

  before(async function () {
    tg = await startImapGateway();
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: tg.imapTlsPort,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user: CLERKS.snv, pass: TEST_PASSWORD },
      logger: false,
    });
    await client.connect();
    try {
      // INBOX only takes deliveries: the corpus goes to a folder of the clerk's.
      await client.mailboxCreate(FOLDER);
      for (const message of await corpus()) await client.append(FOLDER, message);
    } finally {
      await client.logout();
    }
    // One through SMTP: a trace prefix before the blob, rendered after the delivery's commit.
    await deliver(tg, {
      subject: 'Công văn số 7/UBND',
      text: 'Số ký hiệu: 7/UBND',
      attachments: [{ filename: 'Công văn 7.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }],
    });
    // The rendering code over the stored rows, through a store with no cache (what FETCH did before 016).
    const fresh = mailboxStoreOf(tg.gateway.storage);
    for (const row of [...(await rows(tg.gateway)), ...(await rows(tg.gateway, 'INBOX'))]) {
      const content = await fresh.content(row.id);
      const view = new MessageView(fresh, { ...content, rendered: {} }, new HeaderCache(1 << 20));
      expected.set(row.id, {
        envelope: bytesOf(render(envelope(await view.topHeader()))),
        body: bytesOf(render(await bodyStructure(view, false))),
        bodystructure: bytesOf(render(await bodyStructure(view, true))),
      });
    }
  });
  after(async () => {
    if (restarted) {
      await restarted.close();
      tg.env.cleanup();
    } else await tg?.stop();
  });

  it('APPEND and SMTP delivery store renderings equal to the rendering code, and FETCH serves them', async function () {
    const all = await stored(tg.gateway);
    const inbox = await stored(tg.gateway, 'INBOX');
    expect(all).to.have.length(5);
    expect(inbox).to.have.length(1);
    for (const row of [...all, ...inbox]) {
      const e = expected.get(row.id)!;
      expect(row.imap_envelope?.equals(e.envelope), `envelope of ${row.uid}`).to.equal(true);
      expect(row.imap_body?.equals(e.body), `body of ${row.uid}`).to.equal(true);
      expect(row.imap_bodystructure?.equals(e.bodystructure), `bodystructure of ${row.uid}`).to.equal(true);
    }
    // The corpus does reach the interesting cases.
    const text = [...expected.values()].map((e) => e.bodystructure.toString('latin1')).join('\n');
    expect(text).to.contain('"MESSAGE" "RFC822"');
    expect(text).to.contain('"RELATED"');
    expect(text).to.match(/"FILENAME" "=\?UTF-8\?B\?/i);
    expectServed(await fetchAll(tg.imapTlsPort), all);
    expectServed(await fetchAll(tg.imapTlsPort, 'INBOX'), inbox);
  });

  it('rows without renderings (older data) are rendered on first FETCH after a restart and stored again', async function () {
    await tg.gateway.storage.db.sequelize.query('UPDATE messages SET imap_envelope = NULL, imap_body = NULL, imap_bodystructure = NULL');
    expect((await rows(tg.gateway)).every((r) => !r.imap_envelope && !r.imap_body && !r.imap_bodystructure)).to.equal(true);
    await tg.gateway.close();
    restarted = await startGateway({ config: loadConfig({ configDir: tg.env.configDir, dataDir: tg.env.dataDir }), log: createLogger('silent') });
    const port = restarted.imap.find((l) => l.listener.tls === 'implicit')!.port;
    const all = await rows(restarted);
    expectServed(await fetchAll(port), all);
    expectServed(await fetchAll(port, 'INBOX'), await rows(restarted, 'INBOX'));
    const again = await stored(restarted);
    for (const row of [...again, ...(await stored(restarted, 'INBOX'))]) {
      const e = expected.get(row.id)!;
      expect(
        row.imap_envelope?.equals(e.envelope) && row.imap_body?.equals(e.body) && row.imap_bodystructure?.equals(e.bodystructure),
        `row ${row.uid}`,
      ).to.equal(true);
    }
    // And served from what was stored, the same bytes.
    expectServed(await fetchAll(port), again);
  });
});
