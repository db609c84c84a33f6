// The diacritics-folded search text of a register document, computed in JS at write time (and by the
// migration's backfill) so SQLite FTS5 and PostgreSQL tsvector index the same words: NFD, combining
// marks stripped, đ→d, lower case ("Triển khai" → "trien khai", "QĐ" → "qd").

import { foldKey } from '../../policies/text/vietnamese.js';

export interface SearchSource {
  summary: string | null;
  subject: string | null;
  documentNumber: string | null;
  documentType: string | null;
  signer: string | null;
  filenames: (string | null)[];
}

/** Folded text of one field: lower case, no diacritics, single spaces. */
export function foldText(text: string | null | undefined): string {
  return text ? foldKey(text) : '';
}

/** The words the full-text index holds for a document: trích yếu, subject, số ký hiệu, loại, người ký, file names. */
export function searchText(s: SearchSource): string {
  // File names also contribute their stem split on punctuation ("ke-hoach_2026.pdf" → "ke hoach 2026 pdf").
  const names = s.filenames.filter((n): n is string => !!n).flatMap((n) => [n, n.replace(/[._-]+/g, ' ')]);
  return [s.summary, s.subject, s.documentNumber, s.documentType, s.signer, ...names].map(foldText).filter(Boolean).join(' ');
}

/** Words of a user's query, folded; punctuation separates words (FTS5 and to_tsquery both tokenise on it). */
export function queryWords(query: string): string[] {
  return foldText(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}
