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

/** Folded words: letters and digits; everything else separates ("05/QĐ-UBND" → 05 qd ubnd). */
function words(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The words the full-text index holds for a document (trích yếu, subject, số ký hiệu, loại, người ký, file
 * names), space-separated: split here rather than by the engine, because PostgreSQL's parser keeps
 * "v/v" or "ke-hoach_2026.pdf" as path and file tokens while FTS5 splits them, and both must find the same.
 */
export function searchText(s: SearchSource): string {
  return [s.summary, s.subject, s.documentNumber, s.documentType, s.signer, ...s.filenames].flatMap((t) => (t ? words(t) : [])).join(' ');
}

/** Words of a user's query, split and folded as the indexed text. */
export function queryWords(query: string): string[] {
  return words(query);
}
