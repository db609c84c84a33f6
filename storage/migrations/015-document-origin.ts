// How a document reached the register: NULL for a submission over SMTP, 'paper' for one a clerk
// registered from paper with its scan (`docgate register add-paper`, Quy chế Điều 8.2). A column, not a
// note or a header: list, show and the archive export mark paper documents, and a search can select them.

import { DataTypes, type QueryInterface } from 'sequelize';

export const documentOriginSchema = {
  name: '015-document-origin',
  async up(qi: QueryInterface): Promise<void> {
    await qi.addColumn('documents', 'origin', { type: DataTypes.STRING(16), allowNull: true });
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.removeColumn('documents', 'origin');
  },
};
