// The race's messages: compliant documents (form lines, a real PDF) of 5 KB, 100 KB and 1 MB from
// bench/smtp.ts, and a 100 KB one signed (detached S/MIME, RSA-2048) by the fixture signer good-rsa,
// whose certificate names the sender and chains to test/fixtures/smime/trust. Signed messages are made
// before the clock starts, the RSA operation by node:crypto (node-forge's would take the load client's core).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import type { SigningIdentity } from '../gateway/signing/identity.js';
import { signedMessage } from '../gateway/signing/smime.js';
import { AGENCIES } from '../test/helpers/env.js';
import { SMIME_FIXTURES } from '../test/helpers/smime.js';
import { distinctAttachment, messageFactory, paddedPdf } from './smtp.js';

export const RACE_SIZES = ['5KB', '100KB', '1MB', '100KB-signed'] as const;
export type RaceSize = (typeof RACE_SIZES)[number];

const BYTES: Record<RaceSize, number> = { '5KB': 5 * 1024, '100KB': 100 * 1024, '1MB': 1024 * 1024, '100KB-signed': 100 * 1024 };

function fixtureSigner(): SigningIdentity {
  const dir = path.join(SMIME_FIXTURES, 'pki');
  const certificatePem = readFileSync(path.join(dir, 'good-rsa.pem'), 'utf8');
  const keyPem = readFileSync(path.join(dir, 'good-rsa.key'), 'utf8');
  // gateway/signing/smime.ts signs with node:crypto from this key (converted once per identity).
  const key = forge.pki.privateKeyFromPem(keyPem);
  const certFile = path.join(dir, 'good-rsa.pem');
  return {
    certificate: forge.pki.certificateFromPem(certificatePem),
    key,
    certificatePem,
    caPem: readFileSync(path.join(dir, 'intermediate.pem'), 'utf8'),
    paths: { cert: certFile, key: path.join(dir, 'good-rsa.key'), ca: path.join(dir, 'intermediate.pem') },
  };
}

function signedFactory(count: number): (n: number) => Buffer {
  const signer = fixtureSigner();
  const pdf = paddedPdf(72 * 1024);
  const attachment = Buffer.from((pdf.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n'));
  const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date());
  const run = Date.now().toString(36);
  const pool: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    const form = Buffer.from(`Số ký hiệu: ${n + 10}/UBND-VP\r\nNgày ký: ${today}\r\nLoại văn bản: Công văn\r\n`).toString('base64');
    const entity = Buffer.from(
      [
        'Content-Type: multipart/mixed; boundary="inner-b1"',
        '',
        '--inner-b1',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        form,
        '--inner-b1',
        `Content-Type: application/pdf; name="cong-van-${n}.pdf"`,
        `Content-Disposition: attachment; filename="cong-van-${n}.pdf"`,
        'Content-Transfer-Encoding: base64',
        '',
        distinctAttachment(attachment, n).toString('latin1'),
        '--inner-b1--',
        '',
      ].join('\r\n'),
    );
    const headers = [
      `From: ${AGENCIES.ubnd.address}`,
      `To: ${AGENCIES.snv.address}`,
      `Subject: =?UTF-8?B?${Buffer.from(`V/v triển khai công văn ký số ${n}`).toString('base64')}?=`,
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <race-signed-${run}-${n}@ubnd.hatinh.gov.vn>`,
    ];
    pool.push(signedMessage(signer, headers, entity));
  }
  return (n) => pool[n % pool.length];
}

/** Messages of one race size; `count` bounds the signed pool (made up front). */
export function raceMessages(size: RaceSize, count: number): (n: number) => Buffer {
  return size === '100KB-signed' ? signedFactory(count) : messageFactory(BYTES[size]);
}
