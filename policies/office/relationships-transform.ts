// The Relationships Transform of OPC signatures (ECMA-376 Part 2, 13.2.4.24): a signature over a .rels
// part covers only the relationships it selects (by Id or by Type), sorted by Id, reduced to Id,
// Target, TargetMode (Internal when absent) and Type. The output here is already in canonical XML
// (C14N 1.0) form, which is what the Manifest's digest is computed over.

import { DOMParser, type Element } from '@xmldom/xmldom';

export const RELATIONSHIPS_TRANSFORM = 'http://schemas.openxmlformats.org/package/2006/RelationshipTransform';
const RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface RelationshipSelector {
  sourceIds: readonly string[];
  sourceTypes: readonly string[];
}

/** C14N escaping of an attribute value (XML-C14N 1.0, 2.3). */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}

/** The selected relationships of a .rels part, canonical; throws on XML that is not a relationships part. */
export function transformRelationships(rels: string, select: RelationshipSelector): string {
  if (/<!DOCTYPE/i.test(rels)) throw new Error('a relationships part with a DOCTYPE');
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(rels, 'application/xml');
  const root = doc.documentElement;
  if (!root || root.localName !== 'Relationships' || root.namespaceURI !== RELATIONSHIPS_NS) throw new Error('not a relationships part');
  const chosen: { id: string; target: string; mode: string; type: string }[] = [];
  for (let node = root.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== 1) continue;
    const el = node as unknown as Element;
    if (el.localName !== 'Relationship' || el.namespaceURI !== RELATIONSHIPS_NS) continue;
    const id = el.getAttribute('Id') ?? '';
    const type = el.getAttribute('Type') ?? '';
    if (!select.sourceIds.includes(id) && !select.sourceTypes.includes(type)) continue;
    chosen.push({ id, target: el.getAttribute('Target') ?? '', mode: el.getAttribute('TargetMode') || 'Internal', type });
  }
  chosen.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const body = chosen
    .map(
      (r) =>
        `<Relationship Id="${escapeAttribute(r.id)}" Target="${escapeAttribute(r.target)}" TargetMode="${escapeAttribute(r.mode)}" Type="${escapeAttribute(r.type)}"></Relationship>`,
    )
    .join('');
  return `<Relationships xmlns="${RELATIONSHIPS_NS}">${body}</Relationships>`;
}
