// Agency mailboxes on the delivery side: the standard folders, folder ids by name, and message rows
// delivered into folders with UIDs that are never reused (storage/mailbox/uids.ts).

import type { Transaction, Sequelize } from 'sequelize';
import type { Models } from '../models.js';
import type { DeliveredRow, MailboxRow } from '../rows.js';
import { FOLDERS } from './folders.js';
import { execute, insertRows, query, rowOf } from '../sql.js';
import { allocateUids } from './uids.js';

export interface DeliveryInput {
  agencyId: string;
  folder: string;
  /** messages.id of the stored bytes. */
  messageRowId: number;
  documentId: string | null;
  flags: string[];
  internalDate: Date;
}

export class MailboxRepository {
  private readonly idCache = new Map<string, number>();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: Models,
  ) {}

  private key(agencyId: string, name: string): string {
    return `${agencyId}\u0000${name}`;
  }

  /** Creates the standard folders an agency lacks (idempotent). */
  async ensureAgencyFolders(t: Transaction, agencyId: string, now: Date): Promise<void> {
    // Processes starting together on one PostgreSQL database would both find the folders missing and
    // collide on the unique name: one at a time (the lock ends with the transaction).
    if (this.sequelize.getDialect() === 'postgres') {
      await execute(this.sequelize, "SELECT pg_advisory_xact_lock(hashtext('docgate.agency-folders'), hashtext(:agencyId))", { agencyId }, t);
    }
    const existing = await query<{ name: unknown }>(this.sequelize, 'SELECT name FROM mailboxes WHERE agency_id = :agencyId', { agencyId }, t);
    const names = new Set(existing.map((m) => String(m.name)));
    let validity = Math.floor(now.getTime() / 1000);
    for (const folder of Object.values(FOLDERS)) {
      if (names.has(folder.name)) continue;
      await insertRows(this.sequelize, t, this.models.Mailbox, [
        { agencyId, name: folder.name, specialUse: folder.specialUse, uidValidity: validity++, uidNext: 1, highestModseq: 1, createdAt: now },
      ]);
      // The standard folders start subscribed.
      await execute(
        this.sequelize,
        'INSERT INTO mailbox_subscriptions (agency_id, name) VALUES (:agencyId, :name) ON CONFLICT DO NOTHING',
        { agencyId, name: folder.name },
        t,
      );
    }
  }

  async find(agencyId: string, name: string, t?: Transaction): Promise<MailboxRow | null> {
    const [row] = await query(this.sequelize, 'SELECT * FROM mailboxes WHERE agency_id = :agencyId AND name = :name', { agencyId, name }, t);
    return row ? rowOf<MailboxRow>(this.models.Mailbox, row) : null;
  }

  async list(agencyId: string): Promise<MailboxRow[]> {
    const rows = await query(this.sequelize, 'SELECT * FROM mailboxes WHERE agency_id = :agencyId ORDER BY id', { agencyId });
    return rows.map((r) => rowOf<MailboxRow>(this.models.Mailbox, r));
  }

  private async mailboxId(t: Transaction, agencyId: string, name: string): Promise<number> {
    const cacheKey = this.key(agencyId, name);
    const cached = this.idCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = await this.find(agencyId, name, t);
    if (!row) throw new Error(`mailbox ${name} of agency ${agencyId} does not exist`);
    this.idCache.set(cacheKey, row.id);
    return row.id;
  }

  /** Forgets cached folder ids (after a rename or delete through IMAP). */
  invalidate(): void {
    this.idCache.clear();
  }

  /**
   * Delivers messages into folders: the UIDs a folder needs are taken in one update (they share the
   * MODSEQ of that change, as RFC 7162 allows for one atomic change), then one multi-row INSERT.
   */
  async deliverMany(t: Transaction, inputs: DeliveryInput[]): Promise<DeliveredRow[]> {
    const folders = new Map<number, number[]>();
    const mailboxIds: number[] = [];
    for (const [i, input] of inputs.entries()) {
      const mailboxId = await this.mailboxId(t, input.agencyId, input.folder);
      mailboxIds.push(mailboxId);
      folders.set(mailboxId, [...(folders.get(mailboxId) ?? []), i]);
    }
    const delivered = new Array<DeliveredRow>(inputs.length);
    for (const [mailboxId, indexes] of folders) {
      const { firstUid, modseq } = await allocateUids(this.sequelize, t, mailboxId, indexes.length);
      indexes.forEach((i, k) => (delivered[i] = { mailboxId, agencyId: inputs[i].agencyId, uid: firstUid + k, modseq }));
    }
    await insertRows(
      this.sequelize,
      t,
      this.models.MailboxMessage,
      inputs.map((input, i) => ({
        mailboxId: mailboxIds[i],
        uid: delivered[i].uid,
        messageRowId: input.messageRowId,
        documentId: input.documentId,
        flags: JSON.stringify(input.flags),
        modseq: delivered[i].modseq,
        internalDate: input.internalDate,
      })),
    );
    return delivered;
  }

  async deliver(t: Transaction, input: DeliveryInput): Promise<DeliveredRow> {
    return (await this.deliverMany(t, [input]))[0];
  }
}
