// metadata-invalid: required fields, real dates not in the future (in the configured time zone),
// NĐ 30 số ký hiệu and types, NFD input, and the cross-check with the main DOCX's "Số:" line.

import { expect } from 'chai';
import { metadataCheck } from '../../../policies/checks/metadata.js';
import { parseDocumentNumber, documentTypeOf } from '../../../policies/metadata/doc-types.js';
import { composeMessage, fixture, runCheck } from '../../helpers/policy.js';

const LINES = {
  number: 'Số ký hiệu: 05/QĐ-UBND',
  date: 'Ngày ký: 21/11/2026',
  type: 'Loại văn bản: Quyết định',
  summary: 'Trích yếu: V/v triển khai văn bản điện tử',
};

async function problems(lines: string[], options: unknown = {}, extra: Parameters<typeof composeMessage>[0] = {}, now?: Date) {
  const report = await runCheck(metadataCheck, await composeMessage({ text: lines.join('\n'), ...extra }), options, now ? { now } : {});
  return report.findings.map((f) => `${String(f.details?.field)}: ${String(f.details?.problem).split(' / ')[1] ?? String(f.details?.problem)}`);
}

describe('metadata check', function () {
  const all = Object.values(LINES);
  it('complete, well-formed metadata passes', async () => {
    expect(await problems(all)).to.deep.equal([]);
  });
  it('NFD input matches NFC rules', async () => {
    expect(await problems(all.map((l) => l.normalize('NFD')))).to.deep.equal([]);
  });
  it('required fields are configurable', async () => {
    expect(await problems([LINES.summary])).to.deep.equal(['documentNumber: missing', 'signedDate: missing', 'documentType: missing']);
    expect(await problems([LINES.summary], { required: ['summary'] })).to.deep.equal([]);
    expect(await problems(all, { required: ['signer'] })).to.deep.equal(['signer: missing']);
  });
  it('dates: not a real date, in the future by the configured time zone', async () => {
    expect(await problems([LINES.number, 'Ngày ký: 30/02/2026', LINES.type, LINES.summary])).to.deep.equal(['signedDate: not a real date (30/02/2026)']);
    expect(await problems([LINES.number, 'Ngày ký: 22/11/2026', LINES.type, LINES.summary])).to.deep.equal(['signedDate: in the future (22/11/2026)']);
    // 21/11 17:30 UTC is already 22/11 in Hà Tĩnh (UTC+7): a document signed on 22/11 is not in the future.
    expect(await problems([LINES.number, 'Ngày ký: 22/11/2026', LINES.type, LINES.summary], {}, {}, new Date('2026-11-21T17:30:00Z'))).to.deep.equal([]);
  });
  it('số ký hiệu shape and type per NĐ 30', async () => {
    for (const good of ['05/QĐ-UBND', '123/UBND-VX', '12/2020/NĐ-CP', '07/TTr-SNV', '10/CTr-UBND']) expect(parseDocumentNumber(good), good).to.not.equal(null);
    for (const bad of ['5/QĐ-UBND', '05 /QĐ-UBND', '05/qđ-ubnd', 'QĐ-UBND', '05/QĐ UBND', '05/-UBND']) expect(parseDocumentNumber(bad), bad).to.equal(null);
    expect(await problems([LINES.number.replace('05', '5'), LINES.date, LINES.type, LINES.summary])).to.deep.equal([
      'documentNumber: not in the NĐ 30 form (5/QĐ-UBND)',
    ]);
    expect(await problems([LINES.number, LINES.date, 'Loại văn bản: Thư ngỏ', LINES.summary])).to.deep.equal(['documentType: not an NĐ 30 type (Thư ngỏ)']);
    expect(await problems([LINES.number, LINES.date, 'Loại văn bản: Báo cáo', LINES.summary])).to.deep.equal([
      'documentNumber: notation does not match the type (05/QĐ-UBND, Báo cáo)',
    ]);
    expect(await problems(['Số ký hiệu: 123/UBND-VX', LINES.date, 'Loại văn bản: cong van', LINES.summary])).to.deep.equal([]);
    expect(documentTypeOf('QUYẾT ĐỊNH')?.abbr).to.equal('QĐ');
  });
  it('cross-checks the main DOCX "Số:" line', async () => {
    const docx = { attachments: [{ filename: 'qd.docx', content: fixture('qd-05.docx') }] };
    expect(await problems(all, {}, docx)).to.deep.equal([]);
    expect(await problems(['Số ký hiệu: 06/QĐ-UBND', LINES.date, LINES.type, LINES.summary], {}, docx)).to.deep.equal([
      'documentNumber: differs from the document (05/QĐ-UBND)',
    ]);
    expect(await problems(['Số ký hiệu: 06/QĐ-UBND', LINES.date, LINES.type, LINES.summary], { crossCheckDocument: false }, docx)).to.deep.equal([]);
  });
});
