// The signature dictionaries of a PDF (ISO 32000-1 12.8) and the structural rules their /ByteRange must
// obey before any cryptography: four integers, starting at 0, whose one gap is exactly the /Contents hex
// string of the same dictionary, ending at the end of a revision (`%%EOF`). A field or dictionary that
// claims to be signed but lacks them is the Universal Signature Forgery (Mladenov et al., 2019):
// reported, never skipped as "unsigned".

import { parseDerPrefix } from '../smime/der.js';
import { isDict, nameOf, scanObjects, type IndirectObject, type PdfDict, type PdfString, type PdfValue } from './objects.js';

interface PdfSignatureProblem {
  code: 'signature-invalid' | 'signature-weak-algorithm';
  detail: string;
}

export interface PdfSignatureField {
  /** Object number of the signature dictionary. */
  object: number;
  offset: number;
  /** The field's /T when a field refers to this dictionary. */
  field: string | null;
  kind: 'signature' | 'document-time-stamp';
  subFilter: string | null;
  /** /ByteRange as four integers, or null when malformed. */
  byteRange: [number, number, number, number] | null;
  /** End of the signed revision (byteRange[2] + byteRange[3]) when the ranges are sound. */
  signedEnd: number | null;
  /** The CMS SignedData (padding removed), when the structure allows verifying it. */
  cms: Buffer | null;
  /**
   * A certification signature's DocMDP permission (ISO 32000-1 12.8.2.2): 1 no changes, 2 form filling
   * and signing, 3 also annotations; null for an approval signature.
   */
  docMdp: 1 | 2 | 3 | null;
  /** Claimed (unsigned) fields of the dictionary: /Name, /M, /Reason, /Location. */
  claimed: { name: string | null; time: string | null; reason: string | null; location: string | null };
  problems: PdfSignatureProblem[];
}

export interface PdfSignatures {
  signatures: PdfSignatureField[];
  objects: IndirectObject[];
  /** Syntax problems of objects that look like signatures (others are not our business here). */
  problems: PdfSignatureProblem[];
}

const DETACHED = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached']);
const WEAK = new Set(['adbe.pkcs7.sha1', 'adbe.x509.rsa_sha1']);

function text(v: PdfValue | undefined): string | null {
  if (v === null || v === undefined || typeof v !== 'object' || v.t !== 'string') return null;
  const b = v.bytes;
  if (b[0] === 0xfe && b[1] === 0xff)
    return Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)))
      .swap16()
      .toString('utf16le');
  return b.toString('latin1');
}

function isSignatureDict(d: PdfDict): boolean {
  const type = nameOf(d.entries.get('Type'));
  if (type === 'Sig' || type === 'DocTimeStamp') return true;
  return d.entries.has('ByteRange') || (d.entries.has('SubFilter') && d.entries.has('Contents') && d.entries.has('Filter'));
}

/** The end of the revision that ends at `end`: `%%EOF` and at most one end-of-line right before it. */
function endsRevision(buf: Buffer, end: number): boolean {
  const tail = buf.toString('latin1', Math.max(0, end - 8), end);
  return /%%EOF(\r\n|\r|\n)?$/.test(tail);
}

function checkRanges(buf: Buffer, d: PdfDict, sig: PdfSignatureField): void {
  const invalid = (detail: string): void => {
    sig.problems.push({ code: 'signature-invalid', detail });
  };
  const range = d.entries.get('ByteRange');
  const contents = d.entries.get('Contents');
  if (range === undefined) return invalid('the signature has no /ByteRange');
  if (contents === undefined) return invalid('the signature has no /Contents');
  if (
    range === null ||
    typeof range !== 'object' ||
    range.t !== 'array' ||
    range.items.length !== 4 ||
    !range.items.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)
  ) {
    return invalid('/ByteRange is not four non-negative integers');
  }
  const [a, b, c, l] = range.items as number[];
  sig.byteRange = [a, b, c, l];
  if (contents === null || typeof contents !== 'object' || contents.t !== 'string' || !contents.hex) return invalid('/Contents is not a hex string');
  if (a !== 0) return invalid(`/ByteRange starts at ${a}, not at 0`);
  const gap: PdfString = contents;
  if (b !== gap.start || c !== gap.end) return invalid(`/ByteRange gap [${b}, ${c}) is not exactly the /Contents string [${gap.start}, ${gap.end})`);
  if (c + l > buf.length) return invalid(`/ByteRange ends at ${c + l}, past the end of the file (${buf.length})`);
  if (!endsRevision(buf, c + l)) return invalid(`/ByteRange ends at ${c + l}, which is not the end of a revision (%%EOF)`);
  sig.signedEnd = c + l;
  if (gap.bytes.every((x) => x === 0)) return invalid('/Contents is empty (an unsigned placeholder)');
  try {
    const node = parseDerPrefix(gap.bytes);
    if (!gap.bytes.subarray(node.end).every((x) => x === 0)) return invalid('/Contents has data after the signature');
    sig.cms = gap.bytes.subarray(0, node.end);
  } catch (err) {
    invalid(`/Contents is not DER: ${(err as Error).message}`);
  }
}

