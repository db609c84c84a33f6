// Differential test: our streaming MIME parser against mailparser, an independent implementation.
// For generated messages (nested multiparts, base64 / quoted-printable / 8bit parts, RFC 2231 and
// RFC 2047 Vietnamese file names) both must find the same leaf parts with the same file names,
// content types and decoded bytes. Where we deliberately differ, the case below names the rule.

import { expect } from 'chai';
import fc from 'fast-check';
import { lookup } from 'mime-types';
import { simpleParser, type Attachment } from 'mailparser';
import { parseMimeBuffer, walk, type MimeNode } from '../../../../policies/mime/parser.js';

const OCTET = 'application/octet-stream';

interface LeafSpec {
  type: string;
  filename: string | null;
  nameStyle: 'plain' | 'rfc2231' | 'rfc2047';
  encoding: 'base64' | 'quoted-printable' | '8bit' | '7bit';
  bytes: Buffer;
}
type PartSpec = { kind: 'leaf'; leaf: LeafSpec } | { kind: 'multi'; subtype: 'mixed' | 'alternative' | 'related'; parts: PartSpec[] };

const NAMES = ['qd-05.pdf', 'Quyết định số 05.pdf', 'Công văn — khẩn.docx', 'bảng kê (1).xlsx', 'tờ trình.odt', 'a b.txt'];
const TYPES = ['application/pdf', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'image/png'];
const TEXTS = ['Số ký hiệu: 05/QĐ-UBND', 'Trích yếu: Về việc ban hành quy chế', 'plain ascii line', 'dòng = có dấu bằng', ''];

const textLeaf = fc.record({
  type: fc.constant('text/plain'),
  filename: fc.constant(null),
  nameStyle: fc.constant('plain' as const),
  encoding: fc.constantFrom('base64' as const, 'quoted-printable' as const, '8bit' as const),
  bytes: fc.array(fc.constantFrom(...TEXTS), { minLength: 1, maxLength: 4 }).map((lines) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')),
});
const attachmentLeaf = fc.record({
  type: fc.constantFrom(...TYPES),
  filename: fc.constantFrom(...NAMES),
  nameStyle: fc.constantFrom('plain' as const, 'rfc2231' as const, 'rfc2047' as const),
  encoding: fc.constant('base64' as const),
  bytes: fc.uint8Array({ minLength: 0, maxLength: 3000 }).map((a) => Buffer.from(a)),
});
const leaf = fc.oneof(textLeaf, attachmentLeaf).map((l): PartSpec => ({ kind: 'leaf', leaf: l }));
const { part } = fc.letrec<{ part: PartSpec }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({
      kind: fc.constant('multi' as const),
      subtype: fc.constantFrom('mixed' as const, 'alternative' as const, 'related' as const),
      parts: fc.array(tie('part'), { minLength: 1, maxLength: 4 }),
    }),
  ),
}));

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

