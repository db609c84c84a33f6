// IMAP: expunge tombstones (so a session learns which UIDs vanished since the MODSEQ it knows,
// RFC 7162) and the indexes the IMAP store reads by.

import { DataTypes, type QueryInterface } from 'sequelize';

export const imapSchema = {
  name: '003-imap',
  async up(qi: QueryInterface): Promise<void> {
    await qi.createTable('mailbox_expunges', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      mailbox_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'mailboxes', key: 'id' }, onDelete: 'CASCADE' },
      uid: { type: DataTypes.BIGINT, allowNull: false },
      modseq: { type: DataTypes.BIGINT, allowNull: false },
    });
    await qi.addIndex('mailbox_expunges', ['mailbox_id', 'modseq'], { name: 'mailbox_expunges_modseq' });
    await qi.addIndex('mailbox_messages', ['mailbox_id', 'modseq'], { name: 'mailbox_messages_modseq' });
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.removeIndex('mailbox_messages', 'mailbox_messages_modseq');
    await qi.dropTable('mailbox_expunges');
  },
};
