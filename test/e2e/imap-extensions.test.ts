// IMAP extensions on the wire: ESEARCH, SORT/ESORT, LIST-EXTENDED + LIST-STATUS, MULTIAPPEND, BINARY
// and QRESYNC. Each test pins the exact responses, and bad input gets BAD/NO without ending the session.

import { expect } from 'chai';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, loggedIn, startImapGateway } from '../helpers/imap.js';
import type { ImapWire } from '../helpers/imap-wire.js';

function message(subject: string, from: string, date: string, body = 'noi dung'): string {
  return `From: ${from}\r\nTo: vanthu@snv.hatinh.gov.vn\r\nDate: ${date}\r\nSubject: ${subject}\r\n\r\n${body}\r\n`;
}

/** APPEND with LITERAL+ (one or several messages). */
async function appendAll(w: ImapWire, mailbox: string, messages: string[]) {
  const parts = messages.map((m) => `{${Buffer.byteLength(m)}+}\r\n${m}`).join(' ');
  return w.command(`APPEND ${mailbox} ${parts}`);
}

describe('IMAP extensions: ESEARCH, SORT, LIST-EXTENDED, MULTIAPPEND, BINARY, QRESYNC', function () {
  let tg: TestGateway;
  let w: ImapWire;

  before(async function () {
    tg = await startImapGateway();
    w = await loggedIn(tg, CLERKS.stttt);
    expect((await w.command('CREATE Thu-nghiem')).tagged).to.match(/OK/);
    const r = await appendAll(w, 'Thu-nghiem', [
      message('Re: [dsl] Bao cao', 'Tran Binh <binh@a.vn>', 'Mon, 1 Jun 2026 10:00:00 +0700', 'x'.repeat(300)),
      message('an toan', 'An <an@b.vn>', 'Mon, 1 Jun 2026 08:00:00 +0700'),
      message('Fwd: bao cao (fwd)', 'Cuong <cuong@c.vn>', 'Mon, 1 Jun 2026 09:00:00 +0700', 'y'.repeat(100)),
    ]);
    expect(r.tagged).to.match(/^A\d+ OK \[APPENDUID \d+ 1:3\] /);
    expect((await w.command('SELECT Thu-nghiem')).tagged).to.match(/OK/);
  });
  after(async () => {
    w.close();
    await tg.stop();
  });

  it('CAPABILITY announces the extensions', async function () {
    const caps = (await w.command('CAPABILITY')).lines[0];
    for (const name of ['ESEARCH', 'SORT', 'ESORT', 'SORT=DISPLAY', 'LIST-EXTENDED', 'LIST-STATUS', 'MULTIAPPEND', 'BINARY', 'QRESYNC'])
      expect(caps.split(' ')).to.include(name);
  });

  it('ESEARCH: RETURN (MIN MAX COUNT ALL), UID form, empty results and bad options', async function () {
    expect((await w.command('SEARCH RETURN (MIN MAX COUNT) ALL', { tag: 'A005' })).lines).to.deep.equal(['* ESEARCH (TAG "A005") MIN 1 MAX 3 COUNT 3']);
    expect((await w.command('UID SEARCH RETURN () 1,3', { tag: 'A006' })).lines).to.deep.equal(['* ESEARCH (TAG "A006") UID ALL 1,3']);
    expect((await w.command('SEARCH RETURN (ALL) 1:*', { tag: 'A007' })).lines).to.deep.equal(['* ESEARCH (TAG "A007") ALL 1:3']);
    expect((await w.command('SEARCH RETURN (MIN COUNT) SUBJECT khong-co', { tag: 'A008' })).lines).to.deep.equal(['* ESEARCH (TAG "A008") COUNT 0']);
    expect((await w.command('SEARCH RETURN (MIN) ALL MODSEQ 1', { tag: 'A009' })).lines.at(-1)).to.match(/^\* ESEARCH \(TAG "A009"\) MIN 1 MODSEQ \d+$/);
    expect((await w.command('SEARCH RETURN (BOGUS) ALL')).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command('SEARCH RETURN ALL')).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command('SEARCH ALL')).lines).to.deep.equal(['* SEARCH 1 2 3']);
  });

  it('SORT: subject (base subject), date, size, from, reverse, ESORT RETURN, and errors', async function () {
    expect((await w.command('SORT (SUBJECT) UTF-8 ALL')).lines).to.deep.equal(['* SORT 2 1 3']);
    expect((await w.command('SORT (DATE) UTF-8 ALL')).lines).to.deep.equal(['* SORT 2 3 1']);
    expect((await w.command('SORT (REVERSE SIZE) UTF-8 ALL')).lines).to.deep.equal(['* SORT 1 3 2']);
    expect((await w.command('UID SORT (FROM) US-ASCII 2:3')).lines).to.deep.equal(['* SORT 2 3']);
    expect((await w.command('SORT (DISPLAYFROM) UTF-8 ALL')).lines).to.deep.equal(['* SORT 2 3 1']);
    expect((await w.command('SORT RETURN (MIN MAX ALL) (REVERSE DATE) UTF-8 ALL', { tag: 'A018' })).lines).to.deep.equal([
      '* ESEARCH (TAG "A018") MIN 1 MAX 3 ALL 1,3,2',
    ]);
    expect((await w.command('SORT (BOGUS) UTF-8 ALL')).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command('SORT (REVERSE) UTF-8 ALL')).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command('SORT () UTF-8 ALL')).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command(`SORT (${'SIZE '.repeat(40).trim()}) UTF-8 ALL`)).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command('SORT (SIZE) KOI8-R ALL')).tagged).to.match(/^A\d+ NO \[BADCHARSET/);
    expect((await w.command('NOOP')).tagged).to.match(/^A\d+ OK/);
  });

  it('LIST-EXTENDED and LIST-STATUS: several patterns, SUBSCRIBED, RECURSIVEMATCH, CHILDREN, STATUS and errors', async function () {
    for (const name of ['Du-an/Mot', 'Du-an/Hai', 'Khac/Con/Chau']) expect((await w.command(`CREATE ${name}`)).tagged).to.match(/OK/);
    // CREATE does not subscribe (imap-compliance.test.ts): the client subscribes the new names and their parents.
    for (const name of ['Du-an', 'Du-an/Mot', 'Du-an/Hai', 'Khac', 'Khac/Con', 'Khac/Con/Chau'])
      expect((await w.command(`SUBSCRIBE ${name}`)).tagged).to.match(/OK/);
    expect((await w.command('UNSUBSCRIBE Du-an/Hai')).tagged).to.match(/OK/);
    const multi = await w.command('LIST "" ("Du-an/*" "Thu-nghiem")');
    expect(multi.lines.sort()).to.deep.equal([
      '* LIST (\\HasNoChildren) "/" "Du-an/Hai"',
      '* LIST (\\HasNoChildren) "/" "Du-an/Mot"',
      '* LIST (\\HasNoChildren) "/" "Thu-nghiem"',
    ]);
    const sub = await w.command('LIST (SUBSCRIBED) "" "Du-an/*"');
    expect(sub.lines).to.deep.equal(['* LIST (\\Subscribed) "/" "Du-an/Mot"']);
    const children = await w.command('LIST "" "Khac/%" RETURN (CHILDREN)');
    expect(children.lines).to.deep.equal(['* LIST (\\HasChildren) "/" "Khac/Con"']);
    for (const name of ['Khac', 'Khac/Con']) expect((await w.command(`UNSUBSCRIBE ${name}`)).tagged).to.match(/OK/);
    const recursive = await w.command('LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"');
    expect(recursive.lines).to.include('* LIST () "/" "Khac" (CHILDINFO ("SUBSCRIBED"))');
    const status = await w.command('LIST "" "Thu-nghiem" RETURN (STATUS (MESSAGES UIDNEXT))');
    expect(status.lines).to.deep.equal(['* LIST (\\HasNoChildren) "/" "Thu-nghiem"', '* STATUS "Thu-nghiem" (MESSAGES 3 UIDNEXT 4)']);
    expect((await w.command('LIST (RECURSIVEMATCH) "" "*"')).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command('LIST (BOGUS) "" "*"')).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command('LIST "" "*" RETURN (BOGUS)')).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command(`LIST "" (${'"x" '.repeat(40).trim()})`)).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command('LIST "" ()')).tagged).to.match(/^A\d+ BAD /);
    // The RFC 3501 form is unchanged.
    expect((await w.command('LIST "" "Du-an/Mot"')).lines).to.deep.equal(['* LIST (\\HasNoChildren) "/" "Du-an/Mot"']);
  });

  it('MULTIAPPEND: several messages in one APPEND, all or nothing', async function () {
    const r = await appendAll(w, 'Du-an/Mot', [
      message('mot', 'a@b.vn', 'Mon, 1 Jun 2026 08:00:00 +0700'),
      message('hai', 'a@b.vn', 'Mon, 1 Jun 2026 08:00:00 +0700'),
    ]);
    expect(r.tagged).to.match(/^A\d+ OK \[APPENDUID \d+ 1:2\] /);
    // The second message is empty: neither is stored.
    const m = message('ba', 'a@b.vn', 'Mon, 1 Jun 2026 08:00:00 +0700');
    const refused = await w.command(`APPEND Du-an/Mot {${m.length}+}\r\n${m} {0+}\r\n`);
    expect(refused.tagged).to.match(/^A\d+ NO /);
    expect((await w.command('STATUS Du-an/Mot (MESSAGES UIDNEXT)')).lines).to.deep.equal(['* STATUS "Du-an/Mot" (MESSAGES 2 UIDNEXT 3)']);
    // At most 64 messages per APPEND: the 65th literal is refused before it is sent.
    const many = Array.from({ length: 64 }, () => `{${m.length}+}\r\n${m}`).join(' ');
    w.send(`T65 APPEND Du-an/Mot ${many} {${m.length}}\r\n`);
    expect((await w.until('T65')).tagged).to.match(/^T65 (NO|BAD) /);
    expect((await w.command('STATUS Du-an/Mot (MESSAGES)')).lines).to.deep.equal(['* STATUS "Du-an/Mot" (MESSAGES 2)']);
    expect((await w.command(`APPEND Du-an/Mot {${m.length}+}\r\n${m} (\\Seen`)).tagged).to.match(/^A\d+ BAD /);
    expect((await w.command(`APPEND Du-an/Mot {${m.length}+}\r\n${m} "khong phai ngay" {${m.length}+}\r\n${m}`)).tagged).to.match(/^A\d+ BAD /);
  });

  it('BINARY: decoded parts, sizes, partials, literal8 for bare line ends, UNKNOWN-CTE and bad sections', async function () {
    // A fresh session (another agency): no CONDSTORE state from the tests above.
    const b = await loggedIn(tg, CLERKS.snv);
    const mime = (cte: string, body: string) =>
      `From: a@b.vn\r\nSubject: nhi phan\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n${body}\r\n--b--\r\n`;
    // APPEND into INBOX is refused (only documents delivered through the gateway land there).
    await b.command('CREATE "Nhi-phan"');
    expect(
      (
        await appendAll(b, 'Nhi-phan', [
          mime('base64', Buffer.from('xin\nchao\r\n').toString('base64')),
          mime('quoted-printable', 'T=C3=A0i li=E1=BB=87u=\r\n ok'),
          mime('x-uuencode', 'abc'),
        ])
      ).tagged,
    ).to.match(/OK/);
    expect((await b.command('SELECT Nhi-phan')).tagged).to.match(/OK/);
    const b64 = await b.command('FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])');
    expect(b64.raw.toString('latin1')).to.contain('* 1 FETCH (UID 1 BINARY.SIZE[1] 10 BINARY[1] ~{10}\r\nxin\nchao\r\n)');
    const qp = await b.command('FETCH 2 (BINARY.PEEK[1] BINARY.PEEK[1]<5.5>)');
    expect(qp.raw.toString('utf8')).to.contain('BINARY[1] {14}\r\nTài liệu ok BINARY[1]<5> {5}\r\nli\u1ec7');
    expect((await b.command('FETCH 1 (BINARY.PEEK[9])')).lines[0]).to.equal('* 1 FETCH (UID 1 BINARY[9] NIL)');
    expect((await b.command('FETCH 3 (BINARY.PEEK[1])')).tagged).to.match(/^A\d+ NO \[UNKNOWN-CTE\] /);
    expect((await b.command('FETCH 3 (BODY.PEEK[1])')).tagged).to.match(/^A\d+ OK/);
    expect((await b.command('FETCH 1 (BINARY.PEEK[1.HEADER])')).tagged).to.match(/^A\d+ BAD /);
    expect((await b.command('FETCH 1 (BINARY.SIZE[1]<0.2>)')).tagged).to.match(/^A\d+ BAD /);
    // BINARY without .PEEK sets \Seen, like BODY[].
    expect((await b.command('FETCH 1 (BINARY[1])')).lines[0]).to.match(/FLAGS \(\\Seen \\Recent\)/);
    b.close();
  });

  it('QRESYNC: SELECT resync with VANISHED (EARLIER), VANISHED instead of EXPUNGE, FETCH VANISHED, and errors', async function () {
    const q = await loggedIn(tg, CLERKS.ubnd);
    // APPEND into INBOX is refused (only documents delivered through the gateway land there).
    await q.command('CREATE "Dong-bo"');
    expect(
      (
        await appendAll(
          q,
          'Dong-bo',
          ['1', '2', '3', '4'].map((n) => message(`thu ${n}`, 'a@b.vn', 'Mon, 1 Jun 2026 08:00:00 +0700')),
        )
      ).tagged,
    ).to.match(/OK/);
    // The QRESYNC parameter needs ENABLE QRESYNC first.
    expect((await q.command('SELECT Dong-bo (QRESYNC (1 1))')).tagged).to.match(/^A\d+ BAD /);
    expect((await q.command('ENABLE QRESYNC')).lines).to.deep.equal(['* ENABLED QRESYNC']);
    const first = await q.command('SELECT Dong-bo');
    const validity = Number(/UIDVALIDITY (\d+)/.exec(first.lines.join('\n'))![1]);
    const modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(first.lines.join('\n'))![1]);
    // Own expunge: VANISHED by UID, not EXPUNGE by sequence number.
    expect((await q.command('STORE 2,3 +FLAGS.SILENT (\\Deleted)')).tagged).to.match(/OK/);
    expect((await q.command('EXPUNGE')).lines).to.deep.equal(['* VANISHED 2:3']);
    expect((await q.command('UID STORE 4 +FLAGS.SILENT (\\Flagged)')).tagged).to.match(/OK/);
    // RFC 7162 3.2.4: every FETCH response carries the UID once QRESYNC is on, even after plain STORE.
    expect((await q.command('STORE 1 +FLAGS (\\Answered)')).lines[0]).to.match(/^\* 1 FETCH \(UID 1 FLAGS \(/);
    expect((await q.command('STORE 1 -FLAGS.SILENT (\\Answered)')).tagged).to.match(/OK/);
    const vanished = await q.command('UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)');
    expect(vanished.lines[0]).to.equal('* VANISHED (EARLIER) 2:3');
    expect(vanished.lines.slice(1).join('\n')).to.match(/UID 4 FLAGS \(\\Flagged[^)]*\)/);
    // Reselecting with the old state: OK [CLOSED] ends the old mailbox, then what changed since.
    const again = await q.command(`SELECT Dong-bo (QRESYNC (${validity} ${modseq} 1:4))`);
    expect(again.lines[0]).to.equal('* OK [CLOSED] Previous mailbox closed');
    expect(again.lines).to.include('* VANISHED (EARLIER) 2:3');
    expect(again.lines.join('\n')).to.match(/\* 2 FETCH \(UID 4 FLAGS \(\\Flagged[^)]*\) MODSEQ \(\d+\)\)/);
    // known-uids narrows VANISHED; a wrong UIDVALIDITY means no resync at all.
    expect((await q.command(`EXAMINE Dong-bo (QRESYNC (${validity} ${modseq} 1,3))`)).lines).to.include('* VANISHED (EARLIER) 3');
    expect((await q.command(`EXAMINE Dong-bo (QRESYNC (${validity + 1} ${modseq}))`)).lines.join('\n')).to.not.contain('VANISHED');
    // Bad input: BAD, and the session goes on.
    for (const bad of [
      'SELECT Dong-bo (QRESYNC)',
      'SELECT Dong-bo (QRESYNC (1))',
      'SELECT Dong-bo (QRESYNC (0 1))',
      'SELECT Dong-bo (QRESYNC (1 1 1:*))',
      'SELECT Dong-bo (QRESYNC (1 1 1:4 (1)))',
      'SELECT Dong-bo (BOGUS)',
    ]) {
      expect((await q.command(bad)).tagged, bad).to.match(/^A\d+ BAD /);
    }
    expect((await q.command('SELECT Dong-bo')).tagged).to.match(/OK/);
    expect((await q.command('FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)')).tagged).to.match(/^A\d+ BAD /);
    expect((await q.command('UID FETCH 1:* (FLAGS) (VANISHED)')).tagged).to.match(/^A\d+ BAD /);
    expect((await q.command('NOOP')).tagged).to.match(/OK/);
    q.close();
  });
});
