// MAIL FROM / RCPT TO: parameters of extensions we do not advertise (555 5.5.4, like Postfix), non-ASCII
// addresses without SMTPUTF8 (553 5.6.7, RFC 6531), and the sender being the clerk's own address.

import { expect } from 'chai';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, TEST_PASSWORD, type TestGateway } from '../helpers/gateway.js';
import { authenticatedSession } from '../helpers/smtp-wire.js';

describe('SMTP envelope', function () {
  let tg: TestGateway;
  const colleague = `ke-toan@${AGENCIES.ubnd.address.split('@')[1]}`;
  before(async () => {
    tg = await startTestGateway();
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    await addClerk(tg.gateway, colleague, AGENCIES.ubnd.id);
  });
  after(async () => tg.stop());

  it('refuses a non-ASCII MAIL FROM without SMTPUTF8 with 553 5.6.7', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    const reply = await c.command('MAIL FROM:<văn-thư@sotttt.hatinh.gov.vn>');
    expect(reply.text).to.match(
      /^553 5\.6\.7 \[smtputf8-required\] Dia chi co ky tu ngoai ASCII can tham so SMTPUTF8: [\x20-\x7e]+ \/ Non-ASCII address requires the SMTPUTF8 parameter: /,
    );
    c.close();
  });

  it('refuses a non-ASCII RCPT TO without SMTPUTF8, and judges it as an address with SMTPUTF8', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}>`)).code).to.equal(250);
    expect((await c.command('RCPT TO:<văn-thư@snv.hatinh.gov.vn>')).text).to.match(/^553 5\.6\.7 \[smtputf8-required\] /);
    expect((await c.command('RSET')).code).to.equal(250);
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}> SMTPUTF8`)).text).to.equal('250 2.1.0 Accepted');
    expect((await c.command('RCPT TO:<văn-thư@khong-co.example>')).text).to.match(/^550 5\.1\.1 \[recipient-unknown\] /);
    expect((await c.command(`RCPT TO:<${AGENCIES.snv.address}>`)).code).to.equal(250);
    c.close();
  });

  it('answers unknown MAIL and RCPT parameters with 555 5.5.4 and keeps the advertised ones', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}> XJUNK=1`)).text).to.equal(
      '555 5.5.4 [protocol-violation] Vi pham giao thuc SMTP: tham so khong duoc ho tro XJUNK / SMTP protocol violation: unsupported parameter XJUNK',
    );
    // DSN is not advertised, so its parameters are unknown too.
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}> RET=HDRS`)).code).to.equal(555);
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address}> SIZE=1000 BODY=8BITMIME SMTPUTF8`)).text).to.equal('250 2.1.0 Accepted');
    expect((await c.command(`RCPT TO:<${AGENCIES.snv.address}> NOTIFY=NEVER`)).code).to.equal(555);
    expect((await c.command(`RCPT TO:<${AGENCIES.snv.address}> XJUNK`)).code).to.equal(555);
    expect((await c.command(`RCPT TO:<${AGENCIES.snv.address}>`)).code).to.equal(250);
    c.close();
  });

  it("refuses a colleague's address as MAIL FROM: the register records the clerk's own", async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    expect((await c.command(`MAIL FROM:<${colleague}>`)).text).to.match(/^550 5\.7\.1 \[sender-unauthorized\] /);
    expect((await c.command(`MAIL FROM:<${AGENCIES.ubnd.address.toUpperCase()}>`)).code).to.equal(250);
    c.close();
  });
});
