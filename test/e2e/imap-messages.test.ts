// IMAP message commands over a raw socket on documents delivered through SMTP: FETCH of every item
// (byte for byte against the stored bytes, partial fetches, sections), SEARCH with Vietnamese text,
// STORE with CONDSTORE, COPY/MOVE/EXPUNGE with UIDPLUS, APPEND with both literal kinds, UID edge
// cases, and IDLE seeing a delivery.

import { expect } from 'chai';
import { encodeMailboxName } from '../../gateway/imap/protocol/mutf7.js';
import { AGENCIES } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, literalAfter, loggedIn, startImapGateway, type DeliveredDocument } from '../helpers/imap.js';
import type { ImapWire } from '../helpers/imap-wire.js';

const docxLike = Buffer.from('PK\u0003\u0004' + 'noi dung van ban '.repeat(400), 'latin1');

describe('IMAP messages: FETCH, SEARCH, STORE, COPY/MOVE, APPEND, IDLE', function () {
  let tg: TestGateway;
  let docs: DeliveredDocument[];
  let w: ImapWire;

  before(async function () {
    tg = await startImapGateway();
    docs = [
      await deliver(tg, {
        subject: 'Quyết định 05/QĐ-UBND về văn bản điện tử',
        text: 'Số ký hiệu: 05/QĐ-UBND\nQUYẾT ĐỊNH triển khai hệ thống quản lý văn bản',
        attachments: [{ filename: 'Quyết định.docx', content: docxLike }],
      }),
      await deliver(tg, { subject: 'Công văn số 12', text: 'Kính gửi Sở Nội vụ\nV/v báo cáo tình hình' }),
      await deliver(tg, { subject: 'Giấy mời họp', text: 'Mời dự họp giao ban tháng 11' }),
    ];
    w = await loggedIn(tg, CLERKS.snv);
    const selected = await w.command('SELECT INBOX');
    expect(selected.lines).to.include('* 3 EXISTS');
  });
  after(async () => {
    w.close();
    await tg.stop();
  });

  it('BODY[] and RFC822 are the stored bytes (trace prefix + submitted message), byte for byte', async function () {
    for (const [i, doc] of docs.entries()) {
      const r = await w.command(`FETCH ${i + 1} (BODY.PEEK[] RFC822.SIZE)`);
      expect(literalAfter(r.raw, 'BODY[] ').equals(doc.served)).to.equal(true);
      expect(r.raw.toString('latin1')).to.contain(`RFC822.SIZE ${doc.served.length}`);
      expect(doc.served.subarray(doc.served.length - doc.submitted.length).equals(doc.submitted)).to.equal(true);
    }
    const rfc822 = await w.command('UID FETCH 2 RFC822');
    expect(literalAfter(rfc822.raw, 'RFC822 ').equals(docs[1].served)).to.equal(true);
    // The recipient's số đến keyword (register issue 11) comes with the document.
    expect(rfc822.raw.toString('latin1')).to.match(/FLAGS \(\$SoDen-2 \\Seen( \\Recent)?\)/);
  });

  it('partial fetches: <origin.octets>, past the end, and of a part', async function () {
    const served = docs[0].served;
    const r = await w.command('FETCH 1 (BODY.PEEK[]<0.100> BODY.PEEK[]<100.50>)');
    expect(literalAfter(r.raw, 'BODY[]<0> ').equals(served.subarray(0, 100))).to.equal(true);
    expect(literalAfter(r.raw, 'BODY[]<100> ').equals(served.subarray(100, 150))).to.equal(true);
    const past = await w.command(`FETCH 1 BODY.PEEK[]<${served.length + 10}.5>`);
    expect(past.lines[0]).to.match(/BODY\[\]<\d+> \{0\}\r\n\)$/);
    const part = await w.command('FETCH 1 BODY.PEEK[2]<4.10>');
    const whole = literalAfter((await w.command('FETCH 1 BODY.PEEK[2]')).raw, 'BODY[2] ');
    expect(literalAfter(part.raw, 'BODY[2]<4> ').equals(whole.subarray(4, 14))).to.equal(true);
    expect(Buffer.from(whole.toString('latin1').replace(/\r\n/g, ''), 'base64').equals(docxLike)).to.equal(true);
    expect((await w.command('FETCH 1 BODY.PEEK[]<5>')).tagged).to.match(/BAD/);
  });

  it('sections: HEADER, TEXT, HEADER.FIELDS(.NOT), n.MIME, and a missing part', async function () {
    const served = docs[1].served.toString('latin1');
    const headerEnd = served.indexOf('\r\n\r\n') + 4;
    const r = await w.command(
      'FETCH 2 (BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (SUBJECT X-Docgate-Tracking-Id)] BODY.PEEK[HEADER.FIELDS.NOT (RECEIVED)] BODY.PEEK[7])',
    );
    expect(literalAfter(r.raw, 'BODY[HEADER] ').toString('latin1')).to.equal(served.slice(0, headerEnd));
    expect(literalAfter(r.raw, 'BODY[TEXT] ').toString('latin1')).to.equal(served.slice(headerEnd));
    const fields = literalAfter(r.raw, 'BODY[HEADER.FIELDS (SUBJECT X-DOCGATE-TRACKING-ID)] ').toString('latin1');
    expect(fields).to.match(/^X-Docgate-Tracking-Id: DG\d{8}-\w+\r\nSubject: =\?UTF-8\?[^\r\n]*\r\n( [^\r\n]*\r\n)*\r\n$/);
    expect(literalAfter(r.raw, 'BODY[HEADER.FIELDS.NOT (RECEIVED)] ').toString('latin1')).to.not.match(/^Received|\tby docgate/m);
    expect(r.raw.toString('latin1')).to.contain('BODY[7] NIL');
    const mime = await w.command('FETCH 1 (BODY.PEEK[1.MIME] BODY.PEEK[2.MIME])');
    expect(literalAfter(mime.raw, 'BODY[1.MIME] ').toString('latin1')).to.match(
      /^Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n$/,
    );
    expect(literalAfter(mime.raw, 'BODY[2.MIME] ').toString('latin1')).to.match(
      /^Content-Type:\s+application\/vnd\.openxml[\s\S]*Content-Disposition: attachment[\s\S]*\r\n\r\n$/,
    );
  });

  it('ENVELOPE, BODYSTRUCTURE, BODY, INTERNALDATE, FLAGS, UID and the ALL/FAST/FULL macros', async function () {
    const r = await w.command('FETCH 1 (ENVELOPE BODYSTRUCTURE INTERNALDATE)');
    const text = r.raw.toString('latin1');
    expect(text).to.match(/ENVELOPE \("[^"]+" "=\?UTF-8\?Q\?Quy/);
    expect(text).to.contain('(("=?UTF-8?Q?V=C4=83n_th=C6=B0_UBND?=" NIL "vanthu" "ubnd.hatinh.gov.vn"))');
    expect(text).to.match(
      /BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "QUOTED-PRINTABLE" \d+ \d+ NIL NIL NIL NIL\)\("APPLICATION" "VND\.OPENXMLFORMATS-OFFICEDOCUMENT\.WORDPROCESSINGML\.DOCUMENT" \("NAME" "=\?UTF-8\?[BQ]\?[^"]+\?="\) NIL NIL "BASE64" \d+ NIL \("ATTACHMENT" \("FILENAME" "=\?UTF-8\?B\?/,
    );
    expect(text).to.match(/"MIXED" \("BOUNDARY" "[^"]+"\) NIL NIL NIL\)/);
    expect(text).to.match(/INTERNALDATE "\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2} \+0000"/);
    expect((await w.command('FETCH 1 BODY')).raw.toString('latin1')).to.match(
      /BODY \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "QUOTED-PRINTABLE" \d+ \d+\)\("APPLICATION"/,
    );
    const all = await w.command('FETCH 1:3 ALL');
    expect(all.lines.filter((l) => / FETCH \(UID \d+ FLAGS \(.*\) INTERNALDATE .* RFC822\.SIZE \d+ ENVELOPE /.test(l))).to.have.length(3);
    expect((await w.command('FETCH 2 FAST')).lines[0]).to.match(/^\* 2 FETCH \(UID 2 FLAGS \([^)]*\) INTERNALDATE "[^"]+" RFC822\.SIZE \d+\)$/);
  });

  it('RFC 3501 example: FETCH 2 (FLAGS BODY[HEADER.FIELDS (DATE FROM)]) sets no \\Seen', async function () {
    const r = await w.command('FETCH 3 (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)])');
    expect(r.lines[0]).to.match(
      /^\* 3 FETCH \(UID 3 FLAGS \(\$SoDen-3 \\Recent\) BODY\[HEADER\.FIELDS \(DATE FROM\)\] \{\d+\}\r\nFrom: [^\r]+\r\nDate: [^\r]+\r\n\r\n\)$/,
    );
  });

  it('UID edge cases: *, reversed ranges, ranges beyond the last UID, and missing UIDs', async function () {
    expect((await w.command('UID FETCH * UID')).lines).to.deep.equal(['* 3 FETCH (UID 3)']);
    expect((await w.command('UID FETCH 3:1 UID')).lines).to.have.length(3);
    expect((await w.command('UID FETCH 100:* UID')).lines).to.deep.equal(['* 3 FETCH (UID 3)']);
    const none = await w.command('UID FETCH 100:200 UID');
    expect(none.lines).to.deep.equal([]);
    expect(none.tagged).to.match(/OK/);
    expect((await w.command('FETCH 4 UID')).tagged).to.match(/BAD .*sequence number/);
    expect((await w.command('FETCH 0 UID')).tagged).to.match(/BAD/);
    expect((await w.command('FETCH 1:* UID')).lines).to.have.length(3);
    expect((await w.command('UID SEARCH UID 2:*')).lines).to.deep.equal(['* SEARCH 2 3']);
    expect((await w.command('UID STORE 50 +FLAGS (\\Flagged)')).lines).to.deep.equal([]);
  });

  it('SEARCH: Vietnamese text in BODY, SUBJECT and TEXT (quoted and literal), keys combined', async function () {
    expect((await w.command('SEARCH CHARSET UTF-8 BODY "quyết định"')).lines).to.deep.equal(['* SEARCH 1']);
    expect((await w.command('SEARCH CHARSET UTF-8 SUBJECT "CÔNG VĂN"')).lines).to.deep.equal(['* SEARCH 2']);
    const needle = Buffer.from('giao ban tháng');
    w.send(Buffer.concat([Buffer.from(`S1 UID SEARCH CHARSET UTF-8 TEXT {${needle.length}+}\r\n`), needle, Buffer.from('\r\n')]));
    expect((await w.until('S1')).lines).to.deep.equal(['* SEARCH 3']);
    expect((await w.command('SEARCH CHARSET UTF-8 OR SUBJECT "giấy mời" BODY "báo cáo"')).lines).to.deep.equal(['* SEARCH 2 3']);
    expect((await w.command('SEARCH NOT SUBJECT "Quyết" FROM vanthu@ubnd.hatinh.gov.vn')).lines).to.deep.equal(['* SEARCH 2 3']);
    expect((await w.command('SEARCH HEADER X-Docgate-Tracking-Id ""')).lines).to.deep.equal(['* SEARCH 1 2 3']);
    expect((await w.command('SEARCH LARGER 5000')).lines).to.deep.equal(['* SEARCH 1']);
    expect((await w.command('SEARCH SINCE 1-Jan-2000 BEFORE 1-Jan-2100 2:3')).lines).to.deep.equal(['* SEARCH 2 3']);
    expect((await w.command('SEARCH SENTBEFORE 1-Jan-2000')).lines).to.deep.equal(['* SEARCH']);
    expect((await w.command('SEARCH CHARSET KOI8-R ALL')).tagged).to.match(/NO \[BADCHARSET \(US-ASCII UTF-8\)\]/);
    expect((await w.command('SEARCH FROBNICATE')).tagged).to.match(/BAD/);
    expect((await w.command('SEARCH OR SEEN')).tagged).to.match(/BAD/);
  });

  it('STORE: +FLAGS, -FLAGS, .SILENT, keywords; CONDSTORE MODSEQ and UNCHANGEDSINCE/MODIFIED', async function () {
    expect((await w.command('STORE 2 +FLAGS (\\Flagged $TraLai-Khac)')).lines[0]).to.match(/^\* 2 FETCH \(FLAGS \(.*\\Flagged \$TraLai-Khac.*\)\)$/);
    expect((await w.command('STORE 2 -FLAGS.SILENT (\\Flagged)')).lines).to.deep.equal([]);
    expect((await w.command('SEARCH KEYWORD $TraLai-Khac UNFLAGGED')).lines).to.deep.equal(['* SEARCH 2']);
    expect((await w.command('STORE 2 FLAGS (\\Bogus)')).tagged).to.match(/BAD/);
    const fetched = await w.command('FETCH 2 (MODSEQ)');
    // The first CONDSTORE-enabling command of a selected session reports HIGHESTMODSEQ (RFC 7162 3.1).
    expect(fetched.lines[0]).to.match(/^\* OK \[HIGHESTMODSEQ \d+\] /);
    const modseq = Number(/MODSEQ \((\d+)\)/.exec(fetched.lines[1])![1]);
    const ok = await w.command(`UID STORE 2 (UNCHANGEDSINCE ${modseq}) +FLAGS (\\Answered)`);
    expect(ok.lines[0]).to.match(/^\* 2 FETCH \(UID 2 FLAGS \(.*\\Answered.*\) MODSEQ \((\d+)\)\)$/);
    const stale = await w.command(`UID STORE 2 (UNCHANGEDSINCE ${modseq}) -FLAGS (\\Answered)`);
    expect(stale.tagged).to.match(/OK \[MODIFIED 2\]/);
    expect((await w.command(`SEARCH MODSEQ ${modseq + 1}`)).lines[0]).to.match(/^\* SEARCH 2 \(MODSEQ \d+\)$/);
    expect((await w.command(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq})`)).lines).to.have.length(1);
  });

  it('APPEND with a synchronising literal and with LITERAL+, APPENDUID, bytes kept exactly', async function () {
    const folder = encodeMailboxName('Lưu nháp');
    expect((await w.command(`APPEND "${folder}" {5+}\r\nHello`)).tagged).to.match(/NO \[TRYCREATE\]/);
    await w.command(`CREATE "${folder}"`);
    const message = Buffer.from('From: vanthu@snv.hatinh.gov.vn\r\nSubject: =?UTF-8?B?QuG6o24gbmjDoXA=?=\r\n\r\nBản nháp công văn\r\n', 'utf8');
    w.send(`A1 APPEND "${folder}" (\\Seen \\Draft) " 5-Nov-2026 10:00:00 +0700" {${message.length}}\r\n`);
    expect((await w.line())!.text).to.match(/^\+ /);
    w.send(Buffer.concat([message, Buffer.from('\r\n')]));
    const first = await w.until('A1');
    expect(first.tagged).to.match(/^A1 OK \[APPENDUID \d+ 1\]/);
    const second = await w.command(Buffer.concat([Buffer.from(`APPEND "${folder}" {${message.length}+}\r\n`), message]));
    expect(second.tagged).to.match(/OK \[APPENDUID \d+ 2\]/);
    const other = await loggedIn(tg, CLERKS.snv2);
    await other.command(`SELECT "${folder}"`);
    const r = await other.command('FETCH 1 (BODY.PEEK[] FLAGS INTERNALDATE BODYSTRUCTURE)');
    expect(literalAfter(r.raw, 'BODY[] ').equals(message)).to.equal(true);
    expect(r.raw.toString('latin1')).to.contain('INTERNALDATE "05-Nov-2026 03:00:00 +0000"');
    expect(r.raw.toString('latin1')).to.match(/FLAGS \(\\Seen \\Draft/);
    expect(r.raw.toString('latin1')).to.contain('BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT"');
    other.close();
  });

  it('COPY, MOVE and EXPUNGE with UIDPLUS responses; CLOSE and UNSELECT', async function () {
    await w.command('CREATE "Tam"');
    const copy = await w.command('COPY 1:2 "Tam"');
    expect(copy.tagged).to.match(/OK \[COPYUID (\d+) 1:2 1:2\]/);
    const other = await loggedIn(tg, CLERKS.snv2);
    await other.command('SELECT "Tam"');
    const moved = await other.command('UID MOVE 2 INBOX');
    expect(moved.lines[0]).to.match(/^\* OK \[COPYUID \d+ 2 4\]/);
    expect(moved.lines[1]).to.equal('* 2 EXPUNGE');
    await other.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
    expect((await other.command('UID EXPUNGE 5:9')).lines).to.deep.equal([]);
    expect((await other.command('EXPUNGE')).lines).to.deep.equal(['* 1 EXPUNGE']);
    expect((await other.command('UNSELECT')).tagged).to.match(/OK/);
    expect((await other.command('EXAMINE "Tam"')).tagged).to.match(/OK \[READ-ONLY\]/);
    expect((await other.command('STORE 1 +FLAGS (\\Seen)')).tagged).to.match(/BAD|NO/);
    expect((await other.command('CLOSE')).tagged).to.match(/OK/);
    other.close();
    const noop = await w.command('NOOP');
    expect(noop.lines).to.include('* 4 EXISTS');
  });

  it('IDLE: a document delivered through SMTP shows up as EXISTS at once; DONE ends IDLE', async function () {
    const watcher = await loggedIn(tg, CLERKS.snv3);
    const before = await watcher.command('SELECT INBOX');
    const exists = Number(/\* (\d+) EXISTS/.exec(before.lines.join('\n'))![1]);
    watcher.send('I1 IDLE\r\n');
    expect((await watcher.line())!.text).to.equal('+ idling');
    const started = Date.now();
    const delivered = await deliver(tg, { subject: 'Hỏa tốc', text: 'Văn bản hỏa tốc' });
    // The new document brings a new keyword (its số đến): FLAGS and PERMANENTFLAGS announce it first (RFC 3501 7.2.6).
    const soDen = (await tg.gateway.storage.register.incomingEntry(AGENCIES.snv.id, delivered.trackingId))!.number;
    const flags = (await watcher.line(5_000))!.text;
    expect(flags).to.match(new RegExp(`^\\* FLAGS \\(.* \\$SoDen-${soDen}\\)$`));
    expect((await watcher.line(5_000))!.text).to.match(new RegExp(`^\\* OK \\[PERMANENTFLAGS \\(.* \\$SoDen-${soDen} \\\\\\*\\)\\] Flags permitted$`));
    expect((await watcher.line(5_000))!.text).to.equal(`* ${exists + 1} EXISTS`);
    expect(Date.now() - started).to.be.below(3_000);
    watcher.send('DONE\r\n');
    const done = await watcher.until('I1');
    expect(done.tagged).to.equal('I1 OK IDLE terminated');
    watcher.close();
  });
});
