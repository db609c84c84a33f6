// The exact bytes docgate puts on the wire for the replies a client parses (DESIGN.md "Replies"):
// smtp-server would otherwise derive enhanced codes from the basic code only.

import { expect } from 'chai';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, TEST_PASSWORD, type TestGateway } from '../helpers/gateway.js';
import { authenticatedSession, WireClient } from '../helpers/smtp-wire.js';

describe('SMTP wire bytes', function () {
  let tg: TestGateway;
  before(async () => {
    tg = await startTestGateway();
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  });
  after(async () => tg.stop());

  it('greets, lists extensions before and after TLS, and answers an accepted document', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    expect((await c.reply()).text).to.equal('220 docgate.test ESMTP docgate - Cong van dien tu / Official document gateway');
    const plain = await c.command('EHLO client.test');
    expect(plain.lines.slice(1)).to.deep.equal(['250-PIPELINING', '250-8BITMIME', '250-SMTPUTF8', '250-ENHANCEDSTATUSCODES', '250-STARTTLS', '250 SIZE 26214400']);
    await c.starttls();
    const secure = await c.command('EHLO client.test');
    expect(secure.lines.slice(1)).to.deep.equal(['250-PIPELINING', '250-8BITMIME', '250-SMTPUTF8', '250-ENHANCEDSTATUSCODES', '250-AUTH PLAIN LOGIN', '250 SIZE 26214400']);
    expect((await c.login(AGENCIES.ubnd.address, TEST_PASSWORD)).text).to.equal('235 2.7.0 Authentication successful');
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).text).to.equal('250 2.1.0 Accepted');
    expect((await c.command(`RCPT TO:<${AGENCIES.snv.address}>`)).text).to.equal('250 2.1.5 Accepted');
    expect((await c.command('DATA')).code).to.equal(354);
    c.write(`From: ${AGENCIES.ubnd.address}\r\nTo: ${AGENCIES.snv.address}\r\nSubject: Cong van\r\n\r\nNoi dung\r\n.\r\n`);
    const reply = await c.reply();
    expect(reply.lines).to.have.length(1);
    expect(reply.text).to.match(/^250 2\.0\.0 Da nhan van ban, ma theo doi DG\d{8}-[A-Z2-9]{10} \/ Accepted, tracking id DG\d{8}-[A-Z2-9]{10}$/);
    expect((await c.command('QUIT')).text).to.match(/^221 2\.0\.0 /);
    c.close();
  });

  it('writes the reason code and its own enhanced code on a refusal (not smtp-server 5.1.1)', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    const reply = await c.command(`MAIL FROM:<${AGENCIES.snv.address}>`);
    expect(reply.text.startsWith('550 5.7.1 [sender-unauthorized] ')).to.equal(true);
    expect(reply.text).to.not.contain('5.1.1');
    c.close();
  });
});
