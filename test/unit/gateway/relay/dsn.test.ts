// The DSN's Status field: the peer's enhanced code when it gave one, 4.4.7 when the give-up time passed.

import { expect } from 'chai';
import { statusOf } from '../../../../gateway/relay/dsn.js';

describe('relay DSN status', () => {
  it("DSN status: the reply's enhanced code, 4.4.7 when the give-up time passed", () => {
    expect(statusOf({ reply: '550 5.1.1 unknown', action: 'failed', expired: false })).to.equal('5.1.1');
    expect(statusOf({ reply: '554 rejected', action: 'failed', expired: false })).to.equal('5.0.0');
    expect(statusOf({ reply: '451 4.3.0 busy', action: 'failed', expired: true })).to.equal('4.4.7');
    expect(statusOf({ reply: 'ECONNREFUSED', action: 'delayed', expired: false })).to.equal('4.0.0');
  });
});
