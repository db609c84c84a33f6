// Signatures inside Office packages (.docx, .xlsx: Word's "Add a digital signature", ECMA-376 Part 2
// 12 "Digital Signatures"): XML-DSig parts under _xmlsignatures/. xml-crypto verifies the SignedInfo
// signature and its same-document references; the package object's Manifest — read from what
// xml-crypto says was signed, never from the document again (signature wrapping) — lists the parts
// and their digests, which are recomputed here over the package's bytes (the Relationships Transform
// for .rels parts). Every part that can change what the document shows must be covered; the
// certificate is then judged by the same code as S/MIME and PDF signatures.

import { createHash } from 'node:crypto';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { CertificateInfo } from '../smime/certificate.js';
import { RELATIONSHIPS_TRANSFORM, transformRelationships } from './relationships-transform.js';
import { signatureParts } from './signature-parts.js';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const DIGESTS: Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const SIGNATURE_METHODS: Record<string, { weak: boolean }> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { weak: true },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { weak: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { weak: false },
};
/** Parts outside any signature's reach by design: the content types (rewritten by every save), the signatures themselves, and document properties Office never signs. */
const UNSIGNED_PARTS = [
  /^\[Content_Types\]\.xml$/i,
  /^_xmlsignatures\//i,
  /^docProps\/(core|app|custom)\.xml$/i,
  /^docProps\/thumbnail\.\w+$/i,
  /^docProps\/_rels\//i,
];
const MAX_SIGNATURES = 10;
const MAX_REFERENCES = 2000;

interface OfficeSignatureProblem {
  code: 'signature-invalid' | 'signature-partial' | 'signature-weak-algorithm';
  detail: string;
}

export interface OfficeSignature {
  part: string;
  /** The signer certificate (first X509Certificate of KeyInfo) and the others given with it. */
  signer: CertificateInfo | null;
  extra: CertificateInfo[];
  /** mdssi:SignatureTime inside the signed package object, if any. */
  signingTime: Date | null;
  /** Parts the signature does not cover although they can change the document. */
  uncovered: string[];
  problems: OfficeSignatureProblem[];
}

export interface PackageReader {
  /** Names of every member of the package. */
  names: readonly string[];
  read(name: string): Promise<Buffer | null>;
}

function parseXml(text: string): Document {
  if (/<!DOCTYPE/i.test(text)) throw new Error('a DOCTYPE in a signature part');
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => level !== 'warning' && errors.push(message) }).parseFromString(text, 'text/xml');
  if (errors.length > 0 || !doc.documentElement) throw new Error(`unreadable XML: ${errors[0] ?? 'no root element'}`);
  return doc;
}

function elements(root: Element | Document, ns: string, name: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, name));
}

function children(el: Element, ns: string, name: string): Element[] {
  return Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns);
}

/** "/word/document.xml?ContentType=…" → "word/document.xml". */
function partOf(uri: string): string | null {
  if (!uri.startsWith('/')) return null;
  const path = uri.split('?')[0];
  try {
    return decodeURIComponent(path.slice(1));
  } catch {
    return null;
  }
}

