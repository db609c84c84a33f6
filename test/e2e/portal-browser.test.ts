// The portal in headless Chromium (one browser for the file): a new clerk's first login with a
// temporary password leads to the change page (the user name as password is refused with its
// message); the new password then works for SMTP and IMAP, and the document sent is on the portal
// with its status and receipts, one verified with the button. An administrator's report page draws
// its chart (a screenshot with more than four colours). An administrator locks the account from the portal and SMTP AUTH and IMAP LOGIN
// fail at once. Hostile trích yếu, sender name and file name are shown as text: no script runs.

import { expect } from 'chai';
import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Browser, Page } from 'playwright-core';
import { addClerk, TEST_PASSWORD, transport } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { noticesSettled } from '../helpers/notices.js';
import { pngColourCount } from '../helpers/png-colours.js';
import { launchChromium } from '../helpers/chromium.js';
import { startPortalGateway, type PortalGateway } from '../helpers/portal.js';

const NEW_CLERK = `nguyen.van.binh@${AGENCIES.snv.domain}`;
const TEMPORARY = 'Tam-thoi-Xk7pQ2wZ';
const CHOSEN = 'So-Noi-vu-Ha-Tinh-2027!';
const ADMIN = `quantri@${AGENCIES.ubnd.domain}`;

async function imapLogin(pg: PortalGateway, user: string, pass: string): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: pg.imapTlsPort,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user, pass },
    logger: false,
  });
  await client.connect();
  await client.logout();
}

async function smtpVerify(pg: PortalGateway, user: string, pass: string): Promise<void> {
  const client = transport(pg.tlsPort, user, pass, true);
  try {
    await client.verify();
  } finally {
    client.close();
  }
}

