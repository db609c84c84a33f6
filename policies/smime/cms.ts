// CMS (RFC 5652) ContentInfo and SignedData, read from the exact received bytes. Structural errors
// throw CmsError; the verifier turns them into `signature-invalid` with the reason.

import { DerError, derSetOf, integerHex, isDefiniteDeep, octetStringOf, oidOf, parseDer, smallInteger, TAG, timeOf, type DerNode } from './der.js';
import { OID } from './oids.js';

export class CmsError extends Error {}

type SignerIdentifier = { kind: 'issuer-serial'; issuerKey: string; serial: string } | { kind: 'key-id'; keyId: string };

interface SignedAttributes {
  /** DER of the attributes as SET OF: what the signature covers (RFC 5652 5.4). */
  der: Buffer;
  contentType: string;
  messageDigest: Buffer;
  signingTime: Date | null;
  /** Attribute type OIDs present, for the record. */
  types: string[];
}

export interface SignerInfoData {
  /** 1-based position in the SignerInfos, as the sender would count them. */
  position: number;
  sid: SignerIdentifier;
  digestAlgorithm: DerNode;
  signedAttributes: SignedAttributes | null;
  signatureAlgorithm: DerNode;
  signature: Buffer;
  /** Unsigned attributes (not covered by the signature): type and the DER of each value. */
  unsignedAttributes: { type: string; values: Buffer[] }[];
}

export interface SignedDataInfo {
  version: number;
  eContentType: string;
  /** Encapsulated content (opaque signing); null when detached. */
  eContent: Buffer | null;
  /** DER of each certificate in the certificates field (other certificate formats are ignored). */
  certificates: Buffer[];
  signerInfos: SignerInfoData[];
}

/** The outer ContentInfo: its type and the [0] EXPLICIT content. */
export function parseContentInfo(der: Buffer): { contentType: string; content: DerNode | null } {
  try {
    const root = parseDer(der).expectUniversal(TAG.SEQUENCE, 'ContentInfo');
    const contentType = oidOf(root.child(0));
    const wrapper = root.children[1];
    if (wrapper && !wrapper.isContext(0)) throw new CmsError('ContentInfo content is not [0]');
    return { contentType, content: wrapper ? wrapper.child(0) : null };
  } catch (err) {
    if (err instanceof DerError) throw new CmsError(`not a CMS structure: ${err.message}`);
    throw err;
  }
}

function signerIdentifier(node: DerNode): SignerIdentifier {
  if (node.isUniversal(TAG.SEQUENCE)) {
    return { kind: 'issuer-serial', issuerKey: node.child(0).expectUniversal(TAG.SEQUENCE, 'issuer').bytes.toString('hex'), serial: integerHex(node.child(1)) };
  }
  if (node.isContext(0) && !node.constructed) return { kind: 'key-id', keyId: node.content.toString('hex') };
  throw new CmsError('bad signer identifier');
}

function signedAttributes(node: DerNode): SignedAttributes {
  const elements: Buffer[] = [];
  const seen = new Set<string>();
  let contentType: string | null = null;
  let messageDigest: Buffer | null = null;
  let signingTime: Date | null = null;
  for (const attribute of node.children) {
    attribute.expectUniversal(TAG.SEQUENCE, 'attribute');
    if (!isDefiniteDeep(attribute)) throw new CmsError('signed attributes are not DER');
    const type = oidOf(attribute.child(0));
    const values = attribute.child(1).expectUniversal(TAG.SET, 'attribute values').children;
    // RFC 5652 11.1–11.3: these attributes occur once, with exactly one value.
    if (seen.has(type) && (type === OID.contentType || type === OID.messageDigest || type === OID.signingTime)) {
      throw new CmsError(`signed attribute ${type} appears twice`);
    }
    seen.add(type);
    if (type === OID.contentType || type === OID.messageDigest || type === OID.signingTime) {
      if (values.length !== 1) throw new CmsError(`signed attribute ${type} must have one value`);
      if (type === OID.contentType) contentType = oidOf(values[0]);
      else if (type === OID.messageDigest) messageDigest = octetStringOf(values[0]);
      else signingTime = timeOf(values[0]);
    }
    elements.push(attribute.bytes);
  }
  if (contentType === null) throw new CmsError('signed attributes lack contentType');
  if (messageDigest === null) throw new CmsError('signed attributes lack messageDigest');
  return { der: derSetOf(elements), contentType, messageDigest, signingTime, types: [...seen] };
}

