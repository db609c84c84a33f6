// Accounts, messages, the register (documents, files, books, events, counters) and agency mailboxes.

import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const now = { type: DataTypes.DATE, allowNull: false };

export const initialSchema = {
  name: '001-initial',
  async up(qi: QueryInterface): Promise<void> {
    await qi.createTable('accounts', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
      agency_id: { type: DataTypes.STRING(13), allowNull: false },
      password_hash: { type: DataTypes.STRING(255), allowNull: false },
      must_change_password: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      password_changed_at: { type: DataTypes.DATE, allowNull: true },
      created_at: now,
      updated_at: now,
    });
    await qi.createTable('auth_failures', {
      email: { type: DataTypes.STRING(254), primaryKey: true },
      remote_address: { type: DataTypes.STRING(64), primaryKey: true },
      failures: { type: DataTypes.INTEGER, allowNull: false },
      window_start: now,
      locked_until: { type: DataTypes.DATE, allowNull: true },
    });
    await qi.createTable('messages', {
      id,
      blob_sha256: { type: DataTypes.STRING(64), allowNull: false },
      blob_size: { type: DataTypes.BIGINT, allowNull: false },
      prefix: { type: DataTypes.TEXT, allowNull: false },
      size: { type: DataTypes.BIGINT, allowNull: false },
      structure: { type: DataTypes.TEXT, allowNull: true },
      created_at: now,
    });
    await qi.addIndex('messages', ['blob_sha256']);
    await qi.createTable('documents', {
      id: { type: DataTypes.STRING(40), primaryKey: true },
      message_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'messages', key: 'id' } },
      rfc822_message_id: { type: DataTypes.STRING(998), allowNull: true },
      sender_agency_id: { type: DataTypes.STRING(13), allowNull: false },
      sender_account: { type: DataTypes.STRING(254), allowNull: false },
      envelope_from: { type: DataTypes.STRING(254), allowNull: false },
      recipients: { type: DataTypes.TEXT, allowNull: false },
      subject: { type: DataTypes.TEXT, allowNull: true },
      document_number: { type: DataTypes.STRING(200), allowNull: true },
      signed_date: { type: DataTypes.STRING(10), allowNull: true },
      signer: { type: DataTypes.TEXT, allowNull: true },
      document_type: { type: DataTypes.STRING(200), allowNull: true },
      summary: { type: DataTypes.TEXT, allowNull: true },
      urgency: { type: DataTypes.STRING(20), allowNull: true },
      confidentiality: { type: DataTypes.STRING(100), allowNull: true },
      metadata: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(20), allowNull: false },
      reason: { type: DataTypes.STRING(40), allowNull: false },
      verdict: { type: DataTypes.TEXT, allowNull: false },
      signature: { type: DataTypes.TEXT, allowNull: true },
      paper_copy_required: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      received_at: now,
    });
    await qi.addIndex('documents', ['rfc822_message_id']);
    await qi.addIndex('documents', ['sender_agency_id', 'document_number']);
    await qi.addIndex('documents', ['received_at']);
    await qi.createTable('document_files', {
      id,
      document_id: { type: DataTypes.STRING(40), allowNull: false, references: { model: 'documents', key: 'id' } },
      position: { type: DataTypes.INTEGER, allowNull: false },
      part_path: { type: DataTypes.STRING(200), allowNull: false },
      filename: { type: DataTypes.TEXT, allowNull: true },
      size: { type: DataTypes.BIGINT, allowNull: false },
      declared_type: { type: DataTypes.STRING(255), allowNull: false },
      detected_type: { type: DataTypes.STRING(255), allowNull: false },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      role: { type: DataTypes.STRING(20), allowNull: false },
    });
    await qi.addIndex('document_files', ['document_id']);
    await qi.createTable('register_entries', {
      id,
      agency_id: { type: DataTypes.STRING(13), allowNull: false },
      book: { type: DataTypes.STRING(10), allowNull: false },
      year: { type: DataTypes.INTEGER, allowNull: false },
      number: { type: DataTypes.INTEGER, allowNull: true },
      document_id: { type: DataTypes.STRING(40), allowNull: false, references: { model: 'documents', key: 'id' } },
      counterpart_agency_id: { type: DataTypes.STRING(13), allowNull: true },
      status: { type: DataTypes.STRING(20), allowNull: false },
      registered_at: now,
      note: { type: DataTypes.TEXT, allowNull: true },
    });
    await qi.addIndex('register_entries', ['agency_id', 'book', 'year', 'number'], { unique: true, name: 'register_entries_number_unique' });
    await qi.addIndex('register_entries', ['document_id']);
    await qi.createTable('register_events', {
      id,
      document_id: { type: DataTypes.STRING(40), allowNull: false },
      entry_id: { type: DataTypes.INTEGER, allowNull: true },
      agency_id: { type: DataTypes.STRING(13), allowNull: false },
      status: { type: DataTypes.STRING(20), allowNull: false },
      actor: { type: DataTypes.STRING(254), allowNull: true },
      note: { type: DataTypes.TEXT, allowNull: true },
      at: now,
    });
    await qi.addIndex('register_events', ['document_id']);
    await qi.createTable('register_counters', {
      agency_id: { type: DataTypes.STRING(13), primaryKey: true },
      book: { type: DataTypes.STRING(10), primaryKey: true },
      year: { type: DataTypes.INTEGER, primaryKey: true },
      last_number: { type: DataTypes.INTEGER, allowNull: false },
    });
    await qi.createTable('mailboxes', {
      id,
      agency_id: { type: DataTypes.STRING(13), allowNull: false },
      name: { type: DataTypes.STRING(512), allowNull: false },
      special_use: { type: DataTypes.STRING(32), allowNull: true },
      uid_validity: { type: DataTypes.BIGINT, allowNull: false },
      uid_next: { type: DataTypes.BIGINT, allowNull: false },
      highest_modseq: { type: DataTypes.BIGINT, allowNull: false },
      subscribed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      created_at: now,
    });
    await qi.addIndex('mailboxes', ['agency_id', 'name'], { unique: true, name: 'mailboxes_agency_name_unique' });
    await qi.createTable('mailbox_messages', {
      id,
      mailbox_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'mailboxes', key: 'id' } },
      uid: { type: DataTypes.BIGINT, allowNull: false },
      message_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'messages', key: 'id' } },
      document_id: { type: DataTypes.STRING(40), allowNull: true },
      flags: { type: DataTypes.TEXT, allowNull: false, defaultValue: '[]' },
      modseq: { type: DataTypes.BIGINT, allowNull: false },
      internal_date: now,
    });
    await qi.addIndex('mailbox_messages', ['mailbox_id', 'uid'], { unique: true, name: 'mailbox_messages_uid_unique' });
    await qi.addIndex('mailbox_messages', ['message_id']);
    await qi.addIndex('mailbox_messages', ['document_id']);
  },
  async down(qi: QueryInterface): Promise<void> {
    for (const table of [
      'mailbox_messages',
      'mailboxes',
      'register_counters',
      'register_events',
      'register_entries',
      'document_files',
      'documents',
      'messages',
      'auth_failures',
      'accounts',
    ]) {
      await qi.dropTable(table);
    }
  },
};
