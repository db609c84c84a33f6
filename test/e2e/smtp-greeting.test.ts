// The greeting: submission listeners greet as soon as the connection is set up (no 100 ms early-talker
// wait, which smtp-server hard-codes and gateway/smtp/patches.ts replaces with the listener's
// greetDelay), and a listener with a greetDelay still refuses a client that talks before the 220.
// Ordered by events, not timed: while setTimeout is a fake clock, submission greets and the delayed
// listener does not until the clock is moved past its delay.

import { expect } from 'chai';
import sinon from 'sinon';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { WireClient } from '../helpers/smtp-wire.js';

describe('SMTP greeting and early talkers', function () {
  let tg: TestGateway;
  let delayedPort: number;
  before(async () => {
    tg = await startTestGateway({
      docgate: {
        smtp: {
          listeners: [
            { host: '127.0.0.1', port: 0, tls: 'starttls' },
            { host: '127.0.0.1', port: 0, tls: 'starttls', greetDelay: '1m' },
          ],
        },
      },
    });
    delayedPort = tg.gateway.smtp.find((l) => l.listener.greetDelay > 0)!.port;
  });
  after(async () => tg.stop());

  it('refuses a client that talks before the greeting on a listener with greetDelay', async () => {
    const c = await WireClient.connect(delayedPort);
    try {
      c.write('EHLO early.test\r\n');
      const first = await c.reply();
      expect(first.code).to.equal(421);
      expect(first.text).to.match(/talk too soon/);
    } finally {
      c.close();
    }
  });

  it('greets on submission with no timer, before the delayed listener whose timer has not run', async function () {
    this.timeout(10_000);
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let delayed: WireClient | null = null;
    let submission: WireClient | null = null;
    try {
      delayed = await WireClient.connect(delayedPort);
      submission = await WireClient.connect(tg.starttlsPort);
      expect((await submission.reply()).code).to.equal(220);
      expect(delayed.unread()).to.equal('');
      clock.tick(60_000);
      expect((await delayed.reply()).code).to.equal(220);
    } finally {
      clock.restore();
      submission?.close();
      delayed?.close();
    }
  });
});
