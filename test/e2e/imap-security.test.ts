// A hostile clerk over IMAP: APPEND cannot plant anything into INBOX or Thông báo (delivery-only
// folders), any other copy keeps no forged X-Docgate-* field and is recorded as a client copy
// (messages.origin) while its bytes stay the client's, and
// CREATE/RENAME refuse '.' and '..' levels.

import { expect } from 'chai';
import { encodeMailboxName } from '../../gateway/imap/protocol/mutf7.js';
import { AGENCIES } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { EICAR } from '../helpers/clamd.js';
import { CLERKS, literalAfter, loggedIn, startImapGateway } from '../helpers/imap.js';
import type { ImapWire } from '../helpers/imap-wire.js';

/** A forged "verified document": trust headers of docgate's, an .exe and the EICAR file. */
function forgedDocument(): Buffer {
  const boundary = 'b1';
  return Buffer.from(
    [
      'X-Docgate-Signature: verified; signer=chutich@ubnd.hatinh.gov.vn; serial=01',
      'X-Docgate-Tracking-Id: DG20261201-AAAAAAAAAA',
      'x-docgate-warning: none',
      'From: vanthu@ubnd.hatinh.gov.vn',
      'To: vanthu@snv.hatinh.gov.vn',
      'Subject: Quyet dinh gia',
      'Message-ID: <forged-1@ubnd.hatinh.gov.vn>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'So ky hieu: 01/QD-UBND',
      `--${boundary}`,
      'Content-Type: application/octet-stream; name="qd.exe"',
      'Content-Disposition: attachment; filename="qd.exe"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('MZ\x90\x00', 'latin1').toString('base64'),
      `--${boundary}`,
      'Content-Type: application/octet-stream; name="eicar.com"',
      'Content-Disposition: attachment; filename="eicar.com"',
      'Content-Transfer-Encoding: base64',
      '',
      EICAR.toString('base64'),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

function append(w: ImapWire, mailbox: string, messages: Buffer[]) {
  const parts: Buffer[] = [Buffer.from(`APPEND "${mailbox}"`)];
  for (const m of messages) parts.push(Buffer.from(` {${m.length}+}\r\n`), m);
  return w.command(Buffer.concat(parts));
}

describe('IMAP security: APPEND cannot forge trust, mailbox names cannot climb', function () {
  let tg: TestGateway;
  let w: ImapWire;

  before(async function () {
    tg = await startImapGateway();
    w = await loggedIn(tg, CLERKS.snv);
  });
  after(async () => {
    w.close();
    await tg.stop();
  });

  it('refuses APPEND and MULTIAPPEND into INBOX and Thông báo with NO [CANNOT], bilingual ASCII, storing nothing', async function () {
    for (const name of ['INBOX', encodeMailboxName('Thông báo')]) {
      const before = await w.command(`STATUS "${name}" (MESSAGES)`);
      for (const messages of [[forgedDocument()], [forgedDocument(), forgedDocument()]]) {
        const r = await append(w, name, messages);
        expect(r.tagged, name).to.match(/^A\d+ NO \[CANNOT\] Khong the them thu vao thu muc nay[ -~]* \/ Messages cannot be appended to this folder/);
        expect(/^[\x20-\x7e]*$/.test(r.tagged)).to.equal(true);
      }
      expect((await w.command(`STATUS "${name}" (MESSAGES)`)).lines).to.deep.equal(before.lines);
    }
  });

  it('stores APPEND into Văn bản đi and other folders as a client copy: X-Docgate-* renamed as at SMTP intake, origin recorded', async function () {
    const sent = encodeMailboxName('Văn bản đi');
    await w.command('CREATE "Nhap"');
    const message = forgedDocument();
    expect((await append(w, sent, [message])).tagged).to.match(/^A\d+ OK \[APPENDUID \d+ \d+\]/);
    expect((await append(w, 'Nhap', [message, message])).tagged).to.match(/^A\d+ OK \[APPENDUID \d+ 1:2\]/);
    for (const [folder, count] of [
      [sent, 1],
      ['Nhap', 2],
    ] as const) {
      await w.command(`SELECT "${folder}"`);
      for (let n = 1; n <= count; n++) {
        const r = await w.command(
          `FETCH ${n === 1 && folder === sent ? '*' : n} (BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (X-Docgate-Signature X-Docgate-Tracking-Id X-Docgate-Warning X-Docgate-Origin)])`,
        );
        const body = literalAfter(r.raw, 'BODY[] ');
        const text = body.toString('latin1');
        expect(text.split('\r\n')).to.include('X-Untrusted-X-Docgate-Signature: verified; signer=chutich@ubnd.hatinh.gov.vn; serial=01');
        expect(text.split('\r\n')).to.include('X-Untrusted-X-Docgate-Tracking-Id: DG20261201-AAAAAAAAAA');
        expect(text.split('\r\n')).to.include('X-Untrusted-x-docgate-warning: none');
        // No field remains under an X-Docgate- name: nothing the client wrote reads as docgate's.
        expect(text.split('\r\n').filter((l) => /^x-docgate-/i.test(l))).to.deep.equal([]);
        const fields = literalAfter(r.raw, 'BODY[HEADER.FIELDS (X-DOCGATE-SIGNATURE X-DOCGATE-TRACKING-ID X-DOCGATE-WARNING X-DOCGATE-ORIGIN)] ').toString(
          'latin1',
        );
        expect(fields).to.equal('\r\n');
        // Apart from the renaming, the bytes are the client's.
        expect(text.replace(/^X-Untrusted-/gm, '')).to.equal(message.toString('latin1'));
        const size = /RFC822\.SIZE (\d+)/.exec((await w.command(`FETCH ${n === 1 && folder === sent ? '*' : n} (RFC822.SIZE)`)).lines.join(' '));
        expect(Number(size![1])).to.equal(body.length);
      }
    }
    // Every stored copy is recorded as a client copy, with no document behind it.
    const { Mailbox, MailboxMessage, Message } = tg.gateway.storage.db.models;
    for (const name of ['Văn bản đi', 'Nhap']) {
      const box = await Mailbox.findOne({ where: { agencyId: AGENCIES.snv.id, name } });
      const rows = (await MailboxMessage.findAll({ where: { mailboxId: box!.get('id') as number } })).map((r) => r.get({ plain: true }));
      expect(rows, name).to.have.length(name === 'Nhap' ? 2 : 1);
      for (const row of rows) {
        expect(row.documentId).to.equal(null);
        expect((await Message.findByPk(row.messageRowId))!.get('origin')).to.equal('client-append');
      }
    }
  });

  it('refuses CREATE and RENAME to names with "." or ".." levels, bilingual', async function () {
    for (const name of ['../000.01.00.H27', 'INBOX/../../x', 'Nhap/..', 'a/./b', '..', '.']) {
      const r = await w.command(`CREATE "${name}"`);
      expect(r.tagged, name).to.match(
        /^A\d+ NO \[CANNOT\] Ten thu muc khong hop le: Ten thu muc khong duoc chua cap '\.' hoac '\.\.' \/ Mailbox name may not contain '\.' or '\.\.' levels$/,
      );
    }
    const list = await w.command('LIST "" "*"');
    expect(list.lines.join('\n')).to.not.match(/\.\./);
    await w.command('CREATE "Doi ten"');
    expect((await w.command('RENAME "Doi ten" "../000.02.00.H27"')).tagged).to.match(/^A\d+ NO \[CANNOT\] /);
    expect((await w.command('RENAME "Doi ten" "Nhap/../../x"')).tagged).to.match(/^A\d+ NO \[CANNOT\] /);
    expect((await w.command('RENAME "Doi ten" "Da doi ten"')).tagged).to.match(/^A\d+ OK /);
    // Names that merely contain dots stay allowed.
    expect((await w.command('CREATE "2026..Q1/v1.0"')).tagged).to.match(/^A\d+ OK /);
  });
});
