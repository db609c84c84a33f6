// `docgate account add/passwd` apply the shared password rules (storage/accounts/password-rules.ts):
// the passwords the issue found accepted are refused with the rule named in both languages, and a
// temporary password cannot be "changed" to itself.

import { expect } from 'chai';
import { AGENCIES } from '../helpers/env.js';
import { cliFor, runCli } from '../helpers/child.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const USER = 'nguyenvana@snv.hatinh.gov.vn';

describe('docgate account: password rules', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let cli: (args: string[], input?: string) => ReturnType<typeof runCli>;
  before(async () => {
    tg = await startTestGateway();
    cli = cliFor(tg.env);
  });
  after(async () => tg.stop());

  for (const [password, vi, en] of [
    ['1234567890', 'ký tự lặp hoặc dãy liên tiếp', 'repeated characters or sequences'],
    ['aaaaaaaaaa', 'ký tự lặp hoặc dãy liên tiếp', 'repeated characters or sequences'],
    ['nguyenvana1', 'không được chứa tên đăng nhập', 'may not contain the user name'],
    [[...USER].reverse().join(''), 'không được chứa tên đăng nhập', 'may not contain the user name'],
    [`${USER} `, 'không được trùng tên đăng nhập', 'may not equal the user name'],
    ['Matkhau@2026', 'danh sách mật khẩu phổ biến', 'list of common passwords'],
  ]) {
    it(`account add refuses ${JSON.stringify(password)}`, async () => {
      const r = await cli(['account', 'add', USER, '--agency', AGENCIES.snv.id, '--password-stdin'], `${password}\n`);
      expect(r.code, r.stdout).to.equal(2);
      expect(r.stderr).to.contain(`Mật khẩu không hợp lệ: mật khẩu`).and.contain(vi).and.contain(`/ Password refused: the password`).and.contain(en);
      expect(await tg.gateway.storage.accounts.find(USER)).to.equal(null);
    });
  }

  it('account passwd refuses the same rules, and the temporary password as the new one', async () => {
    const add = await cli(['account', 'add', USER, '--agency', AGENCIES.snv.id, '--password-stdin'], 'Tam-thoi-K7Gm2x\n');
    expect(add.code, add.stderr).to.equal(0);
    const before = (await tg.gateway.storage.accounts.find(USER))!.passwordHash;
    const same = await cli(['account', 'passwd', USER, '--password-stdin'], 'Tam-thoi-K7Gm2x\n');
    expect(same.code).to.equal(2);
    expect(same.stderr).to.contain(
      'mật khẩu mới phải khác mật khẩu hiện tại hoặc mật khẩu tạm thời / Password refused: the new password must differ from the current or temporary password',
    );
    const sequence = await cli(['account', 'passwd', USER, '--password-stdin'], '1234567890\n');
    expect(sequence.code).to.equal(2);
    const account = (await tg.gateway.storage.accounts.find(USER))!;
    expect(account.passwordHash).to.equal(before);
    expect(account.mustChangePassword).to.equal(true);
    const changed = await cli(['account', 'passwd', USER, '--password-stdin'], 'Mat-khau-rieng-2026\n');
    expect(changed.code, changed.stderr).to.equal(0);
    const again = await cli(['account', 'passwd', USER, '--password-stdin'], 'Mat-khau-rieng-2026\n');
    expect(again.code).to.equal(2);
  });
});
