import { expect } from 'chai';
import { endOfNextWorkingDay, reminderDue } from '../../../../gateway/notify/deadline.js';

const TZ = 'Asia/Ho_Chi_Minh';
const reminders = { enabled: true, deadline: 'next-working-day' as const, workdayEnd: '17:00', byUrgency: { flash: 2 * 3600_000 }, pollInterval: 5000 };

describe('reminder deadlines', () => {
  it('end of the next working day, in the register time zone', () => {
    // Wednesday 02/12/2026 09:00 +07 → Thursday 03/12 17:00 +07.
    expect(endOfNextWorkingDay(new Date('2026-12-02T02:00:00Z'), '17:00', TZ).toISOString()).to.equal('2026-12-03T10:00:00.000Z');
    // Friday 23:30 +07 (16:30 UTC Friday) → Monday 17:00 +07.
    expect(endOfNextWorkingDay(new Date('2026-12-04T16:30:00Z'), '17:00', TZ).toISOString()).to.equal('2026-12-07T10:00:00.000Z');
    // Friday 18:00 UTC is already Saturday 01:00 in Hà Nội → Monday.
    expect(endOfNextWorkingDay(new Date('2026-12-04T18:00:00Z'), '17:00', TZ).toISOString()).to.equal('2026-12-07T10:00:00.000Z');
    // Sunday → Monday.
    expect(endOfNextWorkingDay(new Date('2026-12-06T03:00:00Z'), '17:30', TZ).toISOString()).to.equal('2026-12-07T10:30:00.000Z');
  });

  it('Hỏa tốc: 2 hours; a configured duration wins over the working day', () => {
    const at = new Date('2026-12-02T02:00:00Z');
    expect(reminderDue(at, 'flash', reminders, TZ).toISOString()).to.equal('2026-12-02T04:00:00.000Z');
    expect(reminderDue(at, 'urgent', reminders, TZ).toISOString()).to.equal('2026-12-03T10:00:00.000Z');
    expect(reminderDue(at, null, { ...reminders, deadline: 1500 }, TZ).toISOString()).to.equal('2026-12-02T02:00:01.500Z');
  });
});
