// Over SMTP, messages as Thunderbird and Outlook send them by default: format=flowed plain text (with
// DelSp=yes and space-stuffing), HTML-only bodies, and multipart/alternative. The register must hold
// every form line whole, exactly as typed.

import { expect } from 'chai';
import type { TestGateway } from '../helpers/gateway.js';
import { expectAccepted, registered, startPolicyGateway, submit } from '../helpers/policy-e2e.js';
import { clientMessage, encodeFlowed, utf8Subject } from '../helpers/client-mail.js';
import { fixture } from '../helpers/policy.js';

const SUMMARY = 'V/v ban hành Quy chế quản lý, vận hành và khai thác hệ thống quản lý văn bản và điều hành của Ủy ban nhân dân tỉnh Hà Tĩnh năm 2026';
const SIGNER = 'Nguyễn Văn An, Phó Chủ tịch Ủy ban nhân dân tỉnh phụ trách khối văn hóa - xã hội và giáo dục';

const formText = (number: string) =>
  [
    `Số ký hiệu: ${number}`,
    'Ngày ký: 21/11/2026',
    `Người ký: ${SIGNER}`,
    'Loại văn bản: Quyết định',
    `Trích yếu: ${SUMMARY}`,
    '',
    'Kính gửi: Sở Nội vụ.',
    '',
    '-- ',
    'Văn thư UBND tỉnh',
  ].join('\n');

async function expectRegistered(tg: TestGateway, raw: Buffer, messageId: string, number: string) {
  const result = { ...(await submit(tg, raw)), messageId };
  await expectAccepted(tg, result);
  const doc = (await registered(tg, messageId))!.doc;
  expect({
    documentNumber: doc.documentNumber,
    signer: doc.signer,
    summary: doc.summary,
    documentType: doc.documentType,
    signedDate: doc.signedDate,
  }).to.deep.equal({
    documentNumber: number,
    signer: SIGNER,
    summary: SUMMARY,
    documentType: 'Quyết định',
    signedDate: '2026-11-21',
  });
}

