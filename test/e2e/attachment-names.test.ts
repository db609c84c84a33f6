// Attachment file names over SMTP with the sample policy: a name with path parts (parent levels,
// backslashes, absolute, drive letter, percent-encoded) is refused by the same rule archives apply to
// their members; a filename given twice, or a name that differs from the filename, is `malformed-mime`.

import { expect } from 'chai';
import { attachmentPathProblem, memberPathProblem } from '../../policies/archive/types.js';
import type { TestGateway } from '../helpers/gateway.js';
import { expectAccepted, expectReturned, startPolicyGateway, submit } from '../helpers/policy-e2e.js';
import { composeRaw, fixture, FORM_LINES } from '../helpers/policy.js';

let counter = 0;

/** A submission whose PDF part carries exactly these Content-Type and Content-Disposition values. */
async function withPart(contentType: string, disposition: string): Promise<Buffer> {
  counter++;
  const raw = await composeRaw({
    messageId: `<names.${counter}.${Date.now()}@ubnd.hatinh.gov.vn>`,
    // A fresh số ký hiệu per submission, so the duplicate rule stays out of the way.
    text: FORM_LINES.map((l) => l.replace('05/QĐ-UBND', `${200 + counter}/QĐ-UBND`)).join('\n'),
    attachments: [{ filename: 'PLACEHOLDER.pdf', content: fixture('qd-05.pdf') }],
  });
  return Buffer.from(
    raw
      .toString('latin1')
      .replace('Content-Type: application/pdf; name=PLACEHOLDER.pdf', `Content-Type: ${contentType}`)
      .replace('Content-Disposition: attachment; filename=PLACEHOLDER.pdf', `Content-Disposition: ${disposition}`),
    'latin1',
  );
}

const named = (name: string) => withPart(`application/pdf; name="${name}"`, `attachment; filename="${name}"`);

describe('attachment names: no paths, no ambiguity', function () {
  this.timeout(60_000);
  let tg: TestGateway;

  before(async () => {
    tg = await startPolicyGateway();
  });
  after(async () => tg.stop());

  for (const name of [
    '../../../etc/qd.pdf',
    '..\\\\..\\\\Windows\\\\qd.pdf',
    '/etc/qd.pdf',
    'C:qd.pdf',
    '..%2F..%2Fqd.pdf',
    '..%252F..%252Fqd.pdf',
    '%2E%2E/qd.pdf',
    'thu-muc/qd.pdf',
    'a%2Fqd.pdf',
  ]) {
    it(`refuses the file name ${name} (attachment-type)`, async () => {
      const r = await submit(tg, await named(name));
      await expectReturned(tg, r, 'attachment-type');
    });
  }

  it('refuses the same names in RFC 2231 form', async () => {
    const r = await submit(tg, await withPart('application/pdf', "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fqd.pdf"));
    await expectReturned(tg, r, 'attachment-type');
  });

  it('uses the very rule archives use for their members', () => {
    for (const name of ['../../../etc/qd.pdf', '..\\..\\Windows\\qd.pdf', '/etc/qd.pdf', '..%2F..%2Fqd.pdf']) {
      expect(memberPathProblem(name), name).to.not.equal(null);
      expect(attachmentPathProblem(name), name).to.equal(memberPathProblem(name));
    }
  });

  it('refuses a filename parameter given twice, and a name that differs from the filename (malformed-mime)', async () => {
    for (const [ct, cd] of [
      ['application/pdf; name="qd.pdf"', 'attachment; filename="qd.pdf"; filename="qd.exe"'],
      ['application/pdf; name="qd.pdf"; name="qd.exe"', 'attachment; filename="qd.pdf"'],
      ['application/pdf; name="qd.exe"', 'attachment; filename="qd.pdf"'],
      ['application/pdf; name="=?UTF-8?B?UXV54bq/dCDEkeG7i25oLnBkZg==?="', "attachment; filename*=UTF-8''Quy%E1%BA%BFt%20dinh.pdf"],
    ]) {
      const r = await submit(tg, await withPart(ct, cd));
      await expectReturned(tg, r, 'malformed-mime');
      expect(r.response, `${ct} | ${cd}`).to.contain('ambiguous file name / ten tep khong ro rang (part 2)');
    }
  });

  it('accepts ordinary names: the same name in both fields, RFC 2047 and RFC 2231 forms of one Vietnamese name, dots inside', async () => {
    for (const [ct, cd] of [
      ['application/pdf; name="Quyet dinh 05.pdf"', 'attachment; filename="Quyet dinh 05.pdf"'],
      ['application/pdf; name="=?UTF-8?B?UXV54bq/dCDEkeG7i25oLnBkZg==?="', "attachment; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf"],
      ['application/pdf', "attachment; filename*0*=UTF-8''Quy%E1%BA%BFt; filename*1*=%20%C4%91%E1%BB%8Bnh.pdf"],
      ['application/pdf; name="v1.2..final.pdf"', 'attachment; filename="v1.2..final.pdf"'],
    ]) {
      const r = await submit(tg, await withPart(ct, cd));
      await expectAccepted(tg, r);
    }
  });
});
