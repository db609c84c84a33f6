// Confidentiality marks: both sides of the rule in policies/text/confidentiality.ts, on the form line,
// the Subject, the body and the main DOCX (LibreOffice-made) text.

import { expect } from 'chai';
import { confidentialityCheck } from '../../../policies/checks/confidentiality.js';
import { markInFormValue, markInSubject, markInText } from '../../../policies/text/confidentiality.js';
import { codes, composeMessage, fixture, FORM_LINES, runCheck } from '../../helpers/policy.js';

describe('confidentiality check', function () {
  it('form line Độ mật values', () => {
    for (const v of ['Mật', 'MẬT', 'mat', 'Tối mật', 'TOI MAT', 'Tuyệt mật', ' tuyệt  mật. ']) expect(markInFormValue(v), v).to.not.equal(null);
    for (const v of ['Thường', 'Không', 'Không mật', 'Mất', 'Mật khẩu', '']) expect(markInFormValue(v), v).to.equal(null);
  });
  it('Subject: marks as marks, not words in a sentence', () => {
    const marked = [
      'MẬT - V/v phương án',
      'Mật: V/v',
      '[Tối mật] Báo cáo',
      '(TUYỆT MẬT) Kế hoạch',
      'V/v kế hoạch (Mật)',
      'MAT - V/v',
      'Độ mật: Tối mật - V/v',
      'Tuyệt mật',
    ];
    const ordinary = [
      'V/v cấp mật khẩu tài khoản',
      'V/v bảo vệ bí mật nhà nước',
      'Bảo mật thông tin',
      'Mất điện khu vực',
      'Mật khẩu: đổi định kỳ',
      'V/v giữ bí mật',
      'Mắt kính',
    ];
    for (const s of marked) expect(markInSubject(s), s).to.not.equal(null);
    for (const s of ordinary) expect(markInSubject(s), s).to.equal(null);
  });
  it('text: a line that is only the mark, or Độ mật: …', () => {
    expect(markInText('ỦY BAN\nMẬT\nSố: 05/QĐ-UBND')).to.deep.include({ mark: 'Mật' });
    expect(markInText('Độ mật: Tuyệt mật')).to.deep.include({ mark: 'Tuyệt mật' });
    expect(markInText('Cán bộ giữ bí mật mật khẩu.\nMật khẩu không chia sẻ.\nbảo mật')).to.equal(null);
  });
  it('a message marked by its form line, Subject, body or DOCX is confidential-document', async () => {
    const docx = { filename: 'qd.docx', content: fixture('qd-05.docx') };
    const cases = [
      { text: [...FORM_LINES, 'Độ mật: Mật'].join('\n'), attachments: [docx] },
      { subject: 'TỐI MẬT - V/v phương án', attachments: [docx] },
      { text: [...FORM_LINES, '', 'MẬT', '', 'Kính gửi'].join('\n'), attachments: [docx] },
      { attachments: [{ filename: 'qd.docx', content: fixture('mat.docx') }] },
    ];
    for (const c of cases)
      expect(codes(await runCheck(confidentialityCheck, await composeMessage(c))), JSON.stringify(c.subject ?? c.text ?? 'docx')).to.deep.equal([
        'confidential-document',
      ]);
  });
  it('a DOCX mentioning "bí mật mật khẩu" in a sentence and a "mật khẩu" Subject pass', async () => {
    const message = await composeMessage({ subject: 'V/v cấp lại mật khẩu', attachments: [{ filename: 'qd.docx', content: fixture('qd-05.docx') }] });
    expect(codes(await runCheck(confidentialityCheck, message))).to.deep.equal([]);
  });
  it('documentText: false ignores the DOCX', async () => {
    const message = await composeMessage({ attachments: [{ filename: 'qd.docx', content: fixture('mat.docx') }] });
    expect(codes(await runCheck(confidentialityCheck, message, { documentText: false }))).to.deep.equal([]);
  });
});
