// Over SMTP, with the sample config/policy.yaml: every file and structure reason code, each with a
// message that triggers it and a near miss that must be accepted. Rejections leave no sổ đến entry
// and no mailbox row.

import type Mail from 'nodemailer/lib/mailer';
import type { ReasonCode } from '../../policies/reasons.js';
import type { TestGateway } from '../helpers/gateway.js';
import { expectAccepted, expectReturned, startPolicyGateway, submit } from '../helpers/policy-e2e.js';
import { composeRaw, fixture } from '../helpers/policy.js';

const file = (filename: string, content = fixture(filename)): Mail.Attachment => ({ filename, content });
const pdf = () => file('qd-05.pdf');

interface Case {
  code: ReasonCode;
  trigger: () => Promise<Mail.Options | Buffer> | Mail.Options;
  nearMiss: () => Promise<Mail.Options | Buffer> | Mail.Options;
  what: string;
}

const CASES: Case[] = [
  {
    code: 'malformed-mime',
    what: 'two From fields / one From with a long folded Subject',
    trigger: async () => {
      const raw = (await composeRaw({ messageId: '<mm1@ubnd.hatinh.gov.vn>', attachments: [pdf()] })).toString('latin1');
      return Buffer.from(raw.replace(/^From: /m, 'From: vanthu@ubnd.hatinh.gov.vn\r\nFrom: '), 'latin1');
    },
    nearMiss: () => ({ subject: `V/v ${'triển khai văn bản điện tử '.repeat(20)}`, attachments: [pdf()] }),
  },
  { code: 'missing-document', what: 'no attachment / one PDF', trigger: () => ({}), nearMiss: () => ({ attachments: [pdf()] }) },
  {
    code: 'attachment-type',
    what: 'Quyết định.exe.pdf / Vietnamese RFC 2231 name with uppercase .PDF',
    trigger: () => ({ attachments: [pdf(), file('Quyết định.exe.pdf', fixture('qd-05.pdf'))] }),
    nearMiss: () => ({ attachments: [file('Quyết định số 05 về việc triển khai hệ thống.PDF', fixture('qd-05.pdf'))] }),
  },
  {
    code: 'attachment-content-mismatch',
    what: 'RTF renamed .doc / a real Word 97 .doc',
    trigger: () => ({ attachments: [file('Quyết định.doc', fixture('rtf-renamed.doc'))] }),
    nearMiss: () => ({ attachments: [file('Quyết định.doc', fixture('qd-05.doc'))] }),
  },
  {
    code: 'active-content',
    what: 'JavaScript in a compressed object stream / OpenAction GoTo',
    trigger: () => ({ attachments: [file('Quyết định.pdf', fixture('pdf-objstm.pdf'))] }),
    nearMiss: () => ({ attachments: [file('Quyết định.pdf', fixture('pdf-goto.pdf'))] }),
  },
  {
    code: 'archive-unsafe',
    what: 'zip with ..\\ member / zip of two PDFs with Vietnamese names',
    trigger: () => ({ attachments: [pdf(), file('Hồ sơ.zip', fixture('traversal-backslash.zip'))] }),
    nearMiss: () => ({ attachments: [pdf(), file('Hồ sơ.zip', fixture('two-pdfs.zip'))] }),
  },
  {
    code: 'encrypted-content',
    what: 'password zip / RAR of two PDFs',
    trigger: () => ({ attachments: [pdf(), file('Hồ sơ.zip', fixture('encrypted.zip'))] }),
    nearMiss: () => ({ attachments: [pdf(), file('Hồ sơ.rar', fixture('two-pdfs.rar'))] }),
  },
];

describe('policy over SMTP: files and structure', function () {
  this.timeout(20_000);
  let tg: TestGateway;
  before(async () => {
    tg = await startPolicyGateway();
  });
  after(async () => tg?.stop());

  for (const c of CASES) {
    it(`${c.code}: ${c.what}`, async () => {
      await expectReturned(tg, await submit(tg, await c.trigger()), c.code);
      await expectAccepted(tg, await submit(tg, await c.nearMiss()));
    });
  }

  it('the reply names the offending file inside an archive, in ASCII', async () => {
    const result = await submit(tg, { attachments: [pdf(), file('Hồ sơ.zip', fixture('exe-inside.zip'))] });
    await expectReturned(tg, result, 'attachment-type');
    if (!result.response.includes('Ho so.zip/tool.exe')) throw new Error(result.response);
  });
});
