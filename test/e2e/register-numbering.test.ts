// Số đến runs 1..N per agency per year with no gap and no repeat, whatever the concurrency.

import { expect } from 'chai';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, type TestGateway } from '../helpers/gateway.js';
import { registerYear } from '../../policies/text/dates.js';

describe('Register numbering under concurrency', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  before(async () => {
    tg = await startTestGateway();
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    await addClerk(tg.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
  });
  after(async () => tg.stop());

  it('50 concurrent submissions to 3 agencies: each agency numbered 1..N, no gap, no repeat', async () => {
    const senders = [AGENCIES.ubnd, AGENCIES.snv];
    const targets = [AGENCIES.ubnd, AGENCIES.snv, AGENCIES.stttt];
    const expected = new Map<string, number>();
    const jobs = Array.from({ length: 50 }, (_, i) => {
      const sender = senders[i % 2];
      const to = targets.filter((t) => t !== sender && (i % 3 !== 0 || t === AGENCIES.stttt)).map((t) => t.address);
      for (const address of to) {
        const id = targets.find((t) => t.address === address)!.id;
        expected.set(id, (expected.get(id) ?? 0) + 1);
      }
      return { sender, to, i };
    });
    const clients = senders.map((s) => transport(tg.starttlsPort, s.address));
    const responses = await Promise.all(
      jobs.map((job) =>
        clients[senders.indexOf(job.sender)].sendMail({
          from: job.sender.address,
          to: job.to,
          subject: `Công văn số ${job.i}`,
          text: `Số ký hiệu: ${job.i + 10}/UBND-VX\nNgày ký: 01/11/2026\nLoại văn bản: Công văn\n`,
        }),
      ),
    );
    expect(responses.every((r) => r.response.startsWith('250 2.0.0 Da nhan van ban'))).to.equal(true);
    const year = registerYear(new Date(), 'Asia/Ho_Chi_Minh');
    for (const agency of targets) {
      const book = await tg.gateway.storage.register.book(agency.id, 'incoming', year);
      const numbers = book.map((e) => e.number);
      expect(numbers, agency.id).to.deep.equal(Array.from({ length: expected.get(agency.id) ?? 0 }, (_, k) => k + 1));
    }
    for (const sender of senders) {
      const book = await tg.gateway.storage.register.book(sender.id, 'outgoing', year);
      expect(book.map((e) => e.number)).to.deep.equal(Array.from({ length: 25 }, (_, k) => k + 1));
    }
  });
});
