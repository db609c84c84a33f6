// Changes made to a PDF after a signature (incremental updates past the signed revision), compared
// object by object with the signed revision. A later signature (the seal after the leader), its
// widget, appearance and field, and — when the policy allows — new annotations or filled form fields
// are acceptable; anything else that redefines a signed object (page content, fonts, XObjects, the page
// tree, the catalog), deletes one, adds pages or moves the trailer's /Root is a change of the signed
// document (the Incremental Saving Attack, Mladenov et al., 2019): signature-partial. A certification
// signature's DocMDP permission replaces the policy's rules (docMdpRules). An annotation of the signed
// revision that disappears from its page is never allowed: removing a signed overlay reveals what it
// covered (the shadow attacks' "hide", Mainka et al., 2021), although DocMDP /P 3 would permit deletion.

import { isDict, nameOf, PdfParser, PdfSyntaxError, sameValue, type IndirectObject, type PdfDict, type PdfValue } from './objects.js';

export interface AfterSigningRules {
  /** New or changed annotations (comments, highlights, stamps) other than form widgets. */
  annotations: boolean;
  /** Values of existing form fields (/V, /AS, appearances). */
  formFields: boolean;
  /** Further signatures (their fields, widgets and dictionaries). */
  signatures: boolean;
}

/** ISO 32000-1 table 254: 1 no changes; 2 filling in forms and signing; 3 also annotations. */
export function docMdpRules(p: 1 | 2 | 3): AfterSigningRules {
  return { annotations: p === 3, formFields: p >= 2, signatures: p >= 2 };
}

const ANNOTATION_SUBTYPES = new Set([
  'Text',
  'Link',
  'FreeText',
  'Line',
  'Square',
  'Circle',
  'Polygon',
  'PolyLine',
  'Highlight',
  'Underline',
  'Squiggly',
  'StrikeOut',
  'Stamp',
  'Caret',
  'Ink',
  'Popup',
  'FileAttachment',
  'Sound',
  'Movie',
  'Widget',
  'Screen',
  'PrinterMark',
  'TrapNet',
  'Watermark',
  '3D',
  'Redact',
]);

type Kind = 'catalog' | 'pages' | 'page' | 'acroform' | 'signature-field' | 'field' | 'widget' | 'annotation' | 'signature' | 'xref' | 'objstm' | 'other';

function kindOf(v: PdfValue): Kind {
  if (!isDict(v)) return 'other';
  const e = v.entries;
  const type = nameOf(e.get('Type'));
  const subtype = nameOf(e.get('Subtype'));
  if (type === 'Catalog') return 'catalog';
  if (type === 'Pages') return 'pages';
  if (type === 'Page') return 'page';
  if (type === 'XRef') return 'xref';
  if (type === 'ObjStm') return 'objstm';
  if (type === 'Sig' || type === 'DocTimeStamp' || e.has('ByteRange')) return 'signature';
  if (nameOf(e.get('FT')) === 'Sig') return 'signature-field';
  if (subtype === 'Widget') return e.has('FT') && nameOf(e.get('FT')) !== 'Sig' ? 'field' : 'widget';
  if (e.has('FT')) return 'field';
  if (e.has('Fields')) return 'acroform';
  if (type === 'Annot' || (subtype !== null && ANNOTATION_SUBTYPES.has(subtype) && e.has('Rect'))) return 'annotation';
  return 'other';
}

/** Keys a later revision may change in an object of each kind, without changing what was signed. */
function ignoredKeys(kind: Kind, signed: PdfValue, rules: AfterSigningRules): ReadonlySet<string> | null {
  switch (kind) {
    case 'page':
      // New annotations are judged as objects; removed ones by removedAnnotations().
      return new Set(['Annots']);
    case 'catalog':
      // AcroForm gains the new signature field; DSS holds validation data added for long-term validity.
      return rules.signatures || rules.formFields ? new Set(['AcroForm', 'DSS']) : new Set(['DSS']);
    case 'acroform':
      return rules.signatures || rules.formFields ? new Set(['Fields', 'SigFlags', 'DR', 'DA', 'NeedAppearances']) : null;
    case 'signature-field':
      // An empty signature field being signed; a field that was already signed must not change.
      return rules.signatures && isDict(signed) && !signed.entries.has('V') ? new Set(['V', 'AP', 'AS', 'Lock']) : null;
    case 'field':
      return rules.formFields ? new Set(['V', 'AP', 'AS']) : null;
    case 'widget':
      return rules.signatures || rules.formFields ? new Set(['AP', 'AS']) : null;
    default:
      return null;
  }
}

export interface AfterSigningChange {
  object: number;
  kind: Kind | 'deleted' | 'root' | 'xref';
  allowed: boolean;
  detail: string;
}

function trailers(buf: Buffer, text: string, from: number, to: number): PdfDict[] {
  const out: PdfDict[] = [];
  const re = /trailer\s*(?=<<)/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const parser = new PdfParser(buf);
    parser.pos = m.index + m[0].length;
    try {
      const v = parser.value();
      if (isDict(v)) out.push(v);
    } catch (err) {
      if (!(err instanceof PdfSyntaxError)) throw err;
    }
  }
  return out;
}

interface XrefEntry {
  num: number;
  offset: number;
  free: boolean;
}