async function checkManifest(manifest: Element, pkg: PackageReader, sig: OfficeSignature): Promise<Set<string>> {
  const covered = new Set<string>();
  const byLower = new Map(pkg.names.map((n) => [n.toLowerCase(), n]));
  const references = children(manifest, DSIG, 'Reference');
  if (references.length > MAX_REFERENCES) {
    sig.problems.push({ code: 'signature-invalid', detail: `the manifest lists ${references.length} parts` });
    return covered;
  }
  for (const ref of references) {
    const uri = ref.getAttribute('URI') ?? '';
    const part = partOf(uri);
    const name = part === null ? undefined : byLower.get(part.toLowerCase());
    const digestMethod = children(ref, DSIG, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '';
    const expected = children(ref, DSIG, 'DigestValue')[0]?.textContent?.replace(/\s+/g, '') ?? '';
    const hash = DIGESTS[digestMethod];
    if (!hash) {
      sig.problems.push({ code: 'signature-invalid', detail: `${uri}: unsupported digest ${digestMethod || '(none)'}` });
      continue;
    }
    if (hash === 'sha1') sig.problems.push({ code: 'signature-weak-algorithm', detail: `${uri}: SHA-1 digest` });
    if (name === undefined) {
      sig.problems.push({ code: 'signature-invalid', detail: `${uri}: the signed part is missing from the package` });
      continue;
    }
    const data = await pkg.read(name);
    if (data === null) {
      sig.problems.push({ code: 'signature-invalid', detail: `${uri}: the signed part cannot be read` });
      continue;
    }
    const transforms = children(children(ref, DSIG, 'Transforms')[0] ?? ref, DSIG, 'Transform').map((t) => t);
    let content: Buffer = data;
    try {
      for (const t of transforms) {
        const algorithm = t.getAttribute('Algorithm');
        if (algorithm === RELATIONSHIPS_TRANSFORM) {
          const selectors = Array.from(t.childNodes).filter((n): n is Element => n.nodeType === 1);
          const sourceIds = selectors.filter((n) => n.localName === 'RelationshipReference').map((n) => n.getAttribute('SourceId') ?? '');
          const sourceTypes = selectors.filter((n) => n.localName === 'RelationshipsGroupReference').map((n) => n.getAttribute('SourceType') ?? '');
          content = Buffer.from(transformRelationships(content.toString('utf8'), { sourceIds, sourceTypes }), 'utf8');
        } else if (algorithm === C14N) {
          // The Relationships Transform's output is canonical already; C14N of any other part is not used by Office.
          if (!transforms.some((x) => x.getAttribute('Algorithm') === RELATIONSHIPS_TRANSFORM))
            throw new Error('C14N of a part without the Relationships Transform');
        } else throw new Error(`unsupported transform ${algorithm}`);
      }
    } catch (err) {
      sig.problems.push({ code: 'signature-invalid', detail: `${uri}: ${(err as Error).message}` });
      continue;
    }
    const found = createHash(hash).update(content).digest('base64');
    if (found !== expected) sig.problems.push({ code: 'signature-invalid', detail: `${name}: changed after signing (digest ${found}, signed ${expected})` });
    // A .rels part signed through the transform covers only the relationships it selected; the parts
    // those lead to must be signed themselves, which the coverage rule checks.
    covered.add(name);
  }
  return covered;
}

/** Verifies one signature part; `certificate` parses DER (the trust store's cache). */
async function verifyPart(part: string, xml: string, pkg: PackageReader, certificate: (der: Buffer) => CertificateInfo): Promise<OfficeSignature> {
  const sig: OfficeSignature = { part, signer: null, extra: [], signingTime: null, uncovered: [], problems: [] };
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch (err) {
    sig.problems.push({ code: 'signature-invalid', detail: `${part}: ${(err as Error).message}` });
    return sig;
  }
  const signatures = elements(doc, DSIG, 'Signature');
  if (signatures.length !== 1) {
    sig.problems.push({ code: 'signature-invalid', detail: `${part}: ${signatures.length} Signature elements, expected one` });
    return sig;
  }
  const signature = signatures[0];
  const certs = elements(signature, DSIG, 'X509Certificate').slice(0, 10);
  for (const [i, node] of certs.entries()) {
    try {
      const parsed = certificate(Buffer.from((node.textContent ?? '').replace(/\s+/g, ''), 'base64'));
      if (i === 0) sig.signer = parsed;
      else sig.extra.push(parsed);
    } catch (err) {
      sig.problems.push({ code: 'signature-invalid', detail: `${part}: unreadable certificate: ${(err as Error).message}` });
    }
  }
  if (!sig.signer) {
    sig.problems.push({ code: 'signature-invalid', detail: `${part}: no signer certificate in KeyInfo` });
    return sig;
  }
  const method = elements(signature, DSIG, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';
  if (!SIGNATURE_METHODS[method]) {
    sig.problems.push({ code: 'signature-invalid', detail: `${part}: unsupported signature method ${method || '(none)'}` });
    return sig;
  }
  if (SIGNATURE_METHODS[method].weak) sig.problems.push({ code: 'signature-weak-algorithm', detail: `${part}: ${method.split('#')[1]}` });
  const verifier = new SignedXml({ publicCert: sig.signer.x509.toString(), getCertFromKeyInfo: () => null });
  let signed: string[];
  try {
    verifier.loadSignature(signature);
    if (!verifier.checkSignature(xml)) throw new Error('the signature value does not verify');
    signed = verifier.getSignedReferences();
  } catch (err) {
    sig.problems.push({ code: 'signature-invalid', detail: `${part}: ${(err as Error).message}` });
    return sig;
  }
  const manifests = signed.flatMap((text) => {
    try {
      return elements(parseXml(text), DSIG, 'Manifest');
    } catch {
      return [];
    }
  });
  if (manifests.length !== 1) {
    sig.problems.push({ code: 'signature-invalid', detail: `${part}: the signature signs ${manifests.length} package manifests, expected one` });
    return sig;
  }
  const manifest = manifests[0];
  const time = elements(
    manifest.ownerDocument ?? manifest,
    'http://schemas.openxmlformats.org/package/2006/digital-signature',
    'Value',
  )[0]?.textContent?.trim();
  if (time) {
    const parsed = new Date(time);
    if (!Number.isNaN(parsed.getTime())) sig.signingTime = parsed;
  }
  const covered = await checkManifest(manifest, pkg, sig);
  sig.uncovered = pkg.names.filter((n) => !n.endsWith('/') && !covered.has(n) && !UNSIGNED_PARTS.some((re) => re.test(n)));
  if (sig.uncovered.length > 0)
    sig.problems.push({ code: 'signature-partial', detail: `${part}: not covered by the signature: ${sig.uncovered.slice(0, 10).join(', ')}` });
  return sig;
}

/** Every XML-DSig signature part of an OPC package (none: an unsigned document). */
export async function officeSignatures(pkg: PackageReader, certificate: (der: Buffer) => CertificateInfo): Promise<OfficeSignature[]> {
  const parts = signatureParts(pkg.names);
  const out: OfficeSignature[] = [];
  for (const part of parts.slice(0, MAX_SIGNATURES)) {
    const data = await pkg.read(part);
    if (data === null) continue;
    out.push(await verifyPart(part, data.toString('utf8'), pkg, certificate));
  }
  return out;
}
