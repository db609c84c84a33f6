// TCVN3/ABC and VNI text in the Subject, the body and LibreOffice-made DOCX files (fonts .VnTime,
// VNI-Times), with the decoded preview; Unicode and correctly declared windows-1258 pass.

import { expect } from 'chai';
import iconv from 'iconv-lite';
import { legacyEncodingCheck } from '../../../policies/checks/legacy-encoding.js';
import { detectLegacyText } from '../../../policies/encoding/legacy.js';
import { codes, composeMessage, fixture, runCheck, toWindows1258Form } from '../../helpers/policy.js';

const TCVN3 = 'QuyÕt ®Þnh sè 123/Q§-UBND Hµ TÜnh';
const VNI = 'Quyeát ñònh soá 123/QÑ-UBND Haø Tónh';
const UNICODE = 'Quyết định số 123/QĐ-UBND Hà Tĩnh';

describe('legacy-encoding check', function () {
  it('detects TCVN3 and VNI and decodes both', () => {
    expect(detectLegacyText(TCVN3)).to.deep.include({ encoding: 'tcvn3', preview: UNICODE });
    expect(detectLegacyText(VNI)).to.deep.include({ encoding: 'vni', preview: UNICODE });
  });
  it('leaves Unicode Vietnamese, ASCII and Western European text alone', () => {
    for (const t of [UNICODE, 'Kinh gui cac co quan don vi', 'Le café était très bon à Paris, déjà vu', 'Größe und Maßstab für Übersicht'])
      expect(detectLegacyText(t), t).to.equal(null);
  });
  it('a TCVN3 Subject and a VNI body are legacy-encoding with a preview', async () => {
    const subject = await runCheck(legacyEncodingCheck, await composeMessage({ subject: TCVN3 }));
    expect(subject.findings[0]).to.include({ code: 'legacy-encoding', subject: 'Subject' });
    expect(subject.findings[0].details).to.include({ preview: UNICODE });
    const body = await runCheck(legacyEncodingCheck, await composeMessage({ text: `Kinh gui\n${VNI}` }));
    expect(body.findings.map((f) => [f.code, f.details?.encoding])).to.deep.equal([['legacy-encoding', 'vni']]);
  });
  it('a windows-1258 body declared as such passes', async () => {
    const { messageFrom } = await import('../../helpers/policy.js');
    const text = iconv.encode(toWindows1258Form('Kính gửi các cơ quan, đơn vị.\r\nQuyết định số 05/QĐ-UBND về việc triển khai.\r\n'), 'windows-1258');
    const raw = Buffer.concat([
      Buffer.from(
        'From: vanthu@ubnd.hatinh.gov.vn\r\nTo: vanthu@snv.hatinh.gov.vn\r\nSubject: =?windows-1258?Q?V/v_tri=D2=EAn_khai?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
        'latin1',
      ),
      text,
    ]);
    const message = await messageFrom(raw);
    expect(message.textBody).to.contain('Quyết định số 05/QĐ-UBND');
    expect(codes(await runCheck(legacyEncodingCheck, message))).to.deep.equal([]);
  });
  it('DOCX runs in .VnTime and VNI-Times fonts are legacy-encoding; a Unicode DOCX passes', async () => {
    for (const [file, encoding] of [
      ['tcvn3-font.docx', 'tcvn3'],
      ['vni-font.docx', 'vni'],
    ] as const) {
      const report = await runCheck(legacyEncodingCheck, await composeMessage({ attachments: [{ filename: file, content: fixture(file) }] }));
      expect(
        report.findings.map((f) => [f.code, f.details?.encoding]),
        file,
      ).to.deep.equal([['legacy-encoding', encoding]]);
    }
    const tcvn = await runCheck(legacyEncodingCheck, await composeMessage({ attachments: [{ filename: 'x.docx', content: fixture('tcvn3-font.docx') }] }));
    expect(String(tcvn.findings[0].details?.preview)).to.contain('Quyết định');
    expect(
      codes(await runCheck(legacyEncodingCheck, await composeMessage({ attachments: [{ filename: 'qd.docx', content: fixture('qd-05.docx') }] }))),
    ).to.deep.equal([]);
  });
});
