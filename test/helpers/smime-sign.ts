// Signing a document the way a clerk's client would, with the PKCS#12 file docgate's demo hands out:
// the key and certificate taken out with `openssl pkcs12`, the message signed with `openssl smime -sign`.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makePdf } from './documents.js';

/** `openssl pkcs12 -info` output (throws when openssl cannot read the file with this password). */
export function pkcs12Info(file: string, password: string): string {
  return execFileSync('openssl', ['pkcs12', '-info', '-in', file, '-passin', `pass:${password}`, '-nodes'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A multipart/mixed entity with the form lines and a PDF, CRLF line ends, as the signed content. */
export function innerDocument(number: string, date: string): Buffer {
  const text = Buffer.from(`Số ký hiệu: ${number}\nNgày ký: ${date}\nLoại văn bản: Công văn\nTrích yếu: V/v thử nghiệm chữ ký số\n`).toString('base64');
  const pdf = makePdf(`Cong van ${number}`).toString('base64').replace(/.{76}/g, '$&\n');
  return Buffer.from(
    [
      'Content-Type: multipart/mixed; boundary="inner-b1"',
      '',
      '--inner-b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      text,
      '--inner-b1',
      'Content-Type: application/pdf; name="cong-van.pdf"',
      'Content-Disposition: attachment; filename="cong-van.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.trimEnd(),
      '--inner-b1--',
      '',
    ]
      .join('\r\n')
      .replace(/\r?\n/g, '\r\n'),
  );
}

/** Signs `inner` (detached) with the key and certificate of a PKCS#12 file; returns the whole message. */
export function signWithPkcs12(
  dir: string,
  p12: string,
  password: string,
  inner: Buffer,
  headers: { from: string; to: string; subject: string; messageId: string },
): Buffer {
  const pem = path.join(dir, `${path.basename(p12)}.pem`);
  execFileSync('openssl', ['pkcs12', '-in', p12, '-passin', `pass:${password}`, '-nodes', '-out', pem], { stdio: 'ignore' });
  const innerFile = path.join(dir, 'inner.mime');
  writeFileSync(innerFile, inner);
  const signed = execFileSync('openssl', [
    'smime',
    '-sign',
    '-binary',
    '-crlfeol',
    '-in',
    innerFile,
    '-signer',
    pem,
    '-from',
    headers.from,
    '-to',
    headers.to,
    '-subject',
    headers.subject,
  ]);
  return Buffer.concat([Buffer.from(`Date: ${new Date().toUTCString().replace('GMT', '+0000')}\r\nMessage-ID: ${headers.messageId}\r\n`), signed]);
}
