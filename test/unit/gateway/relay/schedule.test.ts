// The relay's retry decisions: 5xx fails at once, 4xx waits per the schedule (last step repeats), never
// beyond the give-up time, gives up with a final DSN, and owes one warning DSN after warnAfter.

import { expect } from 'chai';
import { decide, waitAfter } from '../../../../gateway/relay/schedule.js';

const S = { schedule: [60_000, 300_000, 900_000], giveUp: 5 * 24 * 3600_000, warnAfter: 4 * 3600_000 };
const created = new Date('2026-12-01T00:00:00Z');
const at = (ms: number) => new Date(created.getTime() + ms);
const temporary = { kind: 'temporary' as const, reply: '451 4.3.0 busy' };

describe('relay schedule', () => {
  it('waits per attempt, the last step repeating', () => {
    expect([1, 2, 3, 4, 10].map((a) => waitAfter(a, S.schedule))).to.deep.equal([60_000, 300_000, 900_000, 900_000, 900_000]);
  });

  it('delivered and permanent outcomes end the job (a DSN only for the failure)', () => {
    expect(decide({ attempts: 1, createdAt: created, warnedAt: null }, { kind: 'delivered', reply: '250', rejected: [] }, at(1000), S)).to.deep.equal({
      status: 'delivered',
      dsn: null,
    });
    expect(decide({ attempts: 1, createdAt: created, warnedAt: null }, { kind: 'permanent', reply: '550' }, at(1000), S)).to.deep.equal({
      status: 'failed',
      dsn: 'failed',
    });
  });

  it('a temporary failure is retried after the schedule step, without a DSN before warnAfter', () => {
    const d = decide({ attempts: 2, createdAt: created, warnedAt: null }, temporary, at(120_000), S);
    expect(d.status).to.equal('queued');
    expect(d.dsn).to.equal(null);
    expect(d.nextAttemptAt!.getTime()).to.equal(at(120_000 + 300_000).getTime());
  });

  it('owes one warning DSN once warnAfter passed', () => {
    expect(decide({ attempts: 9, createdAt: created, warnedAt: null }, temporary, at(S.warnAfter), S).dsn).to.equal('delayed');
    expect(decide({ attempts: 10, createdAt: created, warnedAt: at(S.warnAfter) }, temporary, at(S.warnAfter + 1000), S).dsn).to.equal(null);
  });

  it('the last try is at the give-up time, then the job fails with the final DSN', () => {
    const near = decide({ attempts: 50, createdAt: created, warnedAt: at(1) }, temporary, at(S.giveUp - 10_000), S);
    expect(near.nextAttemptAt!.getTime()).to.equal(at(S.giveUp).getTime());
    expect(decide({ attempts: 51, createdAt: created, warnedAt: at(1) }, temporary, at(S.giveUp), S)).to.deep.equal({ status: 'failed', dsn: 'failed' });
  });
});
