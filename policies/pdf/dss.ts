// Revocation data a PDF carries for long-term validation: the CRLs and OCSP responses of the catalog's
// /DSS (ETSI EN 319 142-1, PAdES-LTV). They are only candidates: a CRL counts only when the issuing CA
// signed it, an OCSP response only when that CA or its delegated responder did, and freshness is judged
// as for configured CRLs.

import { inflateSync } from 'node:zlib';
import { parseCrl, type CrlInfo } from '../smime/crl.js';
import { parseOcspResponse, type OcspInfo } from '../smime/ocsp.js';
import { isDict, nameOf, type IndirectObject, type PdfValue } from './objects.js';

const MAX_ITEMS = 50;
const MAX_ITEM_SIZE = 8 * 1024 * 1024;

export interface EmbeddedRevocation {
  crls: CrlInfo[];
  ocsps: OcspInfo[];
  problems: string[];
}

export function embeddedRevocation(objects: readonly IndirectObject[]): EmbeddedRevocation {
  const last = new Map<number, IndirectObject>();
  for (const o of objects) last.set(o.num, o);
  const resolve = (v: PdfValue | undefined): { value: PdfValue | undefined; object: IndirectObject | null } => {
    if (v !== null && v !== undefined && typeof v === 'object' && v.t === 'ref') {
      const object = last.get(v.num) ?? null;
      return { value: object?.value, object };
    }
    return { value: v, object: null };
  };
  const catalog = [...last.values()].reverse().find((o) => isDict(o.value) && nameOf(o.value.entries.get('Type')) === 'Catalog');
  const found: EmbeddedRevocation = { crls: [], ocsps: [], problems: [] };
  if (!catalog || !isDict(catalog.value)) return found;
  const dss = resolve(catalog.value.entries.get('DSS')).value;
  if (!isDict(dss)) return found;
  const streams = (key: 'CRLs' | 'OCSPs', label: string, take: (der: Buffer) => void) => {
    const list = resolve(dss.entries.get(key)).value;
    if (list === null || list === undefined || typeof list !== 'object' || list.t !== 'array') return;
    for (const item of list.items.slice(0, MAX_ITEMS)) {
      const { object } = resolve(item);
      if (!object?.stream || !isDict(object.value)) {
        found.problems.push(`a /DSS ${label} entry is not a stream`);
        continue;
      }
      const filter = nameOf(object.value.entries.get('Filter'));
      try {
        const der = filter === 'FlateDecode' ? inflateSync(object.stream, { maxOutputLength: MAX_ITEM_SIZE }) : filter === null ? object.stream : null;
        if (der === null) {
          found.problems.push(`a /DSS ${label} has the unsupported filter ${filter}`);
          continue;
        }
        take(der);
      } catch (err) {
        found.problems.push(`unreadable /DSS ${label}: ${(err as Error).message}`);
      }
    }
  };
  streams('CRLs', 'CRL', (der) => found.crls.push(parseCrl(der)));
  streams('OCSPs', 'OCSP response', (der) => found.ocsps.push(parseOcspResponse(der)));
  return found;
}
