// Register lookups without table scans: indexes for số ký hiệu, dates and books, and a full-text index
// of trích yếu and file names without diacritics: a document_search row per document (folded text
// computed in JS, storage/register/search-text.ts), indexed on SQLite by an FTS5 external-content table
// kept in step by a trigger, on PostgreSQL by a generated tsvector column with a GIN index. The folded
// text is the same on both, so both find the same documents. Existing documents are backfilled here.

import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { searchRow, SEARCH_COLUMNS } from '../register/search-index.js';

const BACKFILL_CHUNK = 500;

async function backfill(qi: QueryInterface): Promise<void> {
  const sequelize = qi.sequelize;
  let after = '';
  for (;;) {
    const docs = await sequelize.query<Record<string, string | null>>(
      'SELECT id, summary, subject, document_number, document_type, signer, urgency FROM documents WHERE id > $1 ORDER BY id LIMIT $2',
      { bind: [after, BACKFILL_CHUNK], type: QueryTypes.SELECT },
    );
    if (docs.length === 0) return;
    const ids = docs.map((d) => d.id!);
    const files = await sequelize.query<{ document_id: string; filename: string | null }>(
      `SELECT document_id, filename FROM document_files WHERE document_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY position`,
      { bind: ids, type: QueryTypes.SELECT },
    );
    const rows = docs.map((d) =>
      searchRow({
        trackingId: d.id!,
        summary: d.summary,
        subject: d.subject,
        documentNumber: d.document_number,
        documentType: d.document_type,
        signer: d.signer,
        urgency: d.urgency,
        filenames: files.filter((f) => f.document_id === d.id).map((f) => f.filename),
      }),
    );
    const tuple = (i: number) => `(${SEARCH_COLUMNS.map((_, j) => `$${i * SEARCH_COLUMNS.length + j + 1}`).join(', ')})`;
    await sequelize.query(`INSERT INTO document_search (${SEARCH_COLUMNS.join(', ')}) VALUES ${rows.map((_, i) => tuple(i)).join(', ')}`, {
      bind: rows.flat(),
    });
    after = ids[ids.length - 1];
  }
}

export const registerSearchSchema = {
  name: '010-register-search',
  async up(qi: QueryInterface): Promise<void> {
    await qi.addIndex('documents', ['document_number'], { name: 'documents_document_number' });
    await qi.addIndex('documents', ['signed_date'], { name: 'documents_signed_date' });
    await qi.addIndex('register_entries', ['agency_id', 'book', 'registered_at'], { name: 'register_entries_agency_book_registered' });
    await qi.addIndex('register_entries', ['registered_at'], { name: 'register_entries_registered_at' });
    await qi.createTable('document_search', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      document_id: { type: DataTypes.STRING(40), allowNull: false, unique: true, references: { model: 'documents', key: 'id' } },
      document_type_folded: { type: DataTypes.STRING(255), allowNull: false },
      urgency_folded: { type: DataTypes.STRING(64), allowNull: false },
      text_folded: { type: DataTypes.TEXT, allowNull: false },
    });
    await qi.addIndex('document_search', ['document_type_folded'], { name: 'document_search_type' });
    await qi.addIndex('document_search', ['urgency_folded'], { name: 'document_search_urgency' });
    if (qi.sequelize.getDialect() === 'postgres') {
      await qi.sequelize.query("ALTER TABLE document_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text_folded)) STORED");
      await qi.sequelize.query('CREATE INDEX document_search_tsv ON document_search USING GIN (tsv)');
    } else {
      // The text is already folded: unicode61 only lower-cases and splits (remove_diacritics 0 keeps
      // it from folding differently from PostgreSQL).
      await qi.sequelize.query(
        "CREATE VIRTUAL TABLE document_search_fts USING fts5(text_folded, content='document_search', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
      );
      await qi.sequelize.query(
        'CREATE TRIGGER document_search_fts_insert AFTER INSERT ON document_search BEGIN INSERT INTO document_search_fts (rowid, text_folded) VALUES (new.id, new.text_folded); END',
      );
    }
    await backfill(qi);
  },
  async down(qi: QueryInterface): Promise<void> {
    if (qi.sequelize.getDialect() !== 'postgres') {
      await qi.sequelize.query('DROP TRIGGER IF EXISTS document_search_fts_insert');
      await qi.sequelize.query('DROP TABLE IF EXISTS document_search_fts');
    }
    await qi.dropTable('document_search');
    await qi.removeIndex('register_entries', 'register_entries_registered_at');
    await qi.removeIndex('register_entries', 'register_entries_agency_book_registered');
    await qi.removeIndex('documents', 'documents_signed_date');
    await qi.removeIndex('documents', 'documents_document_number');
  },
};
