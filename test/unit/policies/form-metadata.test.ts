// Form lines of the text body into document metadata: labels with or without diacritics, any case, NFD.

import { expect } from 'chai';
import { parseFormMetadata, parseVietnameseDate } from '../../../policies/metadata/form.js';

describe('form metadata', () => {
  it('reads every field with diacritics', () => {
    const m = parseFormMetadata(
      'Số ký hiệu: 05/QĐ-UBND\nNgày ký: 20/11/2026\nNgười ký: Nguyễn Văn An\nLoại văn bản: Quyết định\nTrích yếu: V/v triển khai\nĐộ khẩn: Hỏa tốc\nĐộ mật: Thường\nHạn xử lý: 30/11/2026\n',
      'ignored subject',
    );
    expect(m).to.deep.include({
      documentNumber: '05/QĐ-UBND',
      signedDate: '2026-11-20',
      signer: 'Nguyễn Văn An',
      documentType: 'Quyết định',
      summary: 'V/v triển khai',
      urgency: 'flash',
      confidentiality: 'Thường',
      deadline: '30/11/2026',
    });
    expect(m.sources.summary).to.equal('form');
  });

  it('reads labels without diacritics, in any case, with punctuation variants, and NFD input', () => {
    const nfd = 'SO, KY HIEU: 12/UBND-VX\r\nngay ky: 1/2/2026\r\nDo khan: Thuong khan\r\n'.normalize('NFD');
    const m = parseFormMetadata(nfd + 'Loại văn bản: Công văn'.normalize('NFD'), 'Trích yếu từ tiêu đề'.normalize('NFD'));
    expect(m.documentNumber).to.equal('12/UBND-VX');
    expect(m.signedDate).to.equal('2026-02-01');
    expect(m.urgency).to.equal('very-urgent');
    expect(m.documentType).to.equal('Công văn');
    expect(m.summary).to.equal('Trích yếu từ tiêu đề'.normalize('NFC'));
    expect(m.sources.summary).to.equal('subject');
  });

  it('keeps the first of repeated fields and says so', () => {
    const m = parseFormMetadata('Số ký hiệu: 1/UBND\nSố ký hiệu: 2/UBND\n', null);
    expect(m.documentNumber).to.equal('1/UBND');
    expect(m.repeated).to.deep.equal(['documentNumber']);
  });

  it('accepts only real calendar dates', () => {
    expect(parseVietnameseDate('29/02/2024')).to.equal('2024-02-29');
    expect(parseVietnameseDate('29/02/2026')).to.equal(null);
    expect(parseVietnameseDate('31/04/2026')).to.equal(null);
    expect(parseVietnameseDate('2026-11-20')).to.equal(null);
  });
});

describe('text decoding', () => {
  it('reads 8-bit UTF-8 declared as us-ascii (or not declared) as UTF-8, and windows-1258 as declared', async () => {
    const { decodeText } = await import('../../../policies/text/decode.js');
    const utf8 = Buffer.from('Số ký hiệu: 05/QĐ-UBND', 'utf8');
    expect(decodeText(utf8, 'us-ascii')).to.equal('Số ký hiệu: 05/QĐ-UBND');
    expect(decodeText(utf8, undefined)).to.equal('Số ký hiệu: 05/QĐ-UBND');
    expect(decodeText(utf8, 'x-unknown-charset')).to.equal('Số ký hiệu: 05/QĐ-UBND');
    expect(decodeText(Buffer.from([0x53, 0xf4, 0xec]), 'windows-1258')).to.equal('Số'.normalize('NFC'));
  });
});
