// Where stored bytes came from: NULL for what docgate itself delivered (SMTP intake, notices),
// 'client-append' for a clerk's IMAP APPEND, which is only ever a client copy, never a verified document.
// A column rather than a header: IMAP APPEND must give back exactly the bytes the client sent.

import { DataTypes, type QueryInterface } from 'sequelize';

export const messageOriginSchema = {
  name: '008-message-origin',
  async up(qi: QueryInterface): Promise<void> {
    await qi.addColumn('messages', 'origin', { type: DataTypes.STRING(32), allowNull: true });
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.removeColumn('messages', 'origin');
  },
};
