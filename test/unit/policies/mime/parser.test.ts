// The strict MIME parser: exact offsets, decoding, and problems reported (never thrown) for hostile input.

import { expect } from 'chai';
import { parseMimeBuffer, structureOf, walk } from '../../../../policies/mime/parser.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('MIME parser', () => {
  const message = crlf([
    'From: a@b.vn',
    'Subject: =?UTF-8?B?UXV54bq/dA==?=',
    'Content-Type: multipart/mixed; boundary="XX"',
    '',
    'preamble',
    '--XX',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'S=E1=BB=91 k=C3=BD hi=E1=BB=87u: 05/Q=C4=90-UBND=',
    'x',
    '--XX',
    'Content-Type: application/pdf; name="a.pdf"',
    "Content-Disposition: attachment; filename*=utf-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf",
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQK',
    'JSVFT0YK',
    '--XX',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    'Content-Type: multipart/alternative; boundary=YY',
    '',
    '--YY',
    '',
    'plain',
    '--YY--',
    '--XX--',
    'epilogue',
    '',
  ]);

  it('records offsets where the CRLF before a boundary belongs to the delimiter', async () => {
    const r = await parseMimeBuffer(message);
    expect(r.problems).to.deep.equal([]);
    const [text, pdf, rfc822] = r.root.children;
    expect(message.subarray(text.bodyStart, text.bodyEnd).toString()).to.equal('S=E1=BB=91 k=C3=BD hi=E1=BB=87u: 05/Q=C4=90-UBND=\r\nx');
    expect(message.subarray(pdf.headerStart, pdf.bodyEnd).toString()).to.match(/^Content-Type: application\/pdf.*JSVFT0YK$/s);
    expect(message.subarray(rfc822.bodyStart, rfc822.bodyEnd).toString()).to.equal(
      'Subject: inner\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n--YY\r\n\r\nplain\r\n--YY--',
    );
    expect(rfc822.message?.children[0].path).to.equal('3.1');
    expect(r.root.bodyEnd).to.equal(message.length);
  });

  it('decodes quoted-printable, base64 and RFC 2231 file names', async () => {
    const r = await parseMimeBuffer(message);
    const [text, pdf] = r.root.children;
    expect((await text.content!.buffer()).toString('utf8')).to.equal('Số ký hiệu: 05/QĐ-UBNDx');
    expect((await pdf.content!.buffer()).toString('latin1')).to.equal('%PDF-1.4\n%%EOF\n');
    expect(pdf.filename).to.equal('Quyết định.pdf');
    expect(pdf.decodedSize).to.equal(15);
    expect((JSON.parse(JSON.stringify(structureOf(r.root))) as { children: { filename: string }[] }).children[1].filename).to.equal('Quyết định.pdf');
  });

  it('reports an unterminated multipart, a missing boundary and invalid base64', async () => {
    const unterminated = await parseMimeBuffer(crlf(['Content-Type: multipart/mixed; boundary=Z', '', '--Z', '', 'text', '']));
    expect(unterminated.problems.map((p) => p.kind)).to.include('unterminated-multipart');
    const noBoundary = await parseMimeBuffer(crlf(['Content-Type: multipart/mixed', '', 'x', '']));
    expect(noBoundary.problems.map((p) => p.kind)).to.include('missing-boundary');
    const badBase64 = await parseMimeBuffer(crlf(['Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', '', 'JVBER!!i0xLjQK', '']));
    expect(badBase64.problems.map((p) => p.kind)).to.include('invalid-base64');
  });

  it('accepts trailing white space on base64 lines and flags spaces inside, foreign bytes and data after padding', async () => {
    const decode = async (body: string) => {
      const r = await parseMimeBuffer(Buffer.from(`Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`));
      return { problems: r.problems.map((p) => p.kind), text: (await r.root.content!.buffer()).toString('latin1') };
    };
    expect(await decode('JVBERi0xLjQK  \r\nJSVFT0YK\t')).to.deep.equal({ problems: [], text: '%PDF-1.4\n%%EOF\n' });
    expect((await decode('JVBE Ri0xLjQK\r\nJSVFT0YK')).problems).to.deep.equal(['invalid-base64']);
    expect((await decode('JVBER!i0xLjQK')).problems).to.deep.equal(['invalid-base64']);
    expect((await decode('QQ==\r\nQUI=')).problems).to.deep.equal(['invalid-base64']);
    // A quantum split across lines of any length decodes the same.
    expect((await decode('JVB\r\nERi0xLj\r\nQKJSVFT0YK')).text).to.equal('%PDF-1.4\n%%EOF\n');
  });

  it('bounds nesting depth and part count on hostile input', async () => {
    const depth = 200;
    const lines: string[] = [];
    for (let i = 0; i < depth; i++) lines.push(`Content-Type: multipart/mixed; boundary=b${i}`, '', `--b${i}`);
    lines.push('', 'leaf');
    for (let i = depth - 1; i >= 0; i--) lines.push(`--b${i}--`);
    const deep = await parseMimeBuffer(crlf(lines), { maxDepth: 20 });
    expect(deep.problems.map((p) => p.kind)).to.include('nesting-too-deep');
    expect([...walk(deep.root)].length).to.be.at.most(22);

    const many = ['Content-Type: multipart/mixed; boundary=m', ''];
    for (let i = 0; i < 5000; i++) many.push('--m', '', `part ${i}`);
    many.push('--m--', '');
    const wide = await parseMimeBuffer(crlf(many), { maxParts: 100 });
    expect(wide.problems.map((p) => p.kind)).to.include('too-many-parts');
    expect(wide.root.children.length).to.be.at.most(100);
  });

  it('handles a 10 MB single line without a line break in bounded pieces', async () => {
    const big = Buffer.concat([Buffer.from('Content-Type: text/plain\r\n\r\n'), Buffer.alloc(10 * 1024 * 1024, 0x61)]);
    const r = await parseMimeBuffer(big, { memoryLimit: 64 * 1024, tempDir: '/tmp' });
    expect(r.root.decodedSize).to.equal(10 * 1024 * 1024);
    expect(r.root.content?.filePath).to.be.a('string');
    expect(r.problems.map((p) => p.kind)).to.include('body-line-too-long');
    await r.dispose();
  });

  it('never throws on random bytes', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = [
      '--a',
      '--a--',
      '\r\n',
      '\n',
      'Content-Type: multipart/mixed; boundary=a',
      'Content-Transfer-Encoding: base64',
      ':',
      ' ',
      '\0',
      '=?',
      '==',
      'x',
    ];
    for (let i = 0; i < 300; i++) {
      let text = '';
      const n = Math.floor(random() * 60);
      for (let j = 0; j < n; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      const r = await parseMimeBuffer(Buffer.from(text, 'latin1'));
      expect(r.size).to.equal(Buffer.byteLength(text, 'latin1'));
    }
  });
});