/** The entries of the classic xref tables after `from` (object 0, the free-list head, left out). */
function xrefEntries(text: string, from: number): XrefEntry[] {
  const entries: XrefEntry[] = [];
  const re = /(?:^|[\r\n])xref[ \t]*\r?\n/g;
  // The end-of-line before `xref` may be the last signed byte.
  re.lastIndex = Math.max(0, from - 1);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const lines = text.slice(m.index + m[0].length, m.index + m[0].length + 1_000_000).split(/\r\n|\r|\n/);
    let i = 0;
    for (;;) {
      const head = /^(\d+) (\d+)\s*$/.exec(lines[i]?.trim() ?? '');
      if (!head) break;
      const first = Number(head[1]);
      const count = Math.min(Number(head[2]), lines.length);
      for (let k = 0; k < count; k++) {
        const entry = /^(\d{10}) (\d{5}) ([nf])/.exec(lines[i + 1 + k]?.trim() ?? '');
        if (entry && first + k !== 0) entries.push({ num: first + k, offset: Number(entry[1]), free: entry[3] === 'f' });
      }
      i += count + 1;
    }
  }
  return entries;
}

function annotationRefs(page: PdfValue): Set<number> | null {
  if (!isDict(page)) return null;
  const annots = page.entries.get('Annots');
  if (annots === undefined || annots === null) return new Set();
  if (typeof annots !== 'object' || annots.t !== 'array') return null;
  return new Set(annots.items.flatMap((item) => (item !== null && typeof item === 'object' && item.t === 'ref' ? [item.num] : [])));
}

/** Annotations of the signed page that its later definition no longer lists. */
function removedAnnotations(num: number, signed: PdfValue, later: PdfValue): AfterSigningChange[] {
  const before = annotationRefs(signed);
  const after = annotationRefs(later);
  // An /Annots held in an indirect array is itself a signed object, compared as such.
  if (before === null || after === null) return [];
  return [...before]
    .filter((ref) => !after.has(ref))
    .map((ref) => ({
      object: num,
      kind: 'page' as const,
      allowed: false,
      detail: `annotation ${ref} removed from page ${num} after signing (hides what it covered)`,
    }));
}

/** Every object-level change after `signedEnd`, each marked allowed or not under `rules`. */
export function changesAfterSigning(buf: Buffer, objects: readonly IndirectObject[], signedEnd: number, rules: AfterSigningRules): AfterSigningChange[] {
  const text = buf.toString('latin1');
  if (text.slice(signedEnd).trim() === '') return [];
  const signed = new Map<number, IndirectObject>();
  for (const o of objects) if (o.end <= signedEnd) signed.set(o.num, o);
  const changes: AfterSigningChange[] = [];
  for (const o of objects) {
    if (o.offset < signedEnd) continue;
    const before = signed.get(o.num);
    const kind = kindOf(o.value);
    if (!before) {
      const pageTree = kind === 'catalog' || kind === 'pages' || kind === 'page';
      const signing = kind === 'signature' || kind === 'signature-field' || kind === 'widget';
      const allowed =
        !pageTree &&
        kind !== 'objstm' &&
        (kind !== 'annotation' || rules.annotations) &&
        (kind !== 'field' || rules.formFields) &&
        (!signing || rules.signatures);
      const detail =
        kind === 'objstm' ? 'compressed objects (object stream) added after signing cannot be compared' : `${kind} object ${o.num} added after signing`;
      changes.push({ object: o.num, kind, allowed, detail });
      continue;
    }
    const beforeKind = kindOf(before.value);
    const sameStream = (before.stream === null && o.stream === null) || (before.stream !== null && o.stream !== null && before.stream.equals(o.stream));
    if (sameStream && sameValue(before.value, o.value)) continue;
    if (beforeKind !== kind) {
      changes.push({ object: o.num, kind, allowed: false, detail: `object ${o.num} changed from ${beforeKind} to ${kind} after signing` });
      continue;
    }
    if (kind === 'annotation' && rules.annotations) {
      changes.push({ object: o.num, kind, allowed: true, detail: `annotation ${o.num} changed after signing` });
      continue;
    }
    const ignore = ignoredKeys(kind, before.value, rules);
    const allowed = ignore !== null && o.stream === null && before.stream === null && sameValue(before.value, o.value, ignore);
    changes.push({ object: o.num, kind, allowed, detail: `${kind} object ${o.num} changed after signing${allowed ? ` (${[...ignore].join(', ')})` : ''}` });
    if (kind === 'page') changes.push(...removedAnnotations(o.num, before.value, o.value));
  }
  for (const entry of xrefEntries(text, signedEnd)) {
    if (entry.free) {
      if (signed.has(entry.num)) changes.push({ object: entry.num, kind: 'deleted', allowed: false, detail: `object ${entry.num} deleted after signing` });
    } else if (entry.offset < signedEnd && signed.get(entry.num)?.offset !== entry.offset) {
      // A shadow attack's replace: the update's xref points a signed object number at other signed bytes
      // (a hidden object), so no object is redefined, yet the document shows something else.
      changes.push({
        object: entry.num,
        kind: 'xref',
        allowed: false,
        detail: `the xref points object ${entry.num} at other bytes (offset ${entry.offset}) after signing`,
      });
    }
  }
  const signedRoot =
    trailers(buf, text, 0, signedEnd).pop()?.entries.get('Root') ??
    [...signed.values()].reverse().find((o) => kindOf(o.value) === 'xref' && isDict(o.value))?.value;
  const rootOf = (v: PdfValue | undefined) => (isDict(v) && v.entries.has('Type') ? v.entries.get('Root') : v);
  const before = rootOf(signedRoot);
  const later = [
    ...trailers(buf, text, signedEnd, buf.length).map((t) => t.entries.get('Root')),
    ...objects.filter((o) => o.offset >= signedEnd && kindOf(o.value) === 'xref').map((o) => (isDict(o.value) ? o.value.entries.get('Root') : undefined)),
  ];
  for (const root of later) {
    if (root !== undefined && before !== undefined && !sameValue(root, before))
      changes.push({ object: 0, kind: 'root', allowed: false, detail: 'the trailer points to another document catalog after signing' });
  }
  return changes;
}
