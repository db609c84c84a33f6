// Detached CMS signatures by the gateway (RFC 5652 SignedData, SHA-256, signed attributes with the
// signing time) and S/MIME multipart/signed messages around them (RFC 8551), which anyone verifies
// with `openssl cms -verify -CAfile <signing CA>`.

import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { SigningIdentity } from './identity.js';

/** A detached CMS SignedData (DER) over `content`, with the gateway certificate included. */
export function signDetached(identity: SigningIdentity, content: Buffer, signingTime = new Date()): Buffer {
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(content.toString('binary'));
  p7.addCertificate(identity.certificate);
  p7.addSigner({
    key: identity.key,
    certificate: identity.certificate,
    digestAlgorithm: forge.pki.oids.sha256,
    // In DER order (RFC 5652 5.4: the signature covers the DER SET OF, sorted by encoding, which is what
    // a strict verifier such as policies/smime re-encodes): node-forge writes them in the order given.
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
      { type: forge.pki.oids.signingTime, value: signingTime as unknown as string },
      { type: forge.pki.oids.messageDigest },
    ],
  });
  p7.sign({ detached: true });
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** CRLF everywhere: the signature covers the canonical form (RFC 8551 3.1.1), which is also what is sent. */
function canonical(entity: Buffer): Buffer {
  return Buffer.from(entity.toString('binary').replace(/\r?\n/g, '\r\n'), 'binary');
}

/**
 * A complete multipart/signed message: `headerLines` (From, To, Subject, Date, Message-ID …, without
 * Content-Type and MIME-Version) above, `entity` (a MIME entity: its own headers, a blank line, its body)
 * as the signed first part, and the detached signature as the second.
 */
export function signedMessage(identity: SigningIdentity, headerLines: string[], entity: Buffer, signingTime = new Date()): Buffer {
  const signedPart = canonical(entity);
  const signature = signDetached(identity, signedPart, signingTime);
  const boundary = `----docgate-signed-${randomBytes(12).toString('hex')}`;
  const head = [
    ...headerLines,
    'MIME-Version: 1.0',
    `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"`,
    '',
    'This is a cryptographically signed message in MIME format.',
    '',
    `--${boundary}`,
    '',
  ].join('\r\n');
  const tail = [
    '',
    `--${boundary}`,
    'Content-Type: application/pkcs7-signature; name="smime.p7s"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="smime.p7s"',
    '',
    base64Lines(signature),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'utf8'), signedPart, Buffer.from(tail, 'utf8')]);
}
