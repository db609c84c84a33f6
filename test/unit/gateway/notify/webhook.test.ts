import { expect } from 'chai';
import { fillTemplate } from '../../../../gateway/notify/webhook.js';

describe('SMS webhook body template', () => {
  it('fills placeholders inside strings only, so quotes in values cannot break the JSON', () => {
    const body = fillTemplate(
      { to: '{phone}', text: '{text}', meta: { ref: 'VB {soKyHieu}', n: 3, list: ['{agency}', true] }, '{phone}': 'key kept', unknown: '{nope}' },
      { phone: '+84912000002', text: 'V/v "bão" số 12 \\ }', soKyHieu: '05/QĐ-UBND', agency: 'Sở Nội vụ' },
    );
    expect(body).to.deep.equal({
      to: '+84912000002',
      text: 'V/v "bão" số 12 \\ }',
      meta: { ref: 'VB 05/QĐ-UBND', n: 3, list: ['Sở Nội vụ', true] },
      '{phone}': 'key kept',
      unknown: '{nope}',
    });
    expect(JSON.parse(JSON.stringify(body))).to.deep.equal(body);
  });
});
