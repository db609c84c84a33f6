// `docgate account …` against a running gateway's data: temporary passwords must be changed before
// sending (Quy chế Điều 10.2), a password may not equal the user name, locks take effect at once.

import { expect } from 'chai';
import { AGENCIES } from '../helpers/env.js';
import { cliFor, runCli } from '../helpers/child.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { authReply } from '../helpers/smtp-wire.js';

describe('docgate account', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let cli: (args: string[], input?: string) => ReturnType<typeof runCli>;
  before(async () => {
    tg = await startTestGateway();
    cli = cliFor(tg.env);
  });
  after(async () => tg.stop());

  it('adds a clerk with a temporary password that must be changed before sending', async () => {
    const add = await cli(['account', 'add', 'nguyen.a@snv.hatinh.gov.vn', '--agency', AGENCIES.snv.id, '--password-stdin'], 'Tam-thoi-12345\n');
    expect(add.code, add.stderr).to.equal(0);
    expect(add.stdout).to.contain('Đã tạo tài khoản nguyen.a@snv.hatinh.gov.vn (000.01.00.H27) / Account created');
    expect(add.stdout).to.contain('Phải đổi mật khẩu trước khi gửi');
    expect(await authReply(tg.tlsPort, 'nguyen.a@snv.hatinh.gov.vn', 'Tam-thoi-12345')).to.match(
      /^535 5\.7\.8 \[auth-required\] Mat khau tam thoi phai duoc doi/,
    );
    const passwd = await cli(['account', 'passwd', 'nguyen.a@snv.hatinh.gov.vn', '--password-stdin'], 'Mat-khau-rieng-2026\n');
    expect(passwd.code, passwd.stderr).to.equal(0);
    expect(await authReply(tg.tlsPort, 'nguyen.a@snv.hatinh.gov.vn', 'Tam-thoi-12345')).to.match(/^535 /);
    expect(await authReply(tg.tlsPort, 'nguyen.a@snv.hatinh.gov.vn', 'Mat-khau-rieng-2026')).to.equal('235 2.7.0 Authentication successful');
  });

  it('generates a temporary password when none is given, and --permanent skips the change', async () => {
    const generated = await cli(['account', 'add', 'tran.b@snv.hatinh.gov.vn', '--agency', AGENCIES.snv.id]);
    expect(generated.code, generated.stderr).to.equal(0);
    const password = /Mật khẩu tạm thời: (\S+) \//.exec(generated.stdout)?.[1];
    expect(password).to.match(/^[A-Za-z2-9]{14}$/);
    expect(await authReply(tg.tlsPort, 'tran.b@snv.hatinh.gov.vn', password!)).to.match(/^535 .*Mat khau tam thoi/);
    const permanent = await cli(
      ['account', 'add', 'le.c@snv.hatinh.gov.vn', '--agency', AGENCIES.snv.id, '--password-stdin', '--permanent'],
      'Cap-phat-bang-script-1\n',
    );
    expect(permanent.code, permanent.stderr).to.equal(0);
    expect(await authReply(tg.tlsPort, 'le.c@snv.hatinh.gov.vn', 'Cap-phat-bang-script-1')).to.equal('235 2.7.0 Authentication successful');
  });

  it('refuses a password equal to the user name, a short one, a foreign address and a duplicate', async () => {
    const same = await cli(['account', 'add', 'pham.d@snv.hatinh.gov.vn', '--agency', AGENCIES.snv.id, '--password-stdin'], 'pham.d@snv.hatinh.gov.vn\n');
    expect(same.code).to.equal(2);
    expect(same.stderr).to.contain('mật khẩu không được trùng tên đăng nhập / Password refused: the password may not equal the user name');
    const local = await cli(['account', 'add', 'pham.d@snv.hatinh.gov.vn', '--agency', AGENCIES.snv.id, '--password-stdin'], 'PHAM.D\n');
    expect(local.code).to.equal(2);
    const short = await cli(['account', 'add', 'pham.d@snv.hatinh.gov.vn', '--agency', AGENCIES.snv.id, '--password-stdin'], 'short\n');
    expect(short.code).to.equal(2);
    expect(short.stderr).to.contain('at least 10 characters');
    const foreign = await cli(['account', 'add', 'pham.d@ubnd.hatinh.gov.vn', '--agency', AGENCIES.snv.id, '--password-stdin'], 'Mot-mat-khau-dai\n');
    expect(foreign.code).to.equal(2);
    expect(foreign.stderr).to.contain('is not an address of 000.01.00.H27');
    const duplicate = await cli(['account', 'add', 'le.c@snv.hatinh.gov.vn', '--agency', AGENCIES.snv.id, '--password-stdin'], 'Mot-mat-khau-dai\n');
    expect(duplicate.code).to.equal(1);
    expect(duplicate.stderr).to.contain('Account already exists');
    expect(await tg.gateway.storage.accounts.find('pham.d@snv.hatinh.gov.vn')).to.equal(null);
  });

  it('locks and unlocks an account; unlock also clears a failed-login lock', async () => {
    expect((await cli(['account', 'lock', 'le.c@snv.hatinh.gov.vn'])).code).to.equal(0);
    expect(await authReply(tg.tlsPort, 'le.c@snv.hatinh.gov.vn', 'Cap-phat-bang-script-1')).to.match(/^535 .*Account locked by the administrator/);
    expect((await cli(['account', 'unlock', 'le.c@snv.hatinh.gov.vn'])).code).to.equal(0);
    for (let i = 0; i < 5; i++) await authReply(tg.tlsPort, 'le.c@snv.hatinh.gov.vn', 'wrong-wrong-wrong');
    expect(await authReply(tg.tlsPort, 'le.c@snv.hatinh.gov.vn', 'Cap-phat-bang-script-1')).to.match(/^535 .*Account temporarily locked/);
    expect((await cli(['account', 'unlock', 'le.c@snv.hatinh.gov.vn'])).code).to.equal(0);
    expect(await authReply(tg.tlsPort, 'le.c@snv.hatinh.gov.vn', 'Cap-phat-bang-script-1')).to.equal('235 2.7.0 Authentication successful');
    const missing = await cli(['account', 'lock', 'nobody@snv.hatinh.gov.vn']);
    expect(missing.code).to.equal(1);
  });

  it('lists accounts as text and JSON', async () => {
    const text = await cli(['account', 'list', '--agency', AGENCIES.snv.id]);
    expect(text.code).to.equal(0);
    expect(text.stdout.split('\n')[0]).to.equal('EMAIL\tCƠ QUAN/AGENCY\tTRẠNG THÁI/STATE');
    expect(text.stdout).to.contain('tran.b@snv.hatinh.gov.vn\t000.01.00.H27\tmật khẩu tạm/temporary password');
    const json = JSON.parse((await cli(['account', 'list', '--json'])).stdout) as { email: string; mustChangePassword: boolean }[];
    expect(json.map((a) => a.email)).to.include.members(['nguyen.a@snv.hatinh.gov.vn', 'tran.b@snv.hatinh.gov.vn', 'le.c@snv.hatinh.gov.vn']);
    expect(json.find((a) => a.email === 'nguyen.a@snv.hatinh.gov.vn')?.mustChangePassword).to.equal(false);
  });
});
