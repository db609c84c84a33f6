// Over SMTP, with the sample config/policy.yaml: content, metadata and classification reason codes,
// each triggered and with a near miss accepted (NFD Subject, windows-1258 body, "mật khẩu" ...).
// Warnings are accepted with [warning:code], an X-Docgate-Warning header and the register flag.

import { expect } from 'chai';
import iconv from 'iconv-lite';
import type Mail from 'nodemailer/lib/mailer';
import type { TestGateway } from '../helpers/gateway.js';
import { expectAccepted, expectReturned, registered, startPolicyGateway, submit } from '../helpers/policy-e2e.js';
import { fixture, FORM_LINES, toWindows1258Form } from '../helpers/policy.js';

const pdf = (): Mail.Attachment => ({ filename: 'Quyết định.pdf', content: fixture('qd-05.pdf') });
const form = (number: string, replace: Record<string, string> = {}) =>
  FORM_LINES.map((l) => {
    const label = l.split(':')[0];
    return replace[label] !== undefined ? `${label}: ${replace[label]}` : l.replace('05/QĐ-UBND', number);
  }).join('\n');

function windows1258Message(messageId: string): Buffer {
  const body = iconv.encode(toWindows1258Form(`${form('61/QĐ-UBND')}\r\n\r\nKính gửi các cơ quan, đơn vị.\r\n`).replace(/\r?\n/g, '\r\n'), 'windows-1258');
  const boundary = 'b1258';
  return Buffer.concat([
    Buffer.from(
      [
        'From: =?utf-8?Q?V=C4=83n_th=C6=B0?= <vanthu@ubnd.hatinh.gov.vn>',
        'To: vanthu@snv.hatinh.gov.vn',
        `Message-ID: ${messageId}`,
        'Subject: =?utf-8?B?' + Buffer.from('V/v triển khai').toString('base64') + '?=',
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=windows-1258',
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    ),
    body,
    Buffer.from(
      `\r\n--${boundary}\r\nContent-Type: application/pdf; name="qd.pdf"\r\nContent-Disposition: attachment; filename="qd.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${fixture('qd-05.pdf').toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--${boundary}--\r\n`,
      'latin1',
    ),
  ]);
}

/** A form in a quoted-printable text part, the value of form line `field` written as given (already QP). */
function quotedPrintableForm(messageId: string, value: string, field = 0): Buffer {
  const qp = (text: string) =>
    [...Buffer.from(text, 'utf8')]
      .map((b) => (b >= 0x21 && b <= 0x7e && b !== 0x3d ? String.fromCharCode(b) : b === 0x20 ? ' ' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`))
      .join('');
  const lines = FORM_LINES.map((l, i) => (i === field ? `${qp(l.slice(0, l.indexOf(':') + 2))}${value}` : qp(l.replace('05/', '67/'))));
  const boundary = 'bqp';
  return Buffer.from(
    [
      'From: vanthu@ubnd.hatinh.gov.vn',
      'To: vanthu@snv.hatinh.gov.vn',
      `Message-ID: ${messageId}`,
      'Subject: V/v trien khai',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      ...lines,
      `--${boundary}`,
      'Content-Type: application/pdf; name="qd.pdf"',
      'Content-Disposition: attachment; filename="qd.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      fixture('qd-05.pdf').toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

describe('policy over SMTP: content, metadata, classification', function () {
  this.timeout(20_000);
  let tg: TestGateway;
  before(async () => {
    tg = await startPolicyGateway();
  });
  after(async () => tg?.stop());

  it('confidential-document: "MẬT - V/v" Subject / "V/v cấp lại mật khẩu"', async () => {
    await expectReturned(tg, await submit(tg, { subject: 'MẬT - V/v phương án bảo vệ', attachments: [pdf()] }), 'confidential-document');
    await expectAccepted(tg, await submit(tg, { subject: 'V/v cấp lại mật khẩu tài khoản', attachments: [pdf()] }));
  });

  it('legacy-encoding: DOCX in .VnTime / windows-1258 body declared correctly', async () => {
    await expectReturned(
      tg,
      await submit(tg, { text: form('60/QĐ-UBND'), attachments: [{ filename: 'Quyết định.docx', content: fixture('tcvn3-font.docx') }] }),
      'legacy-encoding',
    );
    const id = '<w1258@ubnd.hatinh.gov.vn>';
    await expectAccepted(tg, { ...(await submit(tg, windows1258Message(id))), messageId: id });
  });

  it('metadata-invalid: 30/02 signing date / NFD Subject and form lines', async () => {
    await expectReturned(tg, await submit(tg, { text: form('62/QĐ-UBND', { 'Ngày ký': '30/02/2026' }), attachments: [pdf()] }), 'metadata-invalid');
    const nfd = await submit(tg, {
      subject: 'V/v triển khai văn bản điện tử'.normalize('NFD'),
      text: form('63/QĐ-UBND').normalize('NFD'),
      attachments: [pdf()],
    });
    await expectAccepted(tg, nfd);
    expect((await registered(tg, nfd.messageId))!.doc.documentNumber).to.equal('63/QĐ-UBND');
  });

  it('metadata-invalid: a NUL (QP =00) or another control character in a form line, never a failed duplicate query', async () => {
    await expectReturned(tg, await submit(tg, quotedPrintableForm('<qp-nul@ubnd.hatinh.gov.vn>', '=00')), 'metadata-invalid');
    await expectReturned(tg, await submit(tg, quotedPrintableForm('<qp-nul2@ubnd.hatinh.gov.vn>', "65/Q=C4=90-'UBND=00")), 'metadata-invalid');
    // Người ký has no shape rule: only the control-character rule refuses these.
    await expectReturned(tg, await submit(tg, quotedPrintableForm('<qp-signer@ubnd.hatinh.gov.vn>', 'Nguy=E1=BB=85n V=C4=83n An=00', 2)), 'metadata-invalid');
    await expectReturned(tg, await submit(tg, quotedPrintableForm('<qp-esc@ubnd.hatinh.gov.vn>', 'V/v tri=E1=BB=83n khai =1B[31m', 4)), 'metadata-invalid');
  });

  it('metadata-invalid: DOCX "Số:" line differs / DOCX agrees', async () => {
    const docx = { filename: 'Quyết định.docx', content: fixture('qd-05.docx') };
    await expectReturned(tg, await submit(tg, { text: form('64/QĐ-UBND'), attachments: [docx] }), 'metadata-invalid');
    await expectAccepted(tg, await submit(tg, { text: form('05/QĐ-UBND'), attachments: [docx] }));
  });

  it('duplicate: same Message-ID again, same số ký hiệu again / next number', async () => {
    const first = await submit(tg, { text: form('70/QĐ-UBND'), attachments: [pdf()] });
    await expectAccepted(tg, first);
    const again = await submit(tg, { messageId: first.messageId, text: form('71/QĐ-UBND'), attachments: [pdf()] });
    expect(again.response).to.match(/^550 5\.7\.1 \[duplicate\] /);
    await expectReturned(tg, await submit(tg, { text: form('70/QĐ-UBND'), attachments: [pdf()] }), 'duplicate');
    await expectAccepted(tg, await submit(tg, { text: form('72/QĐ-UBND'), attachments: [pdf()] }));
  });

  it('paper-copy-required: a warning, a header and the register flag / an ordinary công văn', async () => {
    const warned = await submit(tg, { text: form('80/QĐ-UBND', { 'Trích yếu': 'V/v nâng lương trước thời hạn năm 2026' }), attachments: [pdf()] });
    await expectAccepted(tg, warned, ['paper-copy-required']);
    const r = await registered(tg, warned.messageId);
    expect(r!.doc.paperCopyRequired).to.equal(true);
    const message = await tg.gateway.storage.db.models.Message.findByPk(r!.doc.messageRowId!);
    expect(message!.get('prefix')).to.contain('X-Docgate-Warning: paper-copy-required\r\n');
    const plain = await submit(tg, { text: form('81/QĐ-UBND', { 'Trích yếu': 'V/v tổ chức hội nghị trực tuyến' }), attachments: [pdf()] });
    await expectAccepted(tg, plain);
    expect((await registered(tg, plain.messageId))!.doc.paperCopyRequired).to.equal(false);
  });

  it('late-sending: signed the day before / signed today', async () => {
    await expectAccepted(tg, await submit(tg, { text: form('90/QĐ-UBND', { 'Ngày ký': '20/11/2026' }), attachments: [pdf()] }), ['late-sending']);
    await expectAccepted(tg, await submit(tg, { text: form('91/QĐ-UBND', { 'Ngày ký': '21/11/2026' }), attachments: [pdf()] }));
  });
});
