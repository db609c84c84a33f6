// RFC 3161 time-stamps for tests, made by `openssl ts` with a TSA configuration written here: a test root
// CA (the anchor), a TSA certificate under it (critical id-kp-timeStamping), a short-lived signer
// certificate, and a helper that adds a token to a signed message's SignerInfo as the unsigned attribute
// id-aa-signatureTimeStampToken (DER spliced by hand, so every signed byte stays as openssl wrote it).

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSignedData } from '../../policies/smime/cms.js';

const run = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

function writeExt(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, `${name}.ext`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A root CA; `issue` makes certificates under it (leaf signer or TSA). */
export function makeCa(dir: string, name: string): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  run(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '3650',
      '-subj',
      `/C=VN/O=Docgate TSA Test/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { cert, key };
}

export function issue(
  dir: string,
  ca: { cert: string; key: string },
  name: string,
  subject: string,
  ext: string[],
  days: number,
): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', subject], dir);
  run(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`,
      '-days',
      String(days),
      '-sha256',
      '-out',
      cert,
      '-extfile',
      writeExt(dir, name, ext),
    ],
    dir,
  );
  return { cert, key };
}

export const TSA_EXT = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature,nonRepudiation',
  'extendedKeyUsage=critical,timeStamping',
  'subjectKeyIdentifier=hash',
];
export const SIGNER_EXT = (email: string) => [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature,nonRepudiation',
  'extendedKeyUsage=emailProtection',
  `subjectAltName=email:${email}`,
  'subjectKeyIdentifier=hash',
];

/** An openssl TSA configuration for `openssl ts -reply` signing with `tsa`. */
export function tsaConfig(dir: string, tsa: { cert: string; key: string }): string {
  const file = path.join(dir, `tsa-${path.basename(tsa.cert, '.pem')}.cnf`);
  writeFileSync(path.join(dir, 'tsaserial'), '01\n');
  writeFileSync(
    file,
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/tsaserial',
      'crypto_device = builtin',
      `signer_cert = ${tsa.cert}`,
      `signer_key = ${tsa.key}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  return file;
}

/** A time-stamp token (DER ContentInfo) over `data` from the TSA of `config`, made by openssl ts. */
export function timeStampToken(dir: string, config: string, data: Buffer): Buffer {
  const dataFile = path.join(dir, 'imprint.bin');
  writeFileSync(dataFile, data);
  run(['ts', '-query', '-data', dataFile, '-sha256', '-cert', '-out', 'req.tsq'], dir);
  run(['ts', '-reply', '-config', config, '-queryfile', 'req.tsq', '-out', 'resp.tsr'], dir);
  run(['ts', '-reply', '-in', 'resp.tsr', '-token_out', '-out', 'token.der'], dir);
  return readFileSync(path.join(dir, 'token.der'));
}

// --- DER splicing -------------------------------------------------------------------------------

interface Tlv {
  header: Buffer;
  content: Buffer;
}

function readTlv(buf: Buffer, at: number): Tlv & { end: number } {
  let p = at + 1;
  let len = buf[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  return { header: buf.subarray(at, p), content: buf.subarray(p, p + len), end: p + len };
}

function childrenOf(content: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < content.length;) {
    const t = readTlv(content, at);
    out.push(content.subarray(at, t.end));
    at = t.end;
  }
  return out;
}

function encode(tag: number, content: Buffer): Buffer {
  const len = content.length;
  const lenBytes =
    len < 0x80
      ? Buffer.from([len])
      : (() => {
          const bytes: number[] = [];
          for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
          return Buffer.from([0x80 | bytes.length, ...bytes]);
        })();
  return Buffer.concat([Buffer.from([tag]), lenBytes, content]);
}

/** Replaces the element at `route` (child indexes, -1 = last) inside `der` with `edit(element)`. */
function splice(der: Buffer, route: number[], edit: (element: Buffer) => Buffer): Buffer {
  if (route.length === 0) return edit(der);
  const t = readTlv(der, 0);
  const kids = childrenOf(t.content);
  const index = route[0] < 0 ? kids.length + route[0] : route[0];
  kids[index] = splice(kids[index], route.slice(1), edit);
  return encode(der[0], Buffer.concat(kids));
}

const SIGNATURE_TIME_STAMP_TOKEN = Buffer.from('060b2a864886f70d010910020e', 'hex'); // OID 1.2.840.113549.1.9.16.2.14

/** Adds id-aa-signatureTimeStampToken = `token` to the first SignerInfo of a CMS ContentInfo. */
export function addTimeStampToken(cms: Buffer, token: Buffer): Buffer {
  // ContentInfo > [0] > SignedData > signerInfos (last) > SignerInfo[0]
  return splice(cms, [1, 0, -1, 0], (signerInfo) => {
    const attribute = encode(0x30, Buffer.concat([SIGNATURE_TIME_STAMP_TOKEN, encode(0x31, token)]));
    const t = readTlv(signerInfo, 0);
    return encode(0x30, Buffer.concat([t.content, encode(0xa1, attribute)]));
  });
}

/** The first signer's signature value (what a TSA is asked to time-stamp). */
export function signatureValueOf(cms: Buffer): Buffer {
  return parseSignedData(cms).signerInfos[0].signature;
}

/** Replaces the base64 body of the application/pkcs7-signature part of a detached signed message. */
export function withSignaturePart(message: Buffer, edit: (cms: Buffer) => Buffer): Buffer {
  const text = message.toString('latin1');
  const match = /(Content-Type: application\/(?:x-)?pkcs7-signature[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)([A-Za-z0-9+/=\r\n]+?)(\r\n------)/.exec(text);
  if (!match) throw new Error('no signature part');
  const cms = Buffer.from(match[2].replace(/\s+/g, ''), 'base64');
  const body = edit(cms).toString('base64').replace(/.{64}/g, '$&\r\n').replace(/\r\n$/, '');
  return Buffer.from(text.slice(0, match.index) + match[1] + body + match[3] + text.slice(match.index + match[0].length), 'latin1');
}

/** A detached message signed by `signer` (openssl cms -sign), From the given address. */
export function signDetached(
  dir: string,
  signer: { cert: string; key: string },
  inner: Buffer,
  headers: { from: string; to: string; subject: string; messageId: string },
): Buffer {
  const innerFile = path.join(dir, 'inner.mime');
  writeFileSync(innerFile, inner);
  const signed = run(
    [
      'cms',
      '-sign',
      '-binary',
      '-crlfeol',
      '-in',
      innerFile,
      '-signer',
      signer.cert,
      '-inkey',
      signer.key,
      '-from',
      headers.from,
      '-to',
      headers.to,
      '-subject',
      headers.subject,
    ],
    dir,
  );
  return Buffer.concat([Buffer.from(`Date: ${new Date().toUTCString()}\r\nMessage-ID: ${headers.messageId}\r\n`), signed]);
}
