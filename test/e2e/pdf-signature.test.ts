// Signed PDFs end to end with the shipped policy.yaml: a leader + seal PDF submitted by nodemailer over
// SMTP is accepted, its signers filed with the document and shown to the recipient in
// X-Docgate-Pdf-Signature; one changed after signing (Incremental Saving Attack) or tampered is refused
// with the reason in the ASCII reply; a PDF stamped MẬT is refused as classified.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { AGENCIES, REPO_ROOT } from '../helpers/env.js';
import { addClerk, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { composeRaw, FORM_LINES } from '../helpers/policy.js';
import { SMIME_TRUST } from '../helpers/smime.js';
import { submitRaw } from '../helpers/submit.js';
import { makePdfFixtures, vietnameseTextPdf, type PdfFixtures } from '../fixtures/pdf/make-fixtures.js';

describe('PDF signatures end to end (shipped policy)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let fx: PdfFixtures;
  let counter = 0;
  before(async () => {
    fx = makePdfFixtures();
    const sample = parse(readFileSync(path.join(REPO_ROOT, 'config/policy.yaml'), 'utf8')) as { actions: Record<string, string> };
    // The fixtures are signed now: the gateway's clock is the real one.
    tg = await startTestGateway({
      trustFrom: SMIME_TRUST,
      now: () => new Date(),
      policy: { ...sample, actions: { ...sample.actions, duplicate: 'ignore', 'late-sending': 'ignore' } },
    });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  });
  after(async () => {
    await tg?.stop();
    fx?.cleanup();
  });

  async function send(pdf: Buffer) {
    counter++;
    const text = FORM_LINES.map((l) => l.replace('05/QĐ-UBND', `${200 + counter}/QĐ-UBND`)).join('\n');
    return submitRaw(tg, await composeRaw({ text, attachments: [{ filename: 'quyet-dinh.pdf', content: pdf, contentType: 'application/pdf' }] }));
  }

  it('accepts leader + seal, files both signers and tells the recipient', async () => {
    const submitted = await send(fx.files['two-signatures.pdf']);
    expect(submitted.code, submitted.response).to.equal(250);
    const verdict = JSON.parse(submitted.document!.verdict) as {
      outcomes: { check: string; data?: { signatures: { field: string; status: string; signer: { role: string } }[] } }[];
    };
    const outcome = verdict.outcomes.find((o) => o.check === 'pdf-signature')!;
    expect(outcome.data!.signatures.map((s) => [s.field, s.status, s.signer.role])).to.deep.equal([
      ['Lanh dao', 'verified', 'person'],
      ['Con dau', 'verified', 'organisation'],
    ]);
    const stored = submitted.stored!.toString('latin1');
    expect(stored).to.match(
      /X-Docgate-Pdf-Signature: quyet-dinh\.pdf; field=Lanh dao; verified; signer=Signer good-rsa; role=person; serial=[0-9a-f]+; signed=[0-9T:.Z-]+; updated-after-signing\r\n/,
    );
    expect(stored).to.match(/X-Docgate-Pdf-Signature: quyet-dinh\.pdf; field=Con dau; verified; signer=UBND tinh Ha Tinh; role=organisation; /);
  });

  it('refuses a PDF whose content was changed after signing, and one with a tampered byte', async () => {
    const isa = await send(fx.files['isa-content.pdf']);
    expect(isa.response).to.equal(
      '550 5.7.7 [signature-partial] Chu ky so khong bao trum toan bo noi dung thu / The signature does not cover the whole message',
    );
    expect(isa.document?.status).to.equal('returned');
    const tampered = await send(fx.files['tampered-byte.pdf']);
    expect(tampered.response).to.match(/^550 5\.7\.7 \[signature-invalid\] Chu ky so khong hop le: [\x20-\x7e]+ \/ Invalid digital signature: /);
  });

  it("refuses a PDF whose own Số: line differs from the form's số ký hiệu (metadata-invalid)", async () => {
    const submitted = await send(vietnameseTextPdf(['ỦY BAN NHÂN DÂN', 'TỈNH HÀ TĨNH', 'Số: 05/QĐ-UBND', 'QUYẾT ĐỊNH']).buf);
    expect(submitted.response).to.match(
      /^550 5\.7\.1 \[metadata-invalid\] Thong tin van ban khong hop le: So ky hieu: khac so trong van ban \/ differs from the document \(05\/QD-UBND\)/,
    );
    const same = await send(vietnameseTextPdf(['ỦY BAN NHÂN DÂN', 'TỈNH HÀ TĨNH', `Số: ${200 + counter + 1}/QĐ-UBND`, 'QUYẾT ĐỊNH']).buf);
    expect(same.code, same.response).to.equal(250);
  });

  it('refuses a PDF stamped MẬT (text layer) as a classified document', async () => {
    const submitted = await send(vietnameseTextPdf(['ỦY BAN NHÂN DÂN', 'TỈNH HÀ TĨNH', 'MẬT', 'Số: 05/QĐ-UBND']).buf);
    expect(submitted.response).to.match(/^550 5\.7\.1 \[confidential-document\] /);
  });
});
