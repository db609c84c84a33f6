// Over SMTP with the sample policy: Vietnamese typed with TCVN3 (ABC, .VnTime) and VNI (VNI-Times)
// keyboards and fonts, labelled windows-1252 or iso-8859-1, in the Subject (RFC 2047 Q and B), the body
// (quoted-printable, base64, 8bit) and DOCX runs, is returned as [legacy-encoding] with the decoded
// text in the register's verdict; French and English text in the same labels is accepted.

import { expect } from 'chai';
import iconv from 'iconv-lite';
import type { TestGateway } from '../helpers/gateway.js';
import { clientMessage, utf8Subject, type BodyPart } from '../helpers/client-mail.js';
import { makeDocx } from '../helpers/documents.js';
import { legacyBytes, misread, type Label, type Legacy } from '../helpers/legacy-text.js';
import { expectAccepted, expectReturned, registered, startPolicyGateway, submit, type SubmitResult } from '../helpers/policy-e2e.js';

const FORM = (n: number) => [
  `Số ký hiệu: ${n}/QĐ-UBND`,
  'Ngày ký: 21/11/2026',
  'Người ký: Nguyễn Văn An',
  'Loại văn bản: Quyết định',
  'Trích yếu: V/v triển khai văn bản điện tử',
];
const BODY = 'Kính gửi các sở, ban, ngành cấp tỉnh.\nĐề nghị các cơ quan, đơn vị triển khai thực hiện nghiêm túc và báo cáo kết quả.';
const SUBJECT = 'V/v triển khai văn bản điện tử';

/** RFC 2047 Q encoding of bytes under a charset label. */
function qWord(bytes: Buffer, label: string): string {
  return `=?${label}?Q?${[...bytes].map((b) => (b === 0x20 ? '_' : /[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}?=`;
}

let counter = 0;
const nextId = () => `<legacy.${process.pid}.${++counter}@ubnd.hatinh.gov.vn>`;

async function send(tg: TestGateway, subject: string, body: BodyPart): Promise<SubmitResult> {
  const messageId = nextId();
  return { ...(await submit(tg, clientMessage({ messageId, subject, body }))), messageId };
}

async function expectLegacy(tg: TestGateway, result: SubmitResult, encoding: Legacy, preview: string) {
  await expectReturned(tg, result, 'legacy-encoding');
  const verdict: unknown = JSON.parse((await registered(tg, result.messageId))!.doc.verdict);
  expect(JSON.stringify(verdict), 'verdict details').to.contain(`"encoding":"${encoding}"`);
  expect(JSON.stringify(verdict), 'decoded preview in the register').to.contain(JSON.stringify(preview).slice(1, -1));
}

describe('legacy Vietnamese encodings over SMTP', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  before(async () => {
    tg = await startPolicyGateway();
  });
  after(async () => tg?.stop());

  const cases: [Legacy, Label, 'quoted-printable' | 'base64' | '8bit'][] = [
    ['tcvn3', 'windows-1252', 'quoted-printable'],
    ['tcvn3', 'iso-8859-1', 'base64'],
    ['vni', 'windows-1252', 'base64'],
    ['vni', 'iso-8859-1', 'quoted-printable'],
    ['vni', 'windows-1252', '8bit'],
  ];
  for (const [encoding, label, cte] of cases) {
    it(`body typed in ${encoding}, labelled ${label}, ${cte}: [legacy-encoding], not metadata-invalid`, async () => {
      const text = [...FORM(200 + counter), '', BODY].join('\n');
      const bytes = legacyBytes(text.replace(/\n/g, '\r\n'), encoding);
      const result = await send(tg, utf8Subject(SUBJECT), { contentType: `text/plain; charset=${label}`, transferEncoding: cte, body: bytes });
      await expectLegacy(tg, result, encoding, 'Số ký hiệu');
    });
  }

  for (const [encoding, label, form] of [
    ['tcvn3', 'windows-1252', 'Q'],
    ['vni', 'windows-1252', 'Q'],
    ['tcvn3', 'iso-8859-1', 'B'],
    ['vni', 'iso-8859-1', 'B'],
  ] as const) {
    it(`Subject typed in ${encoding} as =?${label}?${form}?…?= with a Unicode body: [legacy-encoding]`, async () => {
      const bytes = legacyBytes(SUBJECT, encoding);
      const subject = form === 'Q' ? qWord(bytes, label) : `=?${label}?B?${bytes.toString('base64')}?=`;
      const body = Buffer.from([...FORM(300 + counter), '', BODY].join('\r\n'));
      const result = await send(tg, subject, { contentType: 'text/plain; charset=UTF-8; format=flowed', body });
      await expectLegacy(tg, result, encoding, SUBJECT);
    });
  }

  for (const [encoding, font] of [
    ['tcvn3', '.VnTime'],
    ['vni', 'VNI-Times'],
    ['tcvn3', 'Times New Roman'],
    ['vni', 'Arial'],
  ] as const) {
    it(`DOCX with runs typed in ${encoding}, font ${font}: [legacy-encoding] with the decoded text`, async () => {
      const paragraphs = ['Ủy ban nhân dân tỉnh Hà Tĩnh', 'Quyết định về việc triển khai văn bản điện tử', 'Kính gửi các sở, ban, ngành cấp tỉnh'];
      // Word keeps legacy-font text as the Windows-1252 characters of its bytes.
      const docx = await makeDocx(
        paragraphs.map((p) => misread(p, encoding, 'windows-1252')),
        font,
      );
      const messageId = nextId();
      const result = { ...(await submit(tg, { messageId, attachments: [{ filename: 'Quyết định.docx', content: docx }] })), messageId };
      await expectLegacy(tg, result, encoding, 'Quyết định về việc triển khai văn bản điện tử');
    });
  }

  it('French in windows-1252 quoted-printable and English in iso-8859-1 base64 are accepted', async () => {
    const form = ['So ky hieu: 401/UBND-VX', 'Ngay ky: 21/11/2026', 'Nguoi ky: Nguyen Van An', 'Loai van ban: Cong van', 'Trich yeu: V/v hop tac quoc te'];
    const french = [
      ...form,
      '',
      "Madame, Monsieur, à la suite de notre réunion de l'été dernier à Hà Tĩnh, je vous prie de trouver ci-joint le décret signé ; coût : 120 €.",
      "Veuillez agréer l'expression de mes salutations distinguées.",
    ].join('\r\n');
    await expectAccepted(
      tg,
      await send(tg, 'V/v hop tac quoc te', {
        contentType: 'text/plain; charset=windows-1252',
        transferEncoding: 'quoted-printable',
        body: iconv.encode(french, 'windows-1252'),
      }),
    );
    const english = [
      ...form.map((l) => l.replace('401/', '402/')),
      '',
      'Dear colleagues, please find attached the "digital transformation" report. Best regards, naïve café façade.',
    ].join('\r\n');
    await expectAccepted(
      tg,
      await send(tg, `=?iso-8859-1?Q?${'R=E9sum=E9_of_the_meeting'}?=`, {
        contentType: 'text/plain; charset=iso-8859-1',
        transferEncoding: 'base64',
        body: iconv.encode(english, 'iso-8859-1'),
      }),
    );
  });
});