describe('messages as mail clients send them (SMTP)', function () {
  this.timeout(30_000);
  let tg: TestGateway;
  before(async () => {
    tg = await startPolicyGateway();
  });
  after(async () => tg?.stop());

  it('format=flowed (Thunderbird): soft-wrapped Trích yếu and Người ký are kept whole', async () => {
    const flowed = encodeFlowed(formText('11/QĐ-UBND'));
    expect(SUMMARY.length).to.be.greaterThan(120);
    expect(flowed.split('\r\n').filter((l) => l.endsWith(' ')).length, 'soft breaks in the body').to.be.greaterThan(2);
    const id = '<flowed.1@ubnd.hatinh.gov.vn>';
    await expectRegistered(
      tg,
      clientMessage({
        messageId: id,
        subject: utf8Subject('V/v ban hành Quy chế'),
        body: { contentType: 'text/plain; charset=UTF-8; format=flowed', body: Buffer.from(flowed) },
      }),
      id,
      '11/QĐ-UBND',
    );
  });

  it('format=flowed; DelSp=yes, quoted-printable, wrapped inside words', async () => {
    const flowed = encodeFlowed(formText('12/QĐ-UBND'), { delSp: true, width: 40 });
    const id = '<flowed.2@ubnd.hatinh.gov.vn>';
    await expectRegistered(
      tg,
      clientMessage({
        messageId: id,
        subject: utf8Subject('V/v ban hành Quy chế'),
        body: { contentType: 'text/plain; charset="utf-8"; format="flowed"; delsp="yes"', transferEncoding: 'quoted-printable', body: Buffer.from(flowed) },
      }),
      id,
      '12/QĐ-UBND',
    );
  });

  it('format=flowed with a space-stuffed continuation line ("From ..." after a soft break)', async () => {
    const summary = 'V/v góp ý dự thảo From the ministry ' + 'x'.repeat(10);
    const text = `Số ký hiệu: 13/QĐ-UBND\nNgày ký: 21/11/2026\nNgười ký: ${SIGNER}\nLoại văn bản: Quyết định\nTrích yếu: ${summary}`;
    // The soft break falls just before "From", so the continuation line is space-stuffed.
    const summaryLine = `Trích yếu: ${summary}`;
    const flowed = encodeFlowed(text, { width: [...summaryLine].indexOf('F') + 2 });
    expect(flowed).to.contain('\r\n From the');
    const id = '<flowed.3@ubnd.hatinh.gov.vn>';
    const result = {
      ...(await submit(
        tg,
        clientMessage({ messageId: id, subject: 'V/v gop y', body: { contentType: 'text/plain; charset=UTF-8; format=flowed', body: Buffer.from(flowed) } }),
      )),
      messageId: id,
    };
    await expectAccepted(tg, result);
    expect((await registered(tg, id))!.doc.summary).to.equal(summary);
  });

  it('HTML only (Outlook): form lines read from <p>, <div> and <br>, entities decoded, style/script ignored', async () => {
    const html = [
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p { margin: 0 } /* Số ký hiệu: 99/XX */</style></head>',
      '<body><div class="WordSection1">',
      '<p class="MsoNormal">Số ký hiệu:&nbsp;14/QĐ-UBND<o:p></o:p></p>',
      '<p class="MsoNormal">Ng&agrave;y k&yacute;: 21/11/2026</p>',
      `<div>Người ký: <b>${SIGNER.replace(' - ', ' &#45; ')}</b></div>`,
      '<span>Loại văn bản: Quyết định</span><br>',
      `Trích yếu: ${SUMMARY.replace(' và khai thác', '\r\n và khai thác')}<br/>`,
      '<script>document.write("Số ký hiệu: 98/XX")</script>',
      '<p>Kính gửi: Sở Nội vụ.</p></div></body></html>',
    ].join('\r\n');
    const id = '<html.1@ubnd.hatinh.gov.vn>';
    await expectRegistered(
      tg,
      clientMessage({
        messageId: id,
        subject: utf8Subject('V/v ban hành Quy chế'),
        body: { contentType: 'text/html; charset="utf-8"', transferEncoding: 'quoted-printable', body: Buffer.from(html) },
      }),
      id,
      '14/QĐ-UBND',
    );
  });

  it('multipart/alternative with both: text/plain wins over text/html', async () => {
    const plain = { contentType: 'text/plain; charset=UTF-8; format=flowed', body: Buffer.from(encodeFlowed(formText('15/QĐ-UBND'))) };
    const html = { contentType: 'text/html; charset=UTF-8', body: Buffer.from(`<p>Số ký hiệu: 16/QĐ-UBND</p><p>Trích yếu: khác</p>`) };
    const id = '<alt.1@ubnd.hatinh.gov.vn>';
    await expectRegistered(tg, clientMessage({ messageId: id, subject: utf8Subject('V/v ban hành Quy chế'), body: [plain, html] }), id, '15/QĐ-UBND');
  });
});

describe('the register records the Office type, not application/zip (SMTP)', function () {
  this.timeout(30_000);
  let tg: TestGateway;
  before(async () => {
    tg = await startPolicyGateway();
  });
  after(async () => tg?.stop());

  for (const [file, type] of [
    ['qd-05.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['bang-ke.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['qd-05.doc', 'application/msword'],
    ['bang-ke.xls', 'application/vnd.ms-excel'],
  ] as const) {
    it(`${file} → ${type}`, async () => {
      const extension = file.slice(file.lastIndexOf('.'));
      const result = await submit(tg, {
        attachments: [
          { filename: 'qd.pdf', content: fixture('qd-05.pdf') },
          { filename: `Phụ lục${extension}`, content: fixture(file) },
        ],
      });
      await expectAccepted(tg, result);
      const r = await registered(tg, result.messageId);
      const files = await tg.gateway.storage.register.filesOf(r!.doc.id);
      expect(files.map((f) => [f.role, f.detectedType])).to.deep.equal([
        ['main', 'application/pdf'],
        ['attachment', type],
      ]);
    });
  }
});