async function login(page: Page, pg: PortalGateway, email: string, password: string): Promise<void> {
  await page.goto(`${pg.baseUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

describe('web portal in Chromium', function () {
  this.timeout(120_000);
  let pg: PortalGateway;
  let browser: Browser;

  before(async () => {
    pg = await startPortalGateway();
    browser = await launchChromium();
    await addClerk(pg.gateway, NEW_CLERK, AGENCIES.snv.id, { password: TEMPORARY, mustChange: true });
    await addClerk(pg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    await addClerk(pg.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
    await addClerk(pg.gateway, ADMIN, AGENCIES.ubnd.id);
    await pg.gateway.storage.writes.run((t) => pg.gateway.storage.accounts.setRole(t, ADMIN, 'admin', new Date()));
  });

  after(async () => {
    await browser?.close();
    await pg?.stop();
  });

  it('makes a new clerk change the temporary password, then shows the document sent with the new one', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'vi-VN' });
    const page = await context.newPage();
    // The temporary password is refused by SMTP until it is changed.
    let refused: unknown = null;
    await smtpVerify(pg, NEW_CLERK, TEMPORARY).catch((err: unknown) => (refused = err));
    expect(String(refused)).to.match(/535/);

    await login(page, pg, NEW_CLERK, TEMPORARY);
    expect(new URL(page.url()).pathname).to.equal('/password');
    // Nothing else is reachable before the change.
    await page.goto(`${pg.baseUrl}/incoming`);
    expect(new URL(page.url()).pathname).to.equal('/password');
    const change = async (next: string) => {
      await page.fill('input[name=current]', TEMPORARY);
      await page.fill('input[name=password]', next);
      await page.fill('input[name=confirm]', next);
      await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    };
    await change(NEW_CLERK);
    expect(await page.textContent('p.error')).to.contain('mật khẩu không được trùng tên đăng nhập');
    await change(CHOSEN);
    expect(new URL(page.url()).pathname).to.equal('/incoming');
    expect(await page.textContent('h1')).to.equal('Sổ văn bản đến');

    // At once: SMTP AUTH and IMAP LOGIN take the new password.
    await imapLogin(pg, NEW_CLERK, CHOSEN);
    const smtp = transport(pg.tlsPort, NEW_CLERK, CHOSEN, true);
    const info = await smtp.sendMail({
      from: NEW_CLERK,
      to: AGENCIES.ubnd.address,
      subject: 'V/v báo cáo biên chế năm 2027',
      text: 'Số ký hiệu: 31/BC-SNV\nTrích yếu: V/v báo cáo biên chế năm 2027\n',
      attachments: [{ filename: 'Báo cáo 31.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }],
    });
    smtp.close();
    expect(info.response).to.match(/^250 /);
    const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)![1];

    await page.goto(`${pg.baseUrl}/outgoing`);
    const row = page.locator('table.register tbody tr', { hasText: '31/BC-SNV' });
    expect(await row.count()).to.equal(1);
    expect(await row.textContent())
      .to.contain('Đã gửi')
      .and.to.contain('V/v báo cáo biên chế năm 2027')
      .and.to.match(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    await Promise.all([page.waitForNavigation(), row.locator('a').click()]);
    expect(new URL(page.url()).pathname).to.equal(`/documents/${trackingId}`);
    expect(await page.textContent('table.fields'))
      .to.contain('Đã chấp nhận')
      .and.to.contain('31/BC-SNV');
    expect(await page.textContent('ul.files')).to.contain('Báo cáo 31.pdf');
    // Its receipts, once the notice worker has made them, and the check of one with the button.
    await noticesSettled(pg, trackingId);
    await page.reload();
    const receipts = page.locator('table.receipts tbody tr');
    expect(await receipts.count()).to.equal(2);
    expect(await page.textContent('table.receipts'))
      .to.contain('Biên nhận chấp nhận')
      .and.to.contain('Biên nhận chuyển giao');
    await Promise.all([page.waitForNavigation(), receipts.filter({ hasText: 'Biên nhận chấp nhận' }).locator('form button').click()]);
    expect(await page.textContent('.receipt-check.valid p.ok')).to.match(/^Chữ ký hợp lệ: ký bởi /);
    expect(await page.textContent('.receipt-check'))
      .to.contain('Văn bản gốc khớp với biên nhận (bản đã gửi)')
      .and.to.contain(trackingId);
    // English on request, the same page.
    await Promise.all([page.waitForNavigation(), page.click('a.lang')]);
    expect(await page.textContent('table.fields')).to.contain('Accepted');
    await context.close();
  });

  it('lets an administrator lock the account: SMTP AUTH and IMAP LOGIN fail', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'vi-VN' });
    const page = await context.newPage();
    await login(page, pg, ADMIN, TEST_PASSWORD);
    await page.goto(`${pg.baseUrl}/admin/accounts`);
    const row = page.locator('table.accounts tbody tr', { hasText: NEW_CLERK });
    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForNavigation(), row.locator('form[action$="/lock"] button').click()]);
    expect(await page.locator('table.accounts tbody tr', { hasText: NEW_CLERK }).textContent()).to.contain('bị khóa');

    let smtpError: unknown = null;
    await smtpVerify(pg, NEW_CLERK, CHOSEN).catch((err: unknown) => (smtpError = err));
    expect(String(smtpError)).to.match(/535.*(Tai khoan da bi khoa|locked by the administrator)/);
    let imapError: unknown = null;
    await imapLogin(pg, NEW_CLERK, CHOSEN).catch((err: unknown) => (imapError = err));
    expect(imapError).to.be.instanceOf(Error);

    // The lock is a register event naming the administrator.
    const events = await pg.gateway.storage.db.models.RegisterEvent.findAll({ where: { kind: 'admin' }, order: [['seq', 'ASC']] });
    expect(events.map((e) => [e.get('status'), e.get('actor'), e.get('subject')])).to.deep.include(['account-locked', ADMIN, NEW_CLERK]);
    await context.close();
  });

  it('draws the administrator’s report chart', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'vi-VN', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await login(page, pg, ADMIN, TEST_PASSWORD);
    await page.goto(`${pg.baseUrl}/admin/reports`);
    expect(await page.textContent('h1')).to.equal('Báo cáo sử dụng văn bản điện tử');
    const chart = page.locator('figure#chart-months svg');
    expect(await chart.count()).to.equal(1);
    const box = await chart.boundingBox();
    expect(box!.width).to.be.greaterThan(300);
    const png = await chart.screenshot();
    // Bars of several series, axes, labels: many colours; a blank or unstyled box has one or two.
    expect(pngColourCount(png)).to.be.greaterThan(4);
    // The document sent in the first test is counted in the table under the chart.
    expect(await page.textContent('table.report-months')).to.match(/\d{2}\/\d{4}/);
    // Nothing was blocked by the CSP (an inline style or script would be).
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).to.deep.equal([]);
    await context.close();
  });

  it('shows hostile trích yếu, sender name and file name as text', async () => {
    const payload = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
    const raw = await new MailComposer({
      from: { name: '"><img src=x onerror="window.__xss=3">', address: AGENCIES.ubnd.address },
      to: AGENCIES.snv.address,
      subject: 'V/v kiểm tra',
      text: `Số ký hiệu: 99/CV-UBND\nTrích yếu: V/v ${payload}\n`,
      attachments: [{ filename: '<svg onload="window.__xss=4">.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }],
    })
      .compile()
      .build();
    const smtp = transport(pg.tlsPort, AGENCIES.ubnd.address, TEST_PASSWORD, true);
    const info = await smtp.sendMail({ envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] }, raw });
    smtp.close();
    const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)![1];

    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await login(page, pg, AGENCIES.snv.address, TEST_PASSWORD);
    await page.goto(`${pg.baseUrl}/incoming`);
    expect(await page.locator('table.register tbody').textContent()).to.contain(payload);
    await page.goto(`${pg.baseUrl}/documents/${trackingId}`);
    const fields = await page.textContent('table.fields');
    expect(fields).to.contain(payload).and.to.contain('"><img src=x onerror="window.__xss=3">');
    expect(await page.textContent('ul.files')).to.contain('<svg onload="window.__xss=4">.pdf');
    expect(await page.locator('main script, main img, main svg').count()).to.equal(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).to.equal(undefined);
    // The sender's receipt check shows the receipt's trích yếu: as text too.
    await noticesSettled(pg, trackingId);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
    await login(page, pg, AGENCIES.ubnd.address, TEST_PASSWORD);
    await page.goto(`${pg.baseUrl}/documents/${trackingId}`);
    await Promise.all([page.waitForNavigation(), page.locator('table.receipts tbody tr').first().locator('form button').click()]);
    expect(await page.textContent('.receipt-check')).to.contain(payload);
    expect(await page.locator('main script, main img, main svg').count()).to.equal(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).to.equal(undefined);
    expect(dialogs).to.deep.equal([]);
    await context.close();
  });
});
