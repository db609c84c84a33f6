// The complete Thunderbird submission shown in README ("Sending from Thunderbird") is submitted over
// SMTP exactly as written there and registered with every form line it carries.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { expectAccepted, registered, startPolicyGateway, submit } from '../helpers/policy-e2e.js';

function readmeExample(): Buffer {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const match = /```eml\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no ```eml block');
  return Buffer.from(match[1].replace(/\n/g, '\r\n'), 'utf8');
}

describe('README example submission (Thunderbird, format=flowed, PDF)', function () {
  this.timeout(30_000);
  let tg: TestGateway;
  before(async () => {
    tg = await startPolicyGateway();
  });
  after(async () => tg?.stop());

  it('is accepted and registered with every form line', async () => {
    const raw = readmeExample();
    expect(raw.toString('utf8')).to.contain('format=flowed');
    expect(raw.toString('utf8'), 'a soft line break survives in README').to.match(/ \r\n/);
    const result = await submit(tg, raw);
    await expectAccepted(tg, result);
    const r = (await registered(tg, result.messageId))!;
    expect(r.doc).to.include({
      documentNumber: '05/QĐ-UBND',
      signedDate: '2026-11-21',
      signer: 'Nguyễn Văn An, Phó Chủ tịch Ủy ban nhân dân tỉnh',
      documentType: 'Quyết định',
      summary: 'V/v ban hành Quy chế quản lý, vận hành và khai thác hệ thống quản lý văn bản và điều hành của Ủy ban nhân dân tỉnh Hà Tĩnh',
      urgency: 'normal',
      confidentiality: 'Thường',
    });
    const metadata = JSON.parse(r.doc.metadata) as Record<string, unknown>;
    expect(metadata).to.include({ deadline: '30/11/2026', mainFile: 'Quyết định 05-QĐ-UBND.pdf' });
    const files = await tg.gateway.storage.register.filesOf(r.doc.id);
    expect(files.map((f) => [f.filename, f.role, f.detectedType])).to.deep.equal([['Quyết định 05-QĐ-UBND.pdf', 'main', 'application/pdf']]);
  });
});
