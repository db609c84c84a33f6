// Mail-client autoconfiguration from docgate.yaml's listeners: Thunderbird's config-v1.1.xml (both
// URLs, parsed as Thunderbird reads it: hostname, port, socketType, authentication, username), the
// public host name and ports when configured, POX autodiscover, the .mobileconfig, and 404 for a
// domain docgate does not serve. A client set up from the address alone (the XML's first IMAP and SMTP
// servers, %EMAILADDRESS% as user name) logs in, sends and reads.

import { expect } from 'chai';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { addClerk, TEST_PASSWORD } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { PortalClient, request, startPortalGateway, type PortalGateway } from '../helpers/portal.js';

interface ServerEntry {
  type: string;
  hostname: string;
  port: number;
  socketType: string;
  authentication: string;
  username: string;
}

function servers(xml: string, tag: 'incomingServer' | 'outgoingServer'): ServerEntry[] {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  expect(doc.documentElement?.tagName).to.equal('clientConfig');
  expect(doc.documentElement?.getAttribute('version')).to.equal('1.1');
  const text = (e: Element, name: string) => e.getElementsByTagName(name)[0]?.textContent ?? '';
  return Array.from(doc.getElementsByTagName(tag)).map((e) => ({
    type: e.getAttribute('type') ?? '',
    hostname: text(e, 'hostname'),
    port: Number(text(e, 'port')),
    socketType: text(e, 'socketType'),
    authentication: text(e, 'authentication'),
    username: text(e, 'username'),
  }));
}

