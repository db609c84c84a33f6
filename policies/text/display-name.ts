// Display-name spoofing: mail clients show the display name, not the address, so `"vanthu@snv…"
// <vanthu@ubnd…>` or `"Sở Nội vụ" <vanthu@ubnd…>` reads as another agency's document. A display name
// may not hold an e-mail address other than the real one, another agency's domain, or another
// agency's name (agencies.yaml). Compatibility forms (full-width ＠, ligatures) are folded first.

import type { Agency } from '../../config/schema.js';
import { foldKey } from './vietnamese.js';

export type DisplayNameProblem = { kind: 'foreign-address'; value: string } | { kind: 'agency-domain'; value: string } | { kind: 'agency-name'; value: string };

const EMAIL = /[^\s<>"(),;:[\]\\]+@[^\s<>"(),;:[\]\\]+/g;

/** Comparison form: NFKC (so ＠ is @), no diacritics, lower case, runs of non-letters as one space. */
function words(text: string): string {
  return ` ${foldKey(text.normalize('NFKC'))
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .trim()} `;
}

export function displayNameProblem(name: string, address: string, own: Agency, agencies: readonly Agency[]): DisplayNameProblem | null {
  if (name.trim() === '') return null;
  const folded = name.normalize('NFKC');
  for (const candidate of folded.match(EMAIL) ?? []) {
    const value = candidate.replace(/^[.'`]+|[.'`]+$/g, '').toLowerCase();
    if (value !== address.toLowerCase()) return { kind: 'foreign-address', value };
  }
  const text = words(folded);
  const tokens = text
    .trim()
    .split(' ')
    .map((t) => t.replace(/^\.+|\.+$/g, ''));
  const ownName = words(own.name);
  for (const agency of agencies) {
    if (agency.id === own.id) continue;
    const domain = agency.domain.toLowerCase();
    // "snv.hatinh.gov.vn" as a word, or as the end of a longer host name.
    if (tokens.some((t) => t === domain || t.endsWith(`.${domain}`))) return { kind: 'agency-domain', value: agency.domain };
    const other = words(agency.name);
    // An agency whose name is part of the sender's own agency name ("Sở Nội vụ" in "Sở Nội vụ tỉnh …") is not another one.
    if (other.trim().length > 0 && !ownName.includes(other) && text.includes(other)) return { kind: 'agency-name', value: agency.name };
  }
  return null;
}

export function describeDisplayNameProblem(field: string, p: DisplayNameProblem): { vi: string; en: string } {
  switch (p.kind) {
    case 'foreign-address':
      return { vi: `tên hiển thị ${field} chứa địa chỉ khác: ${p.value}`, en: `${field} display name holds another address: ${p.value}` };
    case 'agency-domain':
      return { vi: `tên hiển thị ${field} chứa tên miền của cơ quan khác: ${p.value}`, en: `${field} display name holds another agency's domain: ${p.value}` };
    case 'agency-name':
      return { vi: `tên hiển thị ${field} mang tên cơ quan khác: ${p.value}`, en: `${field} display name holds another agency's name: ${p.value}` };
  }
}
