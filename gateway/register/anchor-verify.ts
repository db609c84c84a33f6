// Checks each anchor file before its claim is compared with the chain: a detached CMS signature over the
// file's exact bytes, whose digest and value verify, by a certificate that the configured signing CA
// issued (as `openssl cms -verify -CAfile` would). A file that fails is a break; one that passes
// yields its claim (seq, hash).

import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { parseCertificate } from '../../policies/smime/certificate.js';
import { parseSignedData, type SignerInfoData } from '../../policies/smime/cms.js';
import { parseDer } from '../../policies/smime/der.js';
import { bufferContent } from '../../policies/smime/signed-content.js';
import { checkSignature, findSigner, type SignatureCheckResult } from '../../policies/smime/signer-signature.js';
import type { AnchorClaim, RegisterBreak } from '../../storage/register/verify.js';
import { ANCHOR_FORMAT, readAnchor, type AnchorContent } from './anchor.js';

function anchorBreak(file: string, field: string, expected: string, found: string): RegisterBreak {
  return { kind: 'anchor', seq: null, field, expected, found, subject: path.basename(file) };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/**
 * The signer's attributes in every order: node-forge (signDetached) writes its signed attributes
 * sorted, as DER wants a SET OF, but signs them in the order they were given. Whichever order the
 * signature covers, the attribute values are the same ones, so accepting it proves the same thing.
 */
function attributeOrders(info: SignerInfoData): SignerInfoData[] {
  const attributes = info.signedAttributes;
  if (!attributes) return [info];
  const set = parseDer(attributes.der);
  const header = attributes.der.subarray(0, set.contentStart - set.start);
  const children = set.children.map((c) => c.bytes);
  if (children.length > 5) return [info];
  return permutations(children).map((order) => ({ ...info, signedAttributes: { ...attributes, der: Buffer.concat([header, ...order]) } }));
}

async function signatureProblem(bytes: Buffer, signature: Buffer, ca: X509Certificate): Promise<string | null> {
  let sd;
  try {
    sd = parseSignedData(signature);
  } catch (err) {
    return `CMS: ${(err as Error).message}`;
  }
  const certs = sd.certificates.map((der) => parseCertificate(der));
  if (sd.signerInfos.length === 0) return 'no signer';
  for (const info of sd.signerInfos) {
    const signer = findSigner(info, certs);
    if (!signer) return 'signer certificate not included';
    let first: SignatureCheckResult | null = null;
    for (const candidate of attributeOrders(info)) {
      const result: SignatureCheckResult = { digestAlgorithm: null, signatureAlgorithm: null, key: null, issues: [] };
      await checkSignature(candidate, sd, signer, bufferContent(bytes), result);
      first ??= result;
      if (result.issues.length === 0) {
        first = result;
        break;
      }
    }
    if (first && first.issues.length > 0) return first.issues.map((i) => i.detail).join('; ');
    const issued = signer.x509.fingerprint256 === ca.fingerprint256 || (signer.x509.checkIssued(ca) && signer.x509.verify(ca.publicKey));
    if (!issued) return `signer ${signer.subject} is not issued by the signing CA`;
  }
  return null;
}

/** Claims of valid anchors, or the first anchor that is not valid. */
export async function checkAnchors(files: string[], caPem: string): Promise<{ claims: AnchorClaim[]; break: RegisterBreak | null }> {
  const ca = new X509Certificate(caPem);
  const claims: AnchorClaim[] = [];
  for (const file of files) {
    const { bytes, signature } = await readAnchor(file);
    if (!signature) return { claims, break: anchorBreak(file, 'p7s', 'chữ ký tách rời / detached signature', 'thiếu / missing') };
    const problem = await signatureProblem(bytes, signature, ca);
    if (problem) return { claims, break: anchorBreak(file, 'signature', 'chữ ký hợp lệ / valid signature', problem) };
    let content: AnchorContent;
    try {
      content = JSON.parse(bytes.toString('utf8')) as AnchorContent;
    } catch {
      return { claims, break: anchorBreak(file, 'json', 'JSON', 'không đọc được / unreadable') };
    }
    if (content.format !== ANCHOR_FORMAT || !Number.isInteger(content.seq) || !/^[0-9a-f]{64}$/.test(content.hash)) {
      return { claims, break: anchorBreak(file, 'format', ANCHOR_FORMAT, String(content.format)) };
    }
    claims.push({ seq: content.seq, hash: content.hash, file: path.basename(file) });
  }
  return { claims, break: null };
}
