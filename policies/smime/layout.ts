// Where a message's S/MIME structures are. Only a signature over the whole top-level content counts:
// a multipart/signed or pkcs7 part anywhere but at the top is a partial signature (a recipient's client
// would show it as "signed" beside or around unsigned content); signatures inside an embedded
// message/rfc822 belong to that message and are not looked at. Encrypted CMS anywhere (embedded
// messages and the signed entity of an opaque signature included) cannot be inspected.

import { walk, type MimeNode } from '../mime/parser.js';
import { parseDerPrefix, oidOf, TAG } from './der.js';
import { ENCRYPTED_CONTENT_TYPES, OID } from './oids.js';

const SIGNATURE_PART_TYPES: ReadonlySet<string> = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);
const PKCS7_MIME_TYPES: ReadonlySet<string> = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);

export type SmimeLayout =
  | { kind: 'unsigned'; note?: string }
  | { kind: 'detached'; signed: MimeNode; signature: MimeNode; micalg: string | null }
  | { kind: 'opaque'; node: MimeNode }
  | { kind: 'encrypted'; node: MimeNode }
  | { kind: 'partial'; node: MimeNode; detail: string }
  | { kind: 'malformed'; node: MimeNode; detail: string };

/** The CMS content type at the start of `head` (the first bytes of a part), or null if it is not CMS. */
export function peekCmsContentType(head: Buffer): string | null {
  if (head.length < 4 || head[0] !== 0x30) return null;
  try {
    // ContentInfo ::= SEQUENCE { contentType OID, ... }: read the SEQUENCE header, then the OID.
    const lengthOctets = head[1] === 0x80 ? 1 : head[1] < 0x80 ? 1 : 1 + (head[1] & 0x7f);
    const oid = parseDerPrefix(head.subarray(1 + lengthOctets));
    return oid.isUniversal(TAG.OID) ? oidOf(oid) : null;
  } catch {
    return null;
  }
}

function smimeType(node: MimeNode): string {
  return (node.contentType.params['smime-type'] ?? '').toLowerCase();
}

async function cmsTypeOf(node: MimeNode): Promise<string | null> {
  if (!node.content) return null;
  return peekCmsContentType(await node.content.read(0, 64));
}

/** An encrypted CMS part: declared as enveloped/authEnveloped, or whose content is one. */
async function isEncrypted(node: MimeNode): Promise<boolean> {
  if (node.contentType.type === 'multipart' || node.message) return false;
  const declared = smimeType(node);
  if (PKCS7_MIME_TYPES.has(node.contentType.value) && (declared === 'enveloped-data' || declared === 'authenveloped-data')) return true;
  const type = await cmsTypeOf(node);
  return type !== null && ENCRYPTED_CONTENT_TYPES.has(type);
}

async function isSignatureStructure(node: MimeNode): Promise<boolean> {
  if (node.contentType.value === 'multipart/signed') return true;
  if (SIGNATURE_PART_TYPES.has(node.contentType.value)) return true;
  if (node.contentType.type === 'multipart' || node.message) return false;
  if (PKCS7_MIME_TYPES.has(node.contentType.value) && smimeType(node) === 'signed-data') return true;
  return (await cmsTypeOf(node)) === OID.signedData;
}

/** Nodes of the tree outside embedded messages, depth first. */
function* outerNodes(node: MimeNode): Generator<MimeNode> {
  yield node;
  for (const child of node.children) yield* outerNodes(child);
}

/** `inner`: the signed entity of an opaque signature, when intake unwrapped one. */
export async function smimeLayout(root: MimeNode, inner: MimeNode | null = null): Promise<SmimeLayout> {
  for (const node of [...walk(root), ...(inner ? walk(inner) : [])]) if (await isEncrypted(node)) return { kind: 'encrypted', node };

  if (root.contentType.value === 'multipart/signed') {
    const protocol = (root.contentType.params.protocol ?? '').toLowerCase();
    if (!SIGNATURE_PART_TYPES.has(protocol)) return { kind: 'unsigned', note: `multipart/signed with unsupported protocol "${protocol}"` };
    if (root.children.length > 2)
      return { kind: 'partial', node: root, detail: `multipart/signed has ${root.children.length} parts; only the first is signed` };
    const [signed, signature] = root.children;
    if (!signed || !signature || !SIGNATURE_PART_TYPES.has(signature.contentType.value)) {
      return { kind: 'malformed', node: root, detail: 'multipart/signed must hold the content and an application/pkcs7-signature part' };
    }
    return { kind: 'detached', signed, signature, micalg: root.contentType.params.micalg ?? null };
  }
  const rootIsOpaque =
    !root.message &&
    root.contentType.type !== 'multipart' &&
    ((PKCS7_MIME_TYPES.has(root.contentType.value) && smimeType(root) === 'signed-data') ||
      ((PKCS7_MIME_TYPES.has(root.contentType.value) || root.contentType.value === 'application/octet-stream') && (await cmsTypeOf(root)) === OID.signedData));
  if (rootIsOpaque) return { kind: 'opaque', node: root };

  for (const node of outerNodes(root)) {
    if (node !== root && (await isSignatureStructure(node))) {
      return { kind: 'partial', node, detail: `signed part ${node.path} (${node.contentType.value}) is not the whole message` };
    }
  }
  if (await isSignatureStructure(root)) return { kind: 'malformed', node: root, detail: `top-level ${root.contentType.value} is not a usable signature` };
  return { kind: 'unsigned' };
}
