// The register year and the duplicate rule's year: calendar years in the register's time zone, so the
// last hours of 31/12 UTC already belong to next year's books in Vietnam (UTC+7).

import { expect } from 'chai';
import { documentYear, intlZonedParts as intlParts, localDate, registerYear, zonedParts } from '../../../policies/text/dates.js';

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

describe('zoned wall-clock fields', function () {
  it('match Intl around offset changes, in half- and quarter-hour zones and before standard time', () => {
    const zones = ['Asia/Ho_Chi_Minh', 'UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns'];
    const instants = [
      '2026-03-29T00:59:59.999Z', // Berlin: the last millisecond of winter time
      '2026-03-29T01:00:00Z',
      '2026-11-01T05:59:59Z', // New York: the repeated hour
      '2026-11-01T06:00:00Z',
      '2026-04-04T14:59:59Z', // Lord Howe: a 30-minute change
      '2026-04-04T15:00:00Z',
      '1906-06-30T16:53:19Z', // Hà Nội before standard time (an offset with seconds)
      '1975-06-13T16:00:00Z',
      '2026-12-31T16:59:59Z',
      '2026-12-31T17:00:00Z',
    ].map((t) => new Date(t));
    for (let i = 0; i < 200; i++) instants.push(new Date(Date.UTC(2026, 0, 1) + i * 1_987_654_321 * 0.83));
    for (const zone of zones) {
      for (const instant of instants) {
        // Twice: the second call is answered from the cached quarter hour.
        expect(zonedParts(instant, zone), `${zone} ${instant.toISOString()}`).to.deep.equal(intlParts(instant, zone));
        expect(zonedParts(new Date(instant.getTime() + 1), zone), `${zone} ${instant.toISOString()} +1 ms`).to.deep.equal(
          intlParts(new Date(instant.getTime() + 1), zone),
        );
      }
    }
  });
});
