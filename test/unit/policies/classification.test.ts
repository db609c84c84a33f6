// Điều 7.2 paper-copy classes and late sending, in the configured time zone.

import { expect } from 'chai';
import { classificationCheck } from '../../../policies/checks/classification.js';
import { codes, composeMessage, FORM_LINES, runCheck, TEST_NOW } from '../../helpers/policy.js';

const withSummary = (summary: string, date = '21/11/2026') =>
  composeMessage({ text: [...FORM_LINES.filter((l) => !/^(Trích yếu|Ngày ký)/.test(l)), `Ngày ký: ${date}`, `Trích yếu: ${summary}`].join('\n') });

describe('classification check', function () {
  it('Điều 7.2 subjects warn paper-copy-required, with or without diacritics', async () => {
    for (const s of [
      'V/v nâng lương trước thời hạn',
      'V/V NANG LUONG THUONG XUYEN',
      'V/v phê duyệt kế hoạch lựa chọn nhà thầu',
      'V/v giao đất cho hộ gia đình',
      'V/v tuyển dụng viên chức năm 2026',
    ]) {
      expect(codes(await runCheck(classificationCheck, await withSummary(s))), s).to.deep.equal(['paper-copy-required']);
    }
  });
  it('Điều 7.1 documents do not (a meeting "tổ chức hội nghị" is not "tổ chức bộ máy")', async () => {
    for (const s of ['V/v tổ chức hội nghị trực tuyến', 'V/v triển khai văn bản điện tử', 'Giấy mời họp giao ban']) {
      expect(codes(await runCheck(classificationCheck, await withSummary(s))), s).to.deep.equal([]);
    }
  });
  it('the list is configurable', async () => {
    const message = await withSummary('V/v tổ chức hội nghị');
    expect(codes(await runCheck(classificationCheck, message, { paperCopySubjects: ['hội nghị'] }))).to.deep.equal(['paper-copy-required']);
  });
  it('late-sending after the signing day, in Hà Tĩnh time', async () => {
    expect(codes(await runCheck(classificationCheck, await withSummary('V/v triển khai', '20/11/2026')))).to.deep.equal(['late-sending']);
    expect(codes(await runCheck(classificationCheck, await withSummary('V/v triển khai', '20/11/2026'), { lateAfterDays: 1 }))).to.deep.equal([]);
    // 20/11 16:59 UTC is 23:59 on 20/11 in Hà Tĩnh: same day; 17:01 UTC is already 21/11.
    const message = await withSummary('V/v triển khai', '20/11/2026');
    expect(codes(await runCheck(classificationCheck, message, {}, { now: new Date('2026-11-20T16:59:00Z') }))).to.deep.equal([]);
    expect(codes(await runCheck(classificationCheck, message, {}, { now: new Date('2026-11-20T17:01:00Z') }))).to.deep.equal(['late-sending']);
    expect(TEST_NOW.toISOString()).to.equal('2026-11-21T03:00:00.000Z');
  });
});