describe('web portal: mail-client autoconfiguration', function () {
  this.timeout(60_000);
  let pg: PortalGateway;

  before(async () => {
    pg = await startPortalGateway();
  });

  after(async () => {
    await pg?.stop();
  });

  it('describes the IMAP and submission listeners for an agency address, as Thunderbird expects', async () => {
    const imapTls = pg.imapTlsPort;
    const smtpTls = pg.tlsPort;
    for (const path of [
      `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(AGENCIES.snv.address)}`,
      `/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(AGENCIES.snv.address)}`,
    ]) {
      const res = await request(pg.baseUrl, path);
      expect(res.status, path).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/xml/);
      expect(res.text).to.contain(`<domain>${AGENCIES.snv.domain}</domain>`);
      const incoming = servers(res.text, 'incomingServer');
      const outgoing = servers(res.text, 'outgoingServer');
      expect(incoming[0]).to.deep.equal({
        type: 'imap',
        hostname: '127.0.0.1',
        port: imapTls,
        socketType: 'SSL',
        authentication: 'password-cleartext',
        username: '%EMAILADDRESS%',
      });
      expect(incoming[1]).to.include({ type: 'imap', port: pg.imapStarttlsPort, socketType: 'STARTTLS' });
      expect(outgoing[0]).to.deep.equal({
        type: 'smtp',
        hostname: '127.0.0.1',
        port: smtpTls,
        socketType: 'SSL',
        authentication: 'password-cleartext',
        username: '%EMAILADDRESS%',
      });
      expect(outgoing[1]).to.include({ type: 'smtp', port: pg.starttlsPort, socketType: 'STARTTLS' });
    }
    // autoconfig.<domain> without the address: the Host header names the domain.
    const byHost = await request(pg.baseUrl, '/mail/config-v1.1.xml', { headers: { host: `autoconfig.${AGENCIES.ubnd.domain}` } });
    expect(byHost.status).to.equal(200);
    expect(byHost.text).to.contain(`<domain>${AGENCIES.ubnd.domain}</domain>`);
  });

  it('answers 404 for a domain docgate does not serve', async () => {
    expect((await request(pg.baseUrl, '/mail/config-v1.1.xml?emailaddress=someone%40gmail.com')).status).to.equal(404);
    expect((await request(pg.baseUrl, '/.well-known/autoconfig/mail/config-v1.1.xml', { headers: { host: 'example.org' } })).status).to.equal(404);
    const pox = (address: string) =>
      `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;
    const unknown = await request(pg.baseUrl, '/autodiscover/autodiscover.xml', {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: pox('a@example.org'),
    });
    expect(unknown.status).to.equal(404);
    // The POX request of an agency address (no cookie, no CSRF token: mail clients send none).
    const known = await request(pg.baseUrl, '/Autodiscover/Autodiscover.xml', {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: pox(AGENCIES.snv.address),
    });
    expect(known.status).to.equal(200);
    const doc = new DOMParser().parseFromString(known.text, 'text/xml');
    const protocols = Array.from(doc.getElementsByTagName('Protocol')).map((p) => ({
      type: p.getElementsByTagName('Type')[0]?.textContent,
      port: Number(p.getElementsByTagName('Port')[0]?.textContent),
      ssl: p.getElementsByTagName('SSL')[0]?.textContent,
      login: p.getElementsByTagName('LoginName')[0]?.textContent,
    }));
    expect(protocols).to.deep.equal([
      { type: 'IMAP', port: pg.imapTlsPort, ssl: 'on', login: AGENCIES.snv.address },
      { type: 'SMTP', port: pg.tlsPort, ssl: 'on', login: AGENCIES.snv.address },
    ]);
  });

  it('offers the signed-in clerk an Apple profile', async () => {
    expect((await request(pg.baseUrl, '/mail-setup/docgate.mobileconfig')).status).to.equal(303);
    await addClerk(pg.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
    const client = new PortalClient(pg.baseUrl);
    await client.login(AGENCIES.snv.address, TEST_PASSWORD);
    const res = await client.get('/mail-setup/docgate.mobileconfig');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/x-apple-aspen-config/);
    expect(res.text).to.contain('<string>com.apple.mail.managed</string>');
    expect(res.text).to.contain(`<key>IncomingMailServerPortNumber</key><integer>${pg.imapTlsPort}</integer>`);
    expect(res.text).to.contain(`<key>EmailAddress</key><string>${AGENCIES.snv.address}</string>`);
    expect(res.text).not.to.contain(TEST_PASSWORD);
  });

  it('sets up mail clients from the address alone: they log in, send and read', async () => {
    for (const [address, agency] of [
      [AGENCIES.snv.address, AGENCIES.snv.id],
      [AGENCIES.ubnd.address, AGENCIES.ubnd.id],
    ] as const) {
      if (!(await pg.gateway.storage.accounts.find(address))) await addClerk(pg.gateway, address, agency);
    }
    /** As Thunderbird does: the first server of each kind, %EMAILADDRESS% replaced by the address typed. */
    const setUp = async (address: string) => {
      const xml = (await request(pg.baseUrl, `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`)).text;
      const [incoming] = servers(xml, 'incomingServer');
      const [outgoing] = servers(xml, 'outgoingServer');
      const user = (s: ServerEntry) => s.username.replace('%EMAILADDRESS%', address);
      const smtp = nodemailer.createTransport({
        host: outgoing.hostname,
        port: outgoing.port,
        secure: outgoing.socketType === 'SSL',
        requireTLS: outgoing.socketType === 'STARTTLS',
        tls: { rejectUnauthorized: false },
        auth: { user: user(outgoing), pass: TEST_PASSWORD },
      });
      const imap = new ImapFlow({
        host: incoming.hostname,
        port: incoming.port,
        secure: incoming.socketType === 'SSL',
        tls: { rejectUnauthorized: false },
        auth: { user: user(incoming), pass: TEST_PASSWORD },
        logger: false,
      });
      return { smtp, imap };
    };
    const sender = await setUp(AGENCIES.snv.address);
    const sent = await sender.smtp.sendMail({
      from: AGENCIES.snv.address,
      to: AGENCIES.ubnd.address,
      subject: 'V/v thử cấu hình tự động',
      text: 'Trích yếu: V/v thử cấu hình tự động\n',
      attachments: [{ filename: 'Thử.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }],
    });
    sender.smtp.close();
    expect(sent.response).to.match(/^250 /);
    const reader = (await setUp(AGENCIES.ubnd.address)).imap;
    await reader.connect();
    try {
      const lock = await reader.getMailboxLock('INBOX');
      try {
        const subjects: string[] = [];
        for await (const m of reader.fetch('1:*', { envelope: true })) subjects.push(m.envelope?.subject ?? '');
        expect(subjects).to.include('V/v thử cấu hình tự động');
      } finally {
        lock.release();
      }
    } finally {
      await reader.logout();
    }
  });
});

describe('web portal: autoconfiguration with a public host name and ports', function () {
  this.timeout(60_000);
  let pg: PortalGateway;

  before(async () => {
    pg = await startPortalGateway({
      docgate: {
        web: {
          listeners: [{ host: '127.0.0.1', port: 0 }],
          publicHost: 'mail.hatinh.gov.vn',
          publicPorts: { smtpImplicit: 465, smtpStarttls: 587, imapImplicit: 993, imapStarttls: 143 },
        },
      },
    });
  });

  after(async () => {
    await pg?.stop();
  });

  it('announces the production ports', async () => {
    const res = await request(pg.baseUrl, `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(AGENCIES.stttt.address)}`);
    const all = [...servers(res.text, 'incomingServer'), ...servers(res.text, 'outgoingServer')];
    expect(all.map((s) => `${s.type}:${s.hostname}:${s.port}:${s.socketType}`)).to.deep.equal([
      'imap:mail.hatinh.gov.vn:993:SSL',
      'imap:mail.hatinh.gov.vn:143:STARTTLS',
      'smtp:mail.hatinh.gov.vn:465:SSL',
      'smtp:mail.hatinh.gov.vn:587:STARTTLS',
    ]);
  });
});
