// The top-level header block of each stored message (its submitted bytes, up to the blank line), kept in
// the database: IMAP ENVELOPE, HEADER.FIELDS and header SEARCH over thousands of messages then read rows,
// not thousands of blob files. Messages stored before this migration keep NULL and are read from the blob.

import { DataTypes, type QueryInterface } from 'sequelize';

export const messageHeaderSchema = {
  name: '004-message-header',
  async up(qi: QueryInterface): Promise<void> {
    await qi.addColumn('messages', 'header', { type: DataTypes.BLOB, allowNull: true });
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.removeColumn('messages', 'header');
  },
};
