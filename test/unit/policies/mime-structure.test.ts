// malformed-mime from the parser's problems and the one-From rule, on hand-written hostile messages.

import { expect } from 'chai';
import { mimeStructureCheck } from '../../../policies/checks/mime-structure.js';
import { composeRaw, messageFrom, runCheck } from '../../helpers/policy.js';
import { parseMimeBuffer } from '../../../policies/mime/parser.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');
const HEAD = ['From: vanthu@ubnd.hatinh.gov.vn', 'To: vanthu@snv.hatinh.gov.vn', 'Subject: test', 'MIME-Version: 1.0'];

async function problems(raw: Buffer, options: unknown = {}) {
  const report = await runCheck(mimeStructureCheck, await messageFrom(raw), options);
  return report.findings.map((f) => [f.code, (f.details as { kind?: string }).kind ?? 'from']);
}

describe('mime-structure check', function () {
  it('a nodemailer message with a Vietnamese attachment is well-formed', async () => {
    const raw = await composeRaw({ attachments: [{ filename: 'Báo cáo.pdf', content: Buffer.from('%PDF-1.4') }] });
    expect(await problems(raw)).to.deep.equal([]);
  });
  it('missing From and duplicate From', async () => {
    expect(await problems(crlf([...HEAD.slice(1), '', 'x']))).to.deep.equal([['malformed-mime', 'from']]);
    expect(await problems(crlf([HEAD[0], ...HEAD, '', 'x']))).to.deep.equal([['malformed-mime', 'from']]);
  });
  it('multipart without boundary, unterminated multipart, invalid base64', async () => {
    expect((await problems(crlf([...HEAD, 'Content-Type: multipart/mixed', '', 'x']))).map((p) => p[1])).to.include('missing-boundary');
    const unterminated = crlf([...HEAD, 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'x']);
    expect((await problems(unterminated)).map((p) => p[1])).to.include('unterminated-multipart');
    const base64 = crlf([
      ...HEAD,
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: application/pdf; name="a.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      '!!!not*base64###',
      '--b--',
      '',
    ]);
    expect((await problems(base64)).map((p) => p[1])).to.include('invalid-base64');
  });
  it('header line over 998 characters, absurd nesting', async () => {
    expect((await problems(crlf([...HEAD, `X-Long: ${'a'.repeat(1200)}`, '', 'x']))).map((p) => p[1])).to.include('header-line-too-long');
    const depth = 40;
    const lines = [...HEAD];
    for (let i = 0; i < depth; i++) lines.push(`Content-Type: multipart/mixed; boundary="b${i}"`, '', `--b${i}`);
    lines.push('Content-Type: text/plain', '', 'x');
    for (let i = depth - 1; i >= 0; i--) lines.push(`--b${i}--`);
    expect((await problems(crlf(lines))).map((p) => p[1])).to.include('nesting-too-deep');
  });
  it('counts the problems of the entity inside an opaque signature', async () => {
    const message = await messageFrom(crlf([...HEAD, '', 'x']));
    message.unwrapped = await parseMimeBuffer(crlf(['Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'x', '']));
    const report = await runCheck(mimeStructureCheck, message, {});
    expect(report.findings.map((f) => [f.code, (f.details as { kind: string; part: string }).kind, (f.details as { part: string }).part])).to.deep.equal([
      ['malformed-mime', 'unterminated-multipart', 'p7m:'],
    ]);
  });

  it('options narrow the problems that count', async () => {
    const raw = crlf([...HEAD, `X-Long: ${'a'.repeat(1200)}`, '', 'x']);
    expect(await problems(raw, { problems: ['nul-byte'] })).to.deep.equal([]);
  });
});
