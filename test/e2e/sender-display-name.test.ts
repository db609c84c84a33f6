// Display-name spoofing over SMTP: a UBND clerk writing From/Sender with a display name that holds the
// Sở Nội vụ's address, domain or name (quoted, unquoted, in a comment, RFC 2047 B and Q, folded,
// full-width ＠, without diacritics) is `sender-unauthorized`; honest display names pass.

import { expect } from 'chai';
import { addClerk, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { submitRaw } from '../helpers/submit.js';

const b64 = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
const q = (text: string) =>
  `=?UTF-8?Q?${[...Buffer.from(text, 'utf8')].map((c) => ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? String.fromCharCode(c) : `=${c.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}?=`;

function message(headers: string[]): Buffer {
  return Buffer.from(
    [...headers, `To: <${AGENCIES.snv.address}>`, 'Subject: Cong van', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Noi dung', ''].join(
      '\r\n',
    ),
    'utf8',
  );
}

describe('sender-header: display names may not impersonate another agency', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  const real = `<${AGENCIES.ubnd.address}>`;

  before(async () => {
    tg = await startTestGateway();
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
  });
  after(async () => tg.stop());

  const spoofs: [string, string[]][] = [
    ['quoted address', [`From: "vanthu@snv.hatinh.gov.vn" ${real}`]],
    ['unquoted address', [`From: vanthu@snv.hatinh.gov.vn ${real}`]],
    ['address in a comment', [`From: ${AGENCIES.ubnd.address} (vanthu@snv.hatinh.gov.vn)`]],
    ['address in a comment after <>', [`From: ${real} (vanthu@snv.hatinh.gov.vn)`]],
    ['RFC 2047 B encoded-word', [`From: ${b64('vanthu@snv.hatinh.gov.vn')} ${real}`]],
    ['RFC 2047 Q encoded-word', [`From: ${q('vanthu@snv.hatinh.gov.vn')} ${real}`]],
    ['folded', [`From: "vanthu@snv.hatinh.gov.vn"\r\n ${real}`]],
    ['folded with a tab inside the name', [`From: "Van thu\r\n\tvanthu@snv.hatinh.gov.vn" ${real}`]],
    ['full-width at sign', [`From: ${b64('vanthu＠snv.hatinh.gov.vn')} ${real}`]],
    ['another agency domain', [`From: "Van thu snv.hatinh.gov.vn" ${real}`]],
    ['another agency name', [`From: ${b64('Sở Nội vụ tỉnh Hà Tĩnh')} ${real}`]],
    ['another agency name without diacritics', [`From: "So Noi vu tinh Ha Tinh" ${real}`]],
    ['another agency name in NFD', [`From: ${b64('Văn thư Sở Thông tin và Truyền thông tỉnh Hà Tĩnh'.normalize('NFD'))} ${real}`]],
    ['Sender display name', [`From: ${real}`, `Sender: "vanthu@snv.hatinh.gov.vn" ${real}`]],
    ['Sender address of another agency', [`From: ${real}`, `Sender: <${AGENCIES.snv.address}>`]],
  ];

  for (const [label, headers] of spoofs) {
    it(`refuses ${label}`, async () => {
      const r = await submitRaw(tg, message(headers));
      expect(r.code, r.response).to.equal(550);
      expect(r.response).to.match(/^550 5\.7\.1 \[sender-unauthorized\] [\x20-\x7e]+ \/ [\x20-\x7e]+$/);
    });
  }

  it('names the problem in the reply', async () => {
    const r = await submitRaw(tg, message([`From: "vanthu@snv.hatinh.gov.vn" ${real}`]));
    expect(r.response).to.contain('ten hien thi From chua dia chi khac: vanthu@snv.hatinh.gov.vn');
    expect(r.response).to.contain('From display name holds another address: vanthu@snv.hatinh.gov.vn');
    const named = await submitRaw(tg, message([`From: ${b64('Sở Nội vụ tỉnh Hà Tĩnh')} ${real}`]));
    expect(named.response).to.contain("From display name holds another agency's name: So Noi vu tinh Ha Tinh");
  });

  for (const [label, from] of [
    ['a person and a role', `From: ${b64('Văn thư UBND tỉnh Hà Tĩnh')} ${real}`],
    ['its own address as the name', `From: "${AGENCIES.ubnd.address}" ${real}`],
    ['its own agency name', `From: ${b64('Ủy ban nhân dân tỉnh Hà Tĩnh')} ${real}`],
    ['no display name', `From: ${AGENCIES.ubnd.address}`],
  ] as const) {
    it(`accepts ${label}`, async () => {
      const r = await submitRaw(tg, message([from]));
      expect(r.code, r.response).to.equal(250);
    });
  }
});
