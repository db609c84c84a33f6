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
    expect(plain.lines.slice(1)).to.deep.equal([
      '250-PIPELINING',
      '250-8BITMIME',
      '250-SMTPUTF8',
      '250-ENHANCEDSTATUSCODES',
      '250-STARTTLS',
      '250 SIZE 26214400',
    ]);
    await c.starttls();
    const secure = await c.command('EHLO client.test');
    expect(secure.lines.slice(1)).to.deep.equal([
      '250-PIPELINING',
      '250-8BITMIME',
      '250-SMTPUTF8',
      '250-ENHANCEDSTATUSCODES',
      '250-AUTH PLAIN LOGIN',
      '250 SIZE 26214400',
    ]);
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

  it("gives smtp-server's own refusals in both languages with a reason code", async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    expect((await c.command(`RCPT TO:<${AGENCIES.snv.address}>`)).text).to.equal('503 5.5.1 [protocol-violation] Can lenh MAIL truoc / Need MAIL command');
    expect((await c.command('MAIL FROM:<a b@c>')).text).to.equal('501 5.1.7 [protocol-violation] Dia chi nguoi gui sai cu phap / Bad sender address syntax');
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).code).to.equal(250);
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).text).to.equal('503 5.5.1 [protocol-violation] Lenh MAIL long nhau / Nested MAIL command');
    expect((await c.command('RCPT TO:<van\u0000thu@snv.hatinh.gov.vn>')).text).to.equal(
      '501 5.1.3 [protocol-violation] Dia chi nguoi nhan sai cu phap / Bad recipient address syntax',
    );
    expect((await c.command('KILL')).text).to.equal('500 5.5.2 [protocol-violation] Lenh khong hop le / Command not recognized');
    expect((await c.command('SHELL')).text).to.equal('500 5.5.2 [protocol-violation] Lenh khong hop le / Command not recognized');
    c.close();
  });
});
