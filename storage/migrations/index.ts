// Schema migrations, applied in order at start (umzug). The same migrations run on SQLite and PostgreSQL;
// a migration is never edited once released: add a new one.

import { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import type { Logger } from '../../gateway/log.js';
import { initialSchema } from './001-initial.js';
import { imapSchema } from './003-imap.js';
import { messageHeaderSchema } from './004-message-header.js';
import { subscriptionsSchema } from './005-subscriptions.js';
import { uidValidityCounterSchema } from './006-uidvalidity-counter.js';

export const MIGRATIONS = [initialSchema, imapSchema, messageHeaderSchema, subscriptionsSchema, uidValidityCounterSchema];

export async function migrate(sequelize: Sequelize, log: Logger): Promise<void> {
  const umzug = new Umzug({
    migrations: MIGRATIONS.map((m) => ({ name: m.name, up: () => m.up(sequelize.getQueryInterface()), down: () => m.down(sequelize.getQueryInterface()) })),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: { info: (msg) => log.debug('migration', { msg }), warn: (msg) => log.warn('migration', { msg }), error: (msg) => log.error('migration', { msg }), debug: () => undefined },
  });
  await umzug.up();
}
