// The command stream itself (outside DATA): bare LF / bare CR end the session with one reply, before
// smtp-server splits lines on /\r?\n/ (DESIGN.md "Measured facts"); the check holds after STARTTLS,
// across chunk boundaries, with pipelining and in AUTH continuation lines.

import { expect } from 'chai';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, TEST_PASSWORD, type TestGateway } from '../helpers/gateway.js';
import { authenticatedSession, WireClient, type SmtpReplyLines } from '../helpers/smtp-wire.js';

const BARE_LF = '550 5.5.2 [protocol-violation] Vi pham giao thuc SMTP: ky tu LF khong di kem CR (bare LF) / SMTP protocol violation: bare LF';
const BARE_CR = '550 5.5.2 [protocol-violation] Vi pham giao thuc SMTP: ky tu CR khong di kem LF (bare CR) / SMTP protocol violation: bare CR';

/** Every reply until the server closes the connection. */
async function repliesUntilClosed(c: WireClient): Promise<SmtpReplyLines[]> {
  const replies: SmtpReplyLines[] = [];
  for (;;) {
    try {
      replies.push(await c.reply(3000));
    } catch {
      return replies;
    }
  }
}

describe('SMTP command stream', function () {
  let tg: TestGateway;
  before(async () => {
    tg = await startTestGateway();
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  });
  after(async () => tg.stop());

  it('answers a bare LF between pipelined commands once and closes (after STARTTLS)', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    c.write(`MAIL FROM:<${AGENCIES.ubnd.address}>\nRCPT TO:<${AGENCIES.snv.address}>\r\n`);
    expect((await repliesUntilClosed(c)).map((r) => r.text)).to.deep.equal([BARE_LF]);
    expect(await c.waitClosed()).to.equal(true);
  });

  it('answers a bare CR inside a command once and closes', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    c.write(`MAIL FROM:<${AGENCIES.ubnd.address}>\rRCPT TO:<${AGENCIES.snv.address}>\r\n`);
    expect((await repliesUntilClosed(c)).map((r) => r.text)).to.deep.equal([BARE_CR]);
    expect(await c.waitClosed()).to.equal(true);
  });

  it('answers the good pipelined commands before the bad line, in order', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    await c.reply();
    c.write('EHLO client.test\r\nNOOP\r\nNOOP\nNOOP\r\n');
    const replies = await repliesUntilClosed(c);
    expect(replies.map((r) => r.code)).to.deep.equal([250, 250, 550]);
    expect(replies[2].text).to.equal(BARE_LF);
  });

  it('refuses a bare LF before STARTTLS too', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    await c.reply();
    c.write('EHLO client.test\n');
    expect((await repliesUntilClosed(c)).map((r) => r.text)).to.deep.equal([BARE_LF]);
  });

  it('accepts CRLF split across two chunks', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    await c.reply();
    c.write('NOOP\r');
    await new Promise((r) => setTimeout(r, 100));
    c.write('\nNOOP\r\n');
    expect((await c.reply()).code).to.equal(250);
    expect((await c.reply()).code).to.equal(250);
    expect(c.closed).to.equal(false);
    c.close();
  });

  it('refuses a bare CR that turns out not to be followed by LF in the next chunk', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    await c.reply();
    c.write('NOOP\r');
    await new Promise((r) => setTimeout(r, 100));
    c.write('NOOP\r\n');
    expect((await repliesUntilClosed(c)).map((r) => r.text)).to.deep.equal([BARE_CR]);
  });

  it('refuses a bare LF in an AUTH continuation line', async () => {
    const c = await WireClient.connect(tg.starttlsPort);
    await c.reply();
    await c.command('EHLO client.test');
    await c.starttls();
    await c.command('EHLO client.test');
    expect((await c.command('AUTH LOGIN')).code).to.equal(334);
    c.write(`${Buffer.from(AGENCIES.ubnd.address).toString('base64')}\n`);
    expect((await repliesUntilClosed(c)).map((r) => r.text)).to.deep.equal([BARE_LF]);
  });

  it('checks what follows a refused DATA in the same chunk as commands again', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    c.write(`MAIL FROM:<${AGENCIES.ubnd.address}>\r\nRCPT TO:<nobody@example.invalid>\r\nDATA\r\nNOOP\nNOOP\r\n`);
    const replies = await repliesUntilClosed(c);
    expect(replies.map((r) => r.code)).to.deep.equal([250, 550, 503, 550]);
    expect(replies[3].text).to.equal(BARE_LF);
  });

  it('still lets a DATA body through that arrives in the same chunk as DATA', async () => {
    const c = await authenticatedSession(tg.starttlsPort, AGENCIES.ubnd.address, TEST_PASSWORD);
    c.write(`MAIL FROM:<${AGENCIES.ubnd.address}>\r\nRCPT TO:<${AGENCIES.snv.address}>\r\nDATA\r\n`);
    expect((await c.reply()).code).to.equal(250);
    expect((await c.reply()).code).to.equal(250);
    expect((await c.reply()).code).to.equal(354);
    c.write(`From: ${AGENCIES.ubnd.address}\r\nTo: ${AGENCIES.snv.address}\r\nSubject: Cong van\r\n\r\nNoi dung\r\n.\r\nNOOP\r\n`);
    expect((await c.reply()).code).to.be.oneOf([250, 550]);
    expect((await c.command('NOOP')).code).to.equal(250);
    c.close();
  });
});
