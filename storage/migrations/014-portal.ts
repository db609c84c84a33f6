// The web portal (gateway/web): sessions kept in the database so any gateway process serves any
// session, a role per account (clerk or admin), and each account's previous password hashes for the
// "not one of the last N passwords" rule.

import { DataTypes, type QueryInterface } from 'sequelize';

export const portalSchema = {
  name: '014-portal',
  async up(qi: QueryInterface): Promise<void> {
    await qi.addColumn('accounts', 'role', { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'clerk' });
    await qi.createTable('web_sessions', {
      /** SHA-256 (hex) of the session id: the cookie value itself is never stored. */
      id_hash: { type: DataTypes.STRING(64), primaryKey: true },
      account_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'accounts', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      last_seen_at: { type: DataTypes.DATE, allowNull: false },
      /** Client address at login, for the administrator's view and logs. */
      remote_address: { type: DataTypes.STRING(64), allowNull: true },
    });
    await qi.addIndex('web_sessions', ['account_id']);
    await qi.createTable('password_history', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      account_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'accounts', key: 'id' } },
      password_hash: { type: DataTypes.STRING(255), allowNull: false },
      /** When this hash stopped being the account's password. */
      replaced_at: { type: DataTypes.DATE, allowNull: false },
    });
    await qi.addIndex('password_history', ['account_id', 'replaced_at']);
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.dropTable('password_history');
    await qi.dropTable('web_sessions');
    await qi.removeColumn('accounts', 'role');
  },
};
