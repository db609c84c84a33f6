// pdf.ts follows /ObjStm names to stream data: names that all lead to the same stream must not make
// the (synchronous) scan cost names x stream length.

import { expect } from 'chai';
import { inspectPdf } from '../../../policies/files/pdf.js';

describe('PDF inspection bounds', function () {
  it('many /ObjStm names sharing one stream are scanned once', () => {
    const bytes = Buffer.from(`%PDF-1.4\n${'/ObjStm stream\n'.repeat(2000)}${'x'.repeat(2 * 1024 * 1024)}\nendstream\nstartxref\n0\n%%EOF\n`, 'latin1');
    const started = process.hrtime.bigint();
    const facts = inspectPdf(bytes, 1024 * 1024);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(facts.active).to.deep.equal([]);
    expect(ms, `${ms} ms`).to.be.below(1500);
  });
});
