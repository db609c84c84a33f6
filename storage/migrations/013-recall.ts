// Recall requests (edXML status 13 and its answers 15 / 16): one row per document and recipient agency,
// naming the request message delivered to the recipient's INBOX, so filing that message (not the
// document) into the answer folders is recognised.

import { DataTypes, type QueryInterface } from 'sequelize';

export const recallSchema = {
  name: '013-recall',
  async up(qi: QueryInterface): Promise<void> {
    await qi.createTable('recall_requests', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      document_id: { type: DataTypes.STRING(40), allowNull: false },
      agency_id: { type: DataTypes.STRING(13), allowNull: false },
      /** messages.id of the request delivered to the recipient. */
      message_id: { type: DataTypes.INTEGER, allowNull: false },
      /** 13 requested, 15 agreed, 16 refused. */
      status: { type: DataTypes.STRING(2), allowNull: false },
      requested_by: { type: DataTypes.STRING(320), allowNull: false },
      requested_at: { type: DataTypes.DATE, allowNull: false },
      answered_by: { type: DataTypes.STRING(320), allowNull: true },
      answered_at: { type: DataTypes.DATE, allowNull: true },
    });
    await qi.addIndex('recall_requests', ['document_id', 'agency_id']);
    await qi.addIndex('recall_requests', ['message_id']);
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.dropTable('recall_requests');
  },
};