function nameParams(l: LeafSpec): { ct: string; cd: string } {
  if (!l.filename) return { ct: '', cd: '' };
  const name = l.filename.normalize('NFC');
  if (l.nameStyle === 'rfc2231' || (l.nameStyle === 'plain' && !isAscii(name))) {
    const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    return { ct: '', cd: `; filename*=utf-8''${encoded}` };
  }
  if (l.nameStyle === 'rfc2047') {
    const word = `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
    return { ct: `; name="${word}"`, cd: `; filename="${word}"` };
  }
  return { ct: `; name="${name}"`, cd: `; filename="${name}"` };
}

function encodeBody(l: LeafSpec): string {
  if (l.encoding === 'base64') return (l.bytes.toString('base64').match(/.{1,76}/g) ?? ['']).join('\r\n') + '\r\n';
  if (l.encoding === 'quoted-printable') {
    let out = '';
    for (const line of l.bytes.toString('binary').split('\r\n')) {
      // Soft line breaks never split an =XX escape (RFC 2045 6.7 rule 5: at most 76 characters).
      let current = '';
      const chunks: string[] = [];
      for (const ch of line) {
        const code = ch.charCodeAt(0);
        const token = code === 0x3d || code > 0x7e ? '=' + code.toString(16).toUpperCase().padStart(2, '0') : ch;
        if (current.length + token.length > 72) {
          chunks.push(current);
          current = '';
        }
        current += token;
      }
      chunks.push(current);
      out += chunks.join('=\r\n') + '\r\n';
    }
    // The final CRLF of the body belongs to the next boundary delimiter (RFC 2046 5.1.1).
    return out.slice(0, -2);
  }
  return l.bytes.toString('binary');
}

let boundaryCounter = 0;
function render(p: PartSpec): string {
  if (p.kind === 'leaf') {
    const l = p.leaf;
    const names = nameParams(l);
    const charset = l.type === 'text/plain' ? '; charset=utf-8' : '';
    const disposition = l.filename ? `Content-Disposition: attachment${names.cd}\r\n` : '';
    return `Content-Type: ${l.type}${charset}${names.ct}\r\n${disposition}Content-Transfer-Encoding: ${l.encoding}\r\n\r\n${encodeBody(l)}`;
  }
  const boundary = `=_b${++boundaryCounter}_x`;
  const body = p.parts.map((c) => `--${boundary}\r\n${render(c)}\r\n`).join('');
  return `Content-Type: multipart/${p.subtype}; boundary="${boundary}"\r\n\r\npreamble\r\n${body}--${boundary}--\r\n`;
}

function messageOf(root: PartSpec): Buffer {
  const head = 'From: vanthu@sotttt.hatinh.gov.vn\r\nTo: vanthu@ubnd.hatinh.gov.vn\r\nSubject: =?UTF-8?B?VHLDrWNoIHnhur91?=\r\nMIME-Version: 1.0\r\n';
  return Buffer.from(head + render(root), 'binary');
}

function leaves(node: MimeNode): MimeNode[] {
  return [...walk(node)].filter((n) => n.children.length === 0 && n.message === null && n.contentType.type !== 'multipart');
}

async function ours(raw: Buffer) {
  const parsed = await parseMimeBuffer(raw);
  try {
    const attachments: { filename: string | null; type: string; bytes: Buffer }[] = [];
    const texts: Buffer[] = [];
    for (const n of leaves(parsed.root)) {
      const bytes = n.content ? await n.content.buffer() : Buffer.alloc(0);
      if (n.filename !== null || n.contentType.type !== 'text') attachments.push({ filename: n.filename, type: n.contentType.value, bytes });
      else texts.push(bytes);
    }
    return { problems: parsed.problems, attachments, texts };
  } finally {
    await parsed.dispose();
  }
}

async function theirs(raw: Buffer) {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  return mail.attachments.map((a: Attachment) => ({ filename: a.filename ?? null, type: a.contentType, bytes: a.content }));
}

describe('MIME parser agrees with mailparser (differential)', () => {
  it('finds the same attachments, names, types and decoded bytes in generated messages', async function () {
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(part, async (root) => {
        const raw = messageOf(root);
        const a = await ours(raw);
        const b = await theirs(raw);
        expect(a.problems, 'a well-formed generated message has no problems').to.deep.equal([]);
        expect(a.attachments.map((x) => x.filename?.normalize('NFC') ?? null)).to.deep.equal(b.map((x) => x.filename?.normalize('NFC') ?? null));
        // mailparser replaces a declared application/octet-stream by a guess from the file name; we keep
        // the declared type (RFC 2045 5: the header is what the sender said) and compare it elsewhere.
        const theirTypes = b.map((x, i) => (a.attachments[i]?.type === 'application/octet-stream' ? 'application/octet-stream' : x.type));
        b.forEach((x, i) => {
          if (a.attachments[i]?.type === 'application/octet-stream') expect([OCTET, lookup(x.filename ?? '') || OCTET]).to.include(x.type);
        });
        expect(a.attachments.map((x) => x.type)).to.deep.equal(theirTypes);
        a.attachments.forEach((x, i) => expect(x.bytes.equals(b[i].bytes), `bytes of attachment ${i}`).to.equal(true));
      }),
      { numRuns: 150, seed: 20261201 },
    );
  });

  it('decodes text parts to the same bytes as the generator wrote', async function () {
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(part, async (root) => {
        const expected: Buffer[] = [];
        const collect = (p: PartSpec): void => {
          if (p.kind === 'multi') p.parts.forEach(collect);
          else if (!p.leaf.filename) expected.push(p.leaf.bytes);
        };
        collect(root);
        // Each body is followed by the CRLF that belongs to the boundary delimiter (RFC 2046 5.1.1),
        // so every encoding decodes to exactly the generated bytes.
        const a = await ours(messageOf(root));
        expect(a.texts.map((t) => t.toString('utf8'))).to.deep.equal(expected.map((t) => t.toString('utf8')));
      }),
      { numRuns: 100, seed: 20261202 },
    );
  });

  it('differs deliberately where mailparser guesses: an unterminated multipart is a problem for us (RFC 2046 5.1.1)', async () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n',
      'binary',
    );
    const a = await ours(raw);
    const b = await theirs(raw);
    expect(a.problems.map((p) => p.kind)).to.include('unterminated-multipart');
    // mailparser silently accepts the truncated message; the attachment it sees still matches ours.
    expect(b.map((x) => x.bytes.toString('base64'))).to.deep.equal(a.attachments.map((x) => x.bytes.toString('base64')));
  });
});
