// The blob store in the database (docgate.yaml `blobs: postgres`, storage/blobs-postgres.ts): one row per
// blob (digest, size, chunk size, when last written or reused, in ms for the orphan sweep's grace period)
// and its bytes in chunks. Created on SQLite too, where it stays empty (the same migrations run on both).

import { DataTypes, type QueryInterface } from 'sequelize';

export const blobStoreSchema = {
  name: '017-blob-store',
  async up(qi: QueryInterface): Promise<void> {
    await qi.createTable('blob_store', {
      sha256: { type: DataTypes.STRING(64), primaryKey: true },
      size: { type: DataTypes.BIGINT, allowNull: false },
      chunk_size: { type: DataTypes.INTEGER, allowNull: false },
      touched_at: { type: DataTypes.BIGINT, allowNull: false },
    });
    await qi.createTable('blob_chunks', {
      sha256: { type: DataTypes.STRING(64), primaryKey: true },
      seq: { type: DataTypes.INTEGER, primaryKey: true },
      data: { type: DataTypes.BLOB, allowNull: false },
    });
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.dropTable('blob_chunks');
    await qi.dropTable('blob_store');
  },
};
