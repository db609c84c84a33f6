// Revocation data a PDF carries for long-term validation: the CRLs of the catalog's /DSS (ETSI EN
// 319 142-1, PAdES-LTV). They are only candidates: the CRL source accepts one only when the issuing CA
// signed it, and judges its freshness as for configured CRLs. OCSP responses (/OCSPs) are not read yet.

import { inflateSync } from 'node:zlib';
import { parseCrl, type CrlInfo } from '../smime/crl.js';
import { isDict, nameOf, type IndirectObject, type PdfValue } from './objects.js';

const MAX_CRLS = 50;
const MAX_CRL_SIZE = 8 * 1024 * 1024;

export function embeddedCrls(objects: readonly IndirectObject[]): { crls: CrlInfo[]; problems: string[] } {
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
  const crls: CrlInfo[] = [];
  const problems: string[] = [];
  if (!catalog || !isDict(catalog.value)) return { crls, problems };
  const dss = resolve(catalog.value.entries.get('DSS')).value;
  if (!isDict(dss)) return { crls, problems };
  const list = resolve(dss.entries.get('CRLs')).value;
  if (list === null || list === undefined || typeof list !== 'object' || list.t !== 'array') return { crls, problems };
  for (const item of list.items.slice(0, MAX_CRLS)) {
    const { object } = resolve(item);
    if (!object?.stream || !isDict(object.value)) {
      problems.push('a /DSS CRL entry is not a stream');
      continue;
    }
    const filter = nameOf(object.value.entries.get('Filter'));
    try {
      const der = filter === 'FlateDecode' ? inflateSync(object.stream, { maxOutputLength: MAX_CRL_SIZE }) : filter === null ? object.stream : null;
      if (der === null) {
        problems.push(`a /DSS CRL has the unsupported filter ${filter}`);
        continue;
      }
      crls.push(parseCrl(der));
    } catch (err) {
      problems.push(`unreadable /DSS CRL: ${(err as Error).message}`);
    }
  }
  return { crls, problems };
}
