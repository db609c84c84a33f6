// IMAP subscriptions as their own table (RFC 3501 6.3.6): a subscription is a name, not a property of a
// mailbox, so DELETE leaves it in place and a subscribed name that no longer exists is still listed by
// LSUB and LIST (SUBSCRIBED) (as \NonExistent). The existing flags are copied over; the old
// mailboxes.subscribed column stays (unused, NOT NULL with its default) because dropping a column on
// SQLite rebuilds the table under its foreign keys.

import { DataTypes, type QueryInterface } from 'sequelize';

export const subscriptionsSchema = {
  name: '005-subscriptions',
  async up(qi: QueryInterface): Promise<void> {
    await qi.createTable('mailbox_subscriptions', {
      agency_id: { type: DataTypes.STRING(13), primaryKey: true },
      name: { type: DataTypes.STRING(512), primaryKey: true },
    });
    await qi.sequelize.query('INSERT INTO mailbox_subscriptions (agency_id, name) SELECT agency_id, name FROM mailboxes WHERE subscribed = :yes', {
      replacements: { yes: true },
    });
  },
  async down(qi: QueryInterface): Promise<void> {
    await qi.sequelize.query('UPDATE mailboxes SET subscribed = :no', { replacements: { no: false } });
    await qi.sequelize.query(
      'UPDATE mailboxes SET subscribed = :yes WHERE EXISTS (SELECT 1 FROM mailbox_subscriptions s WHERE s.agency_id = mailboxes.agency_id AND s.name = mailboxes.name)',
      { replacements: { yes: true } },
    );
    await qi.dropTable('mailbox_subscriptions');
  },
};
