// The durable job table: relay jobs today (one per document and target agency), and later the notice and
// alert jobs of issue 13, which share the claim/lease/back-off columns. Rows are written in the same
// transaction as the acceptance, so a committed 250 always has its jobs.

import { DataTypes, type QueryInterface } from 'sequelize';

export const jobsSchema = {
  name: '009-jobs',
  async up(qi: QueryInterface): Promise<void> {
    await qi.createTable('jobs', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      /** relay (later: notice, alert). */
      kind: { type: DataTypes.STRING(20), allowNull: false },
      document_id: { type: DataTypes.STRING(40), allowNull: false },
      /** The agency the job serves (relay: the recipient agency whose server gets the message). */
      agency_id: { type: DataTypes.STRING(13), allowNull: false },
      /** Kind-specific JSON (relay: envelope sender and recipients). */
      payload: { type: DataTypes.TEXT, allowNull: false },
      /** queued | sending | delivered | failed | dropped */
      status: { type: DataTypes.STRING(12), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE, allowNull: false },
      /** A claimed job belongs to its worker until this time; after it, any worker may take it again. */
      locked_until: { type: DataTypes.DATE, allowNull: true },
      locked_by: { type: DataTypes.STRING(100), allowNull: true },
      last_attempt_at: { type: DataTypes.DATE, allowNull: true },
      /** The peer's last reply (or the connection error). */
      last_reply: { type: DataTypes.TEXT, allowNull: true },
      warned_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      finished_at: { type: DataTypes.DATE, allowNull: true },
    });
    await qi.addIndex('jobs', ['status', 'next_attempt_at']);
    await qi.addIndex('jobs', ['document_id']);
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.dropTable('jobs');
  },
};
