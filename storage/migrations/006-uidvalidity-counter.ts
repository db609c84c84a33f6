// The UIDVALIDITY high-water mark in the database (one row), so every process that shares the database
// hands out increasing values: a deleted and re-created mailbox never shows an old UIDVALIDITY
// (RFC 3501 2.3.1.1), even when the newest mailbox was deleted or another process created the last one.

import { DataTypes, type QueryInterface } from 'sequelize';

export const uidValidityCounterSchema = {
  name: '006-uidvalidity-counter',
  async up(qi: QueryInterface): Promise<void> {
    await qi.createTable('uid_validity_counter', {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      last_value: { type: DataTypes.BIGINT, allowNull: false },
    });
    await qi.sequelize.query('INSERT INTO uid_validity_counter (id, last_value) SELECT 1, COALESCE(MAX(uid_validity), 0) FROM mailboxes');
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.dropTable('uid_validity_counter');
  },
};
