import { expect } from 'chai';
import { composeSmsText, foldToGsm7, isGsm7Basic, SMS_LIMITS, smsParts, type SmsFacts } from '../../../../gateway/notify/sms-text.js';

const LONG_SUMMARY =
  'V/v triển khai thực hiện khẩn cấp các biện pháp phòng, chống cơn bão số 12 và mưa lũ đặc biệt lớn trên địa bàn các huyện Hương Sơn, Hương Khê, Vũ Quang, Đức Thọ và thị xã Hồng Lĩnh {ưu tiên} [gấp] ~ | \\ ^ `';

function facts(over: Partial<SmsFacts> = {}): SmsFacts {
  return {
    urgency: 'flash',
    agencyName: 'Sở Thông tin và Truyền thông tỉnh Hà Tĩnh',
    senderName: 'Ủy ban nhân dân tỉnh Hà Tĩnh',
    documentNumber: '1234/QĐ-UBND',
    summary: LONG_SUMMARY,
    time: '08:15 02/12/2026',
    ...over,
  };
}

describe('SMS text of an urgent alert', () => {
  it('folds Vietnamese to the GSM-7 basic set', () => {
    expect(foldToGsm7('Đặc biệt Hỏa tốc: Quyết định số 05/QĐ-UBND')).to.equal('Dac biet Hoa toc: Quyet dinh so 05/QD-UBND');
    expect(foldToGsm7('ắằẳẵặ ƯỨỪỬỮỰ ơờ đĐ')).to.equal('aaaaa UUUUUU oo dD');
    // Characters of the GSM extension table (two septets) and outside GSM are replaced, never sent.
    expect(foldToGsm7('[a]{b}~|\\^`€')).to.equal("(a)(b)-//''?");
    expect(isGsm7Basic(foldToGsm7(LONG_SUMMARY))).to.equal(true);
  });

  it('GSM-7: one part of at most 160 basic characters, summary cut to fit', () => {
    const text = composeSmsText(facts(), 'gsm7');
    expect(text.length).to.be.at.most(160);
    expect(text.length).to.be.greaterThan(150);
    expect(isGsm7Basic(text), text).to.equal(true);
    expect(smsParts(text, 'gsm7')).to.equal(1);
    expect(text).to.match(/^HOA TOC - /);
    expect(text).to.include('1234/QD-UBND');
    expect(text).to.include('08:15 02/12/2026');
    expect(text).to.include('V/v trien khai');
    expect(text.endsWith('...')).to.equal(true);
  });

  it('GSM-7: a short summary is kept whole', () => {
    const text = composeSmsText(facts({ summary: 'V/v họp khẩn', agencyName: 'Sở Nội vụ', urgency: 'very-urgent' }), 'gsm7');
    expect(text).to.equal('THUONG KHAN - So Noi vu: VB 1234/QD-UBND cua Uy ban nhan dan tinh Ha Tinh, den 08:15 02/12/2026. V/v hop khan');
  });

  it('GSM-7 limits: 160 fit in one part, 161 or any non-basic character do not', () => {
    expect(smsParts('a'.repeat(160), 'gsm7')).to.equal(1);
    expect(smsParts('a'.repeat(161), 'gsm7')).to.equal(0);
    expect(smsParts('Hà Tĩnh', 'gsm7')).to.equal(0);
    expect(smsParts('a{b}', 'gsm7')).to.equal(0);
  });

  it('UCS-2: diacritics kept, at most 3 parts of 67 characters', () => {
    const text = composeSmsText(facts(), 'ucs2');
    expect(text.length).to.be.at.most(SMS_LIMITS.ucs2);
    expect(text.length).to.be.greaterThan(190);
    expect(smsParts(text, 'ucs2')).to.equal(3);
    expect(text).to.match(/^HỎA TỐC - Sở Thông tin/);
    expect(text).to.include('1234/QĐ-UBND');
    expect(text.endsWith('…')).to.equal(true);
  });

  it('UCS-2 limits: 70 in one part, 71 in two, 201 in three, 202 refused', () => {
    expect(smsParts('đ'.repeat(70), 'ucs2')).to.equal(1);
    expect(smsParts('đ'.repeat(71), 'ucs2')).to.equal(2);
    expect(smsParts('đ'.repeat(134), 'ucs2')).to.equal(2);
    expect(smsParts('đ'.repeat(135), 'ucs2')).to.equal(3);
    expect(smsParts('đ'.repeat(201), 'ucs2')).to.equal(3);
    expect(smsParts('đ'.repeat(202), 'ucs2')).to.equal(0);
  });

  it('very long agency names are shortened so the summary keeps room', () => {
    const name = 'Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh và các khu công nghiệp, khu chế xuất trên địa bàn tỉnh';
    const text = composeSmsText(facts({ agencyName: name, senderName: name }), 'gsm7');
    expect(text.length).to.be.at.most(160);
    expect(text).to.include('V/v trien khai');
    expect(text).to.include('1234/QD-UBND');
  });
});
