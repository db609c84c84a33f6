// `docgate account remove`: an account that can never log in again but keeps its rows (register
// entries name it as sender or actor), so it is marked, not deleted.

import { DataTypes, type QueryInterface } from 'sequelize';

export const accountRemovedSchema = {
  name: '007-account-removed',
  async up(qi: QueryInterface): Promise<void> {
    await qi.addColumn('accounts', 'removed_at', { type: DataTypes.DATE, allowNull: true });
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.removeColumn('accounts', 'removed_at');
  },
};