function signerInfo(node: DerNode, position: number): SignerInfoData {
  node.expectUniversal(TAG.SEQUENCE, 'SignerInfo');
  const version = smallInteger(node.child(0));
  const sid = signerIdentifier(node.child(1));
  if ((version === 1) !== (sid.kind === 'issuer-serial') || (version !== 1 && version !== 3))
    throw new CmsError('SignerInfo version does not match its identifier');
  let i = 2;
  const digestAlgorithm = node.child(i++).expectUniversal(TAG.SEQUENCE, 'digest algorithm');
  let attributes: SignedAttributes | null = null;
  if (node.child(i).isContext(0)) {
    if (!node.child(i).constructed) throw new CmsError('bad signed attributes');
    attributes = signedAttributes(node.child(i++));
  }
  const signatureAlgorithm = node.child(i++).expectUniversal(TAG.SEQUENCE, 'signature algorithm');
  const signatureNode = node.child(i++);
  if (!signatureNode.isUniversal(TAG.OCTET_STRING)) throw new CmsError('bad signature value');
  const signature = octetStringOf(signatureNode);
  const rest = node.children.slice(i);
  if (rest.length > 1 || (rest.length === 1 && !rest[0].isContext(1))) throw new CmsError('unexpected fields after the signature');
  const unsignedAttributes =
    rest.length === 1
      ? rest[0].children.map((a) => ({
          type: oidOf(a.expectUniversal(TAG.SEQUENCE, 'unsigned attribute').child(0)),
          values: a
            .child(1)
            .expectUniversal(TAG.SET, 'attribute values')
            .children.map((v) => v.bytes),
        }))
      : [];
  return { position, sid, digestAlgorithm, signedAttributes: attributes, signatureAlgorithm, signature, unsignedAttributes };
}

/** Parses a ContentInfo that must hold SignedData. */
export function parseSignedData(der: Buffer): SignedDataInfo {
  const info = parseContentInfo(der);
  if (info.contentType !== OID.signedData) throw new CmsError(`content is ${info.contentType}, not signedData`);
  if (!info.content) throw new CmsError('SignedData is missing');
  try {
    const sd = info.content.expectUniversal(TAG.SEQUENCE, 'SignedData');
    const version = smallInteger(sd.child(0));
    sd.child(1).expectUniversal(TAG.SET, 'digestAlgorithms');
    const encap = sd.child(2).expectUniversal(TAG.SEQUENCE, 'EncapsulatedContentInfo');
    const eContentType = oidOf(encap.child(0));
    let eContent: Buffer | null = null;
    if (encap.children.length > 1) {
      const wrapper = encap.child(1);
      if (!wrapper.isContext(0) || encap.children.length > 2) throw new CmsError('bad eContent');
      eContent = octetStringOf(wrapper.child(0));
    }
    let i = 3;
    const certificates: Buffer[] = [];
    if (sd.children[i]?.isContext(0)) {
      for (const choice of sd.child(i++).children) {
        // Only plain X.509 certificates; attribute and other certificate formats cannot build a path.
        if (choice.isUniversal(TAG.SEQUENCE)) certificates.push(choice.bytes);
      }
    }
    if (sd.children[i]?.isContext(1)) i++; // crls: revocation comes from the configured CRLs only
    const signerSet = sd.child(i++).expectUniversal(TAG.SET, 'SignerInfos');
    if (i !== sd.children.length) throw new CmsError('unexpected fields in SignedData');
    const signerInfos = signerSet.children.map((node, index) => signerInfo(node, index + 1));
    return { version, eContentType, eContent, certificates, signerInfos };
  } catch (err) {
    if (err instanceof DerError) throw new CmsError(`malformed SignedData: ${err.message}`);
    throw err;
  }
}