/** The DocMDP transform among the signature's /Reference entries (inside the signed bytes), its /P defaulting to 2. */
function docMdpOf(d: PdfDict, resolve: (v: PdfValue | undefined) => PdfValue | undefined, sig: PdfSignatureField): PdfSignatureField['docMdp'] {
  const refs = resolve(d.entries.get('Reference'));
  if (refs === null || refs === undefined || typeof refs !== 'object' || refs.t !== 'array') return null;
  for (const item of refs.items.slice(0, 16)) {
    const ref = resolve(item);
    if (!isDict(ref) || nameOf(ref.entries.get('TransformMethod')) !== 'DocMDP') continue;
    const params = resolve(ref.entries.get('TransformParams'));
    const p = isDict(params) ? resolve(params.entries.get('P')) : undefined;
    if (p === undefined) return 2;
    if (p === 1 || p === 2 || p === 3) return p;
    sig.problems.push({ code: 'signature-invalid', detail: `the DocMDP permission /P ${JSON.stringify(p)} is not 1, 2 or 3` });
    return 1;
  }
  return null;
}

/** Every signature dictionary of the file (the last definition of each object), in file order. */
export function findSignatures(buf: Buffer): PdfSignatures {
  const { objects, problems: syntax } = scanObjects(buf);
  const problems: PdfSignatureProblem[] = syntax
    .filter((p) => /ByteRange|Contents|Sig/.test(p))
    .map((detail) => ({ code: 'signature-invalid' as const, detail }));
  const last = new Map<number, IndirectObject>();
  for (const o of objects) last.set(o.num, o);
  const resolve = (v: PdfValue | undefined): PdfValue | undefined =>
    v !== null && v !== undefined && typeof v === 'object' && v.t === 'ref' ? last.get(v.num)?.value : v;
  const fieldNames = new Map<number, string | null>();
  for (const o of last.values()) {
    if (!isDict(o.value) || nameOf(o.value.entries.get('FT')) !== 'Sig') continue;
    const v = o.value.entries.get('V');
    const name = text(o.value.entries.get('T'));
    if (v === undefined || v === null) continue;
    if (typeof v === 'object' && v.t === 'ref') {
      const target = last.get(v.num);
      if (!target || !isDict(target.value))
        problems.push({ code: 'signature-invalid', detail: `signature field ${name ?? o.num} refers to a missing signature dictionary (${v.num} ${v.gen} R)` });
      else if (!isSignatureDict(target.value))
        problems.push({ code: 'signature-invalid', detail: `signature field ${name ?? o.num} has a value without /ByteRange and /Contents` });
      else fieldNames.set(v.num, name);
    } else if (isDict(v)) {
      problems.push({
        code: 'signature-invalid',
        detail: `signature field ${name ?? o.num} has a direct signature dictionary, whose byte range cannot be located`,
      });
    }
  }
  const signatures: PdfSignatureField[] = [];
  for (const o of [...last.values()].sort((x, y) => x.offset - y.offset)) {
    if (!isDict(o.value) || !isSignatureDict(o.value) || nameOf(o.value.entries.get('Type')) === 'Annot') continue;
    const d = o.value;
    const subFilter = nameOf(d.entries.get('SubFilter'));
    const sig: PdfSignatureField = {
      object: o.num,
      offset: o.offset,
      field: fieldNames.get(o.num) ?? null,
      kind: nameOf(d.entries.get('Type')) === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161' ? 'document-time-stamp' : 'signature',
      subFilter,
      byteRange: null,
      signedEnd: null,
      cms: null,
      docMdp: null,
      claimed: {
        name: text(d.entries.get('Name')),
        time: text(d.entries.get('M')),
        reason: text(d.entries.get('Reason')),
        location: text(d.entries.get('Location')),
      },
      problems: [],
    };
    checkRanges(buf, d, sig);
    sig.docMdp = docMdpOf(d, resolve, sig);
    if (subFilter === null) sig.problems.push({ code: 'signature-invalid', detail: 'the signature has no /SubFilter' });
    else if (WEAK.has(subFilter)) sig.problems.push({ code: 'signature-weak-algorithm', detail: `/SubFilter ${subFilter} signs a SHA-1 digest` });
    else if (sig.kind === 'document-time-stamp' ? subFilter !== 'ETSI.RFC3161' : !DETACHED.has(subFilter))
      sig.problems.push({ code: 'signature-invalid', detail: `unsupported /SubFilter ${subFilter}` });
    signatures.push(sig);
  }
  return { signatures, objects, problems };
}
