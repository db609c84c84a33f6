// The shared password rule set: every rule of Quy chế Điều 10.2 as the issue found it broken, named in
// the bilingual error, and passwords that must stay acceptable.

import { expect } from 'chai';
import { hashPassword } from '../../../storage/accounts/password.js';
import { checkNewPassword, generateAcceptablePassword, passwordProblem } from '../../../storage/accounts/password-rules.js';

const USER = 'nguyenvana@snv.hatinh.gov.vn';

describe('password rules', function () {
  const refused: [string, string, string][] = [
    ['1234567890', USER, 'pattern'],
    ['0987654321', USER, 'pattern'],
    ['aaaaaaaaaa', USER, 'pattern'],
    ['qwertyuiop', USER, 'pattern'],
    ['Qwerty123456', USER, 'pattern'],
    ['abcdefghij', USER, 'pattern'],
    ['aaaa-bbbb-cccc', USER, 'pattern'],
    ['nguyenvana1', USER, 'user-name-part'],
    ['NGUYENVANA-2026', USER, 'user-name-part'],
    ['anavneyugn2026', USER, 'user-name-part'],
    ['Nguyen.Van.A.2026', USER, 'user-name-part'],
    ['Mat-khau-tran-2026', 'le.tran_b@snv.hatinh.gov.vn', 'user-name-part'],
    ['Mat-khau-nart-2026', 'le.tran_b@snv.hatinh.gov.vn', 'user-name-part'],
    [`${USER} `, USER, 'user-name'],
    [` ${USER}`, USER, 'user-name'],
    ['NguyenVanA', USER, 'user-name'],
    ['short1', USER, 'length'],
    ['password2026', USER, 'common'],
    ['P@ssw0rd2026!', USER, 'common'],
    ['Matkhau@2026', USER, 'common'],
    ['anhyeuem123', USER, 'common'],
    ['iloveyou!!', USER, 'common'],
    [' Mat-khau-rieng-2026', USER, 'whitespace'],
    ['Mat-khau\n-2026', USER, 'control'],
  ];
  for (const [password, user, rule] of refused) {
    it(`refuses ${JSON.stringify(password)} for ${user} (${rule})`, () => {
      const problem = passwordProblem(user, password, 10);
      expect(problem?.rule).to.equal(rule);
      expect(problem!.vi).to.match(/mật khẩu/);
      expect(problem!.en).to.match(/password/);
    });
  }

  for (const password of ['Tam-thoi-12345', 'Mat-khau-rieng-2026', 'Cap-phat-bang-script-1', 'Hội-nghị-tháng-11', 'k7Gm2xQpL9vRtZ', 'Sổ đến năm hai nghìn']) {
    it(`accepts ${JSON.stringify(password)}`, () => {
      expect(passwordProblem(USER, password, 10)).to.equal(null);
    });
  }

  it('refuses the current or temporary password as the new one', async () => {
    const hash = await hashPassword('Tam-thoi-K7Gm2x');
    const same = await checkNewPassword({ email: USER, password: 'Tam-thoi-K7Gm2x', minLength: 10, currentHash: hash });
    expect(same?.rule).to.equal('unchanged');
    expect(same?.en).to.equal('the new password must differ from the current or temporary password');
    expect(await checkNewPassword({ email: USER, password: 'Mat-khau-rieng-2026', minLength: 10, currentHash: hash })).to.equal(null);
  });

  it('generates temporary passwords that pass the same rules', () => {
    for (let i = 0; i < 200; i++) expect(passwordProblem(USER, generateAcceptablePassword(USER, 12), 12)).to.equal(null);
  });
});
