// IMAP's ENVELOPE, BODY and BODYSTRUCTURE of each stored message, rendered once (at APPEND, at delivery,
// or on the first FETCH of older rows) and kept as the exact response bytes: FETCH of envelopes over a
// large mailbox then copies stored bytes instead of parsing headers and walking MIME trees again.
// Rows stored before this migration keep NULL until something fetches them.

import { DataTypes, type QueryInterface } from 'sequelize';

const COLUMNS = ['imap_envelope', 'imap_body', 'imap_bodystructure'];

export const imapRenderingSchema = {
  name: '016-imap-rendering',
  async up(qi: QueryInterface): Promise<void> {
    for (const column of COLUMNS) await qi.addColumn('messages', column, { type: DataTypes.BLOB, allowNull: true });
  },
  async down(qi: QueryInterface): Promise<void> {
    for (const column of COLUMNS) await qi.removeColumn('messages', column);
  },
};
