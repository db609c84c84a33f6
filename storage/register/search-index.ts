// Writes register documents into the search index (document_search, and on SQLite its FTS5 shadow via
// the trigger of migration 010) in the caller's transaction: one multi-row INSERT per batch, so the
// group-commit intake pays one statement for it.

import type { Sequelize, Transaction } from 'sequelize';
import { insertValues } from '../sql.js';
import { foldText, searchText, type SearchSource } from './search-text.js';

export const SEARCH_COLUMNS = ['document_id', 'document_type_folded', 'urgency_folded', 'text_folded'];

export interface IndexedDocument extends SearchSource {
  trackingId: string;
  urgency: string | null;
}

export function searchRow(d: IndexedDocument): string[] {
  return [d.trackingId, foldText(d.documentType), foldText(d.urgency), searchText(d)];
}

export async function indexDocuments(sequelize: Sequelize, t: Transaction, docs: IndexedDocument[]): Promise<void> {
  await insertValues(sequelize, t, 'document_search', SEARCH_COLUMNS, docs.map(searchRow));
}
