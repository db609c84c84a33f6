// The shared password rule set: every rule of Quy chế Điều 10.2 as the issue found it broken, named in
// the bilingual error, and passwords that must stay acceptable.

import { expect } from 'chai';
import { hashPassword } from '../../../storage/accounts/password.js';
import { checkNewPassword, generateAcceptablePassword, passwordProblem } from '../../../storage/accounts/password-rules.js';

const USER = 'nguyenvana@snv.hatinh.gov.vn';
/** docgate.yaml's defaults: 10 characters, 3 classes. */
const RULES = { minLength: 10, minClasses: 3 };

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
    // Two classes only: lowercase and digits, lowercase and symbols, uppercase and digits.
    ['hoinghithang11', USER, 'classes'],
    ['so-den-nam-nay', USER, 'classes'],
    ['HOINGHI2027XK', USER, 'classes'],
    ['hội nghị tháng mười', USER, 'classes'],
  ];
  for (const [password, user, rule] of refused) {
    it(`refuses ${JSON.stringify(password)} for ${user} (${rule})`, () => {
      const problem = passwordProblem(user, password, RULES);
      expect(problem?.rule).to.equal(rule);
      expect(problem!.vi).to.match(/mật khẩu/);
      expect(problem!.en).to.match(/password/);
    });
  }

  for (const password of ['Tam-thoi-12345', 'Mat-khau-rieng-2026', 'Cap-phat-bang-script-1', 'Hội-nghị-tháng-11', 'k7Gm2xQpL9vRtZ', 'Sổ đến năm hai nghìn']) {
    it(`accepts ${JSON.stringify(password)}`, () => {
      expect(passwordProblem(USER, password, RULES)).to.equal(null);
    });
  }

  it('refuses the current or temporary password as the new one', async () => {
    const hash = await hashPassword('Tam-thoi-K7Gm2x');
    const same = await checkNewPassword({ email: USER, password: 'Tam-thoi-K7Gm2x', rules: RULES, currentHash: hash });
    expect(same?.rule).to.equal('unchanged');
    expect(same?.en).to.equal('the new password must differ from the current or temporary password');
    expect(await checkNewPassword({ email: USER, password: 'Mat-khau-rieng-2026', rules: RULES, currentHash: hash })).to.equal(null);
  });

  it('counts Vietnamese letters by their case, and asks for as many classes as configured', () => {
    expect(passwordProblem(USER, 'đường-sắt-bắc-nam', RULES)?.rule).to.equal('classes');
    expect(passwordProblem(USER, 'Đường-sắt-bắc-nam', RULES)).to.equal(null);
    const four = { minLength: 10, minClasses: 4 };
    const problem = passwordProblem(USER, 'Mat-khau-rieng-moi', four);
    expect(problem?.rule).to.equal('classes');
    expect(problem?.vi).to.equal('mật khẩu phải có ít nhất 4 trong 4 loại ký tự: chữ thường, chữ hoa, chữ số, ký tự khác');
    expect(passwordProblem(USER, 'Mat-khau-rieng-2026', four)).to.equal(null);
    expect(passwordProblem(USER, 'hoinghithang11', { minLength: 10, minClasses: 2 })).to.equal(null);
  });

  it('generates temporary passwords that pass the same rules', () => {
    for (const minClasses of [3, 4]) {
      const rules = { minLength: 12, minClasses };
      for (let i = 0; i < 200; i++) expect(passwordProblem(USER, generateAcceptablePassword(USER, rules), rules)).to.equal(null);
    }
  });
});
