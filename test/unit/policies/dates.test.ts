// The register year and the duplicate rule's year: calendar years in the register's time zone, so the
// last hours of 31/12 UTC already belong to next year's books in Vietnam (UTC+7).

import { expect } from 'chai';
import { documentYear, localDate, registerYear } from '../../../policies/text/dates.js';

describe('register year', function () {
  const HCM = 'Asia/Ho_Chi_Minh';

  it('31/12 at 17:30 UTC is 01/01 of next year in Asia/Ho_Chi_Minh; 16:59:59 UTC is still this year', () => {
    expect(registerYear(new Date('2026-12-31T17:30:00Z'), HCM)).to.equal(2027);
    expect(localDate(new Date('2026-12-31T17:30:00Z'), HCM)).to.equal('2027-01-01');
    expect(registerYear(new Date('2026-12-31T16:59:59Z'), HCM)).to.equal(2026);
    expect(registerYear(new Date('2026-12-31T17:00:00Z'), HCM)).to.equal(2027);
    expect(registerYear(new Date('2026-12-31T17:30:00Z'), 'UTC')).to.equal(2026);
  });

  it('a document is in its signing year when it has a signing date, else in the register year of receipt', () => {
    const lateEve = new Date('2026-12-31T17:30:00Z');
    expect(documentYear('2026-12-30', lateEve, HCM)).to.equal(2026);
    expect(documentYear(null, lateEve, HCM)).to.equal(2027);
    expect(documentYear('', lateEve, HCM)).to.equal(2027);
  });
});
