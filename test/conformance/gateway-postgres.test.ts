// The gateway itself on PostgreSQL (the scale-out dialect): SMTP submissions registered and numbered.

import { expect } from 'chai';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, type TestGateway } from '../helpers/gateway.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { registerYear } from '../../policies/text/dates.js';

describe('gateway on PostgreSQL', function () {
  this.timeout(60_000);
  let temp: TempDatabase;
  let tg: TestGateway;
  before(async () => {
    temp = await createTempDatabase();
    tg = await startTestGateway({ docgate: { database: { url: temp.url } } });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  });
  after(async () => {
    await tg.stop();
    await temp.drop();
  });

  it('registers 20 concurrent submissions with consecutive numbers', async () => {
    const client = transport(tg.starttlsPort, AGENCIES.ubnd.address);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.sendMail({ from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address], subject: `Công văn ${i}`, text: `Số ký hiệu: ${i + 1}/UBND-VX\n` }),
      ),
    );
    expect(replies.every((r) => r.response.startsWith('250 2.0.0'))).to.equal(true);
    const year = registerYear(new Date(), 'Asia/Ho_Chi_Minh');
    const numbers = (await tg.gateway.storage.register.book(AGENCIES.snv.id, 'incoming', year)).map((e) => e.number);
    expect(numbers).to.deep.equal(Array.from({ length: 20 }, (_, k) => k + 1));
    expect(tg.gateway.storage.db.dialect).to.equal('postgres');
  });
});
