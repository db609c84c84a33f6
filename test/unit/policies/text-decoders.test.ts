// Body text decoders for form lines: RFC 3676 format=flowed and HTML to text.

import { expect } from 'chai';
import { decodeFlowed } from '../../../policies/text/flowed.js';
import { htmlToText } from '../../../policies/text/html-text.js';

describe('format=flowed decoding (RFC 3676)', () => {
  it('joins soft breaks, keeps hard breaks', () => {
    expect(decodeFlowed('Trích yếu: V/v ban hành \r\nQuy chế quản lý \r\nvăn bản\r\nNgày ký: 21/11/2026\r\n')).to.equal(
      'Trích yếu: V/v ban hành Quy chế quản lý văn bản\nNgày ký: 21/11/2026\n',
    );
  });
  it('DelSp=yes drops the space of each soft break', () => {
    expect(decodeFlowed('Trích yếu: V/v ban hà \r\nnh Quy chế', true)).to.equal('Trích yếu: V/v ban hành Quy chế');
  });
  it('undoes space-stuffing and keeps "-- " a fixed line', () => {
    expect(decodeFlowed('Trích yếu: góp ý \r\n From the ministry\r\n-- \r\nVăn thư')).to.equal('Trích yếu: góp ý From the ministry\n-- \nVăn thư');
  });
  it('does not join across a change of quote depth', () => {
    expect(decodeFlowed('> quoted \r\nnot quoted')).to.equal('> quoted \nnot quoted');
  });
});

describe('HTML to text', () => {
  it('breaks lines at block elements and <br>, decodes entities, drops script/style/head', () => {
    const html =
      '<html><head><title>T</title><style>p{}</style></head><body><p>Số ký hiệu:&nbsp;05/QĐ-UBND</p><div>Ng&agrave;y k&#253;: 21/11/2026</div>A<br>B<script>x()</script><table><tr><td>Độ khẩn: Hỏa tốc</td></tr></table></body></html>';
    expect(
      htmlToText(html)
        .split('\n')
        .filter((l) => l !== ''),
    ).to.deep.equal(['Số ký hiệu: 05/QĐ-UBND', 'Ngày ký: 21/11/2026', 'A', 'B', 'Độ khẩn: Hỏa tốc']);
  });
  it('joins source line breaks inside a paragraph', () => {
    expect(htmlToText('<p>Trích yếu: V/v ban hành\r\n   Quy chế</p>')).to.equal('Trích yếu: V/v ban hành Quy chế');
  });
});
