// sequelize models over the tables of the migrations. BIGINT columns come back from PostgreSQL as
// strings: their getters turn them into numbers (every value docgate stores fits in 2^53).

import { DataTypes, Model, type ModelStatic, type Optional, type Sequelize, type ModelAttributeColumnOptions } from 'sequelize';
import type {
  AccountRow,
  AuthFailureRow,
  DocumentFileRow,
  DocumentRow,
  MailboxExpungeRow,
  MailboxMessageRow,
  MailboxRow,
  MessageRow,
  RegisterEntryRow,
  RegisterEventRow,
} from './rows.js';

type RowModel<Row extends object, Auto extends keyof Row = never> = ModelStatic<Model<Row, Optional<Row, Auto>>>;

export interface Models {
  Account: RowModel<AccountRow, 'id' | 'passwordChangedAt' | 'removedAt' | 'role'>;
  AuthFailure: RowModel<AuthFailureRow>;
  Message: RowModel<MessageRow, 'id' | 'header' | 'origin'>;
  Document: RowModel<DocumentRow, 'origin'>;
  DocumentFile: RowModel<DocumentFileRow, 'id'>;
  RegisterEntry: RowModel<RegisterEntryRow, 'id'>;
  RegisterEvent: RowModel<RegisterEventRow, 'id'>;
  Mailbox: RowModel<MailboxRow, 'id'>;
  MailboxMessage: RowModel<MailboxMessageRow, 'id'>;
  MailboxExpunge: RowModel<MailboxExpungeRow, 'id'>;
}

export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A DATE column read by raw SQL: a Date on PostgreSQL, "YYYY-MM-DD HH:mm:ss.SSS +00:00" on SQLite. */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function bigint(name: string, allowNull = false): ModelAttributeColumnOptions {
  return {
    type: DataTypes.BIGINT,
    allowNull,
    get(this: Model) {
      const value: unknown = this.getDataValue(name);
      return value === null || value === undefined ? value : toNumber(value);
    },
  };
}

// Attribute objects are fresh per column: sequelize writes the column name into them.
const pk = () => ({ type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true });
const text = (allowNull = true) => ({ type: DataTypes.TEXT, allowNull });
const str = (allowNull = true) => ({ type: DataTypes.STRING, allowNull });
const date = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });
const bool = () => ({ type: DataTypes.BOOLEAN, allowNull: false });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

export function defineModels(sequelize: Sequelize): Models {
  const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false, freezeTableName: true });
  return {
    Account: sequelize.define(
      'Account',
      {
        id: pk(),
        email: str(false),
        agencyId: str(false),
        passwordHash: str(false),
        mustChangePassword: bool(),
        disabled: bool(),
        passwordChangedAt: date(true),
        removedAt: date(true),
        role: { type: DataTypes.STRING, allowNull: false, defaultValue: 'clerk' },
        createdAt: date(),
        updatedAt: date(),
      },
      opts('accounts'),
    ),
    AuthFailure: sequelize.define(
      'AuthFailure',
      {
        email: { type: DataTypes.STRING, primaryKey: true },
        remoteAddress: { type: DataTypes.STRING, primaryKey: true },
        failures: int(),
        windowStart: date(),
        lockedUntil: date(true),
      },
      opts('auth_failures'),
    ),
    Message: sequelize.define(
      'Message',
      {
        id: pk(),
        blobSha256: str(false),
        blobSize: bigint('blobSize'),
        prefix: text(false),
        size: bigint('size'),
        structure: text(),
        header: { type: DataTypes.BLOB, allowNull: true },
        origin: str(),
        createdAt: date(),
      },
      opts('messages'),
    ),
    Document: sequelize.define(
      'Document',
      {
        id: { type: DataTypes.STRING, primaryKey: true },
        messageRowId: { ...int(true), field: 'message_id' },
        rfc822MessageId: str(),
        senderAgencyId: str(false),
        senderAccount: str(false),
        envelopeFrom: str(false),
        recipients: text(false),
        subject: text(),
        documentNumber: str(),
        signedDate: str(),
        signer: text(),
        documentType: str(),
        summary: text(),
        urgency: str(),
        confidentiality: str(),
        metadata: text(false),
        status: str(false),
        reason: str(false),
        verdict: text(false),
        signature: text(),
        paperCopyRequired: bool(),
        receivedAt: date(),
        origin: str(),
      },
      opts('documents'),
    ),
    DocumentFile: sequelize.define(
      'DocumentFile',
      {
        id: pk(),
        documentId: str(false),
        position: int(),
        partPath: str(false),
        filename: text(),
        size: bigint('size'),
        declaredType: str(false),
        detectedType: str(false),
        sha256: str(false),
        role: str(false),
      },
      opts('document_files'),
    ),
    RegisterEntry: sequelize.define(
      'RegisterEntry',
      {
        id: pk(),
        agencyId: str(false),
        book: str(false),
        year: int(),
        number: int(true),
        documentId: str(false),
        counterpartAgencyId: str(),
        status: str(false),
        registeredAt: date(),
        note: text(),
      },
      opts('register_entries'),
    ),
    RegisterEvent: sequelize.define(
      'RegisterEvent',
      {
        id: pk(),
        seq: bigint('seq'),
        kind: str(false),
        documentId: str(),
        entryId: int(true),
        agencyId: str(),
        status: str(false),
        actor: str(),
        note: text(),
        subject: text(),
        at: date(),
        entryState: text(),
        documentState: text(),
        documentSha256: { ...str(false), field: 'document_sha256' },
        prevHash: str(false),
        hash: str(false),
      },
      opts('register_events'),
    ),
    Mailbox: sequelize.define(
      'Mailbox',
      {
        id: pk(),
        agencyId: str(false),
        name: str(false),
        specialUse: str(),
        uidValidity: bigint('uidValidity'),
        uidNext: bigint('uidNext'),
        highestModseq: bigint('highestModseq'),
        createdAt: date(),
      },
      opts('mailboxes'),
    ),
    MailboxMessage: sequelize.define(
      'MailboxMessage',
      {
        id: pk(),
        mailboxId: int(),
        uid: bigint('uid'),
        messageRowId: { ...int(), field: 'message_id' },
        documentId: str(),
        flags: text(false),
        modseq: bigint('modseq'),
        internalDate: date(),
      },
      opts('mailbox_messages'),
    ),
    MailboxExpunge: sequelize.define('MailboxExpunge', { id: pk(), mailboxId: int(), uid: bigint('uid'), modseq: bigint('modseq') }, opts('mailbox_expunges')),
  };
}
