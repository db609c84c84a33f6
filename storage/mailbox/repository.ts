// Agency mailboxes: folders, and message rows with UIDs that are never reused (uid_next only grows).

import type { Transaction, Sequelize } from 'sequelize';
import type { Models } from '../models.js';
import { toNumber } from '../models.js';
import type { MailboxRow } from '../rows.js';
import { FOLDERS } from './folders.js';
import { boundQuery, insertRows, runSql } from '../sql.js';

export interface DeliveryInput {
  agencyId: string;
  folder: string;
  messageId: number;
  documentId: string | null;
  flags: string[];
  internalDate: Date;
}

export interface DeliveredRow {
  mailboxId: number;
  agencyId: string;
  uid: number;
  modseq: number;
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
    const existing = await this.models.Mailbox.findAll({ where: { agencyId }, transaction: t });
    const names = new Set(existing.map((m) => m.get('name')));
    let validity = Math.floor(now.getTime() / 1000);
    for (const folder of Object.values(FOLDERS)) {
      if (names.has(folder.name)) continue;
      await this.models.Mailbox.create(
        { agencyId, name: folder.name, specialUse: folder.specialUse, uidValidity: validity++, uidNext: 1, highestModseq: 1, createdAt: now },
        { transaction: t },
      );
      // The standard folders start subscribed.
      await boundQuery(this.sequelize, 'INSERT INTO mailbox_subscriptions (agency_id, name) VALUES (:agencyId, :name) ON CONFLICT DO NOTHING', { agencyId, name: folder.name }, { transaction: t, select: false });
    }
  }

  async find(agencyId: string, name: string, t?: Transaction): Promise<MailboxRow | null> {
    const row = await this.models.Mailbox.findOne({ where: { agencyId, name }, transaction: t });
    return row ? row.get({ plain: true }) : null;
  }

  async list(agencyId: string): Promise<MailboxRow[]> {
    const rows = await this.models.Mailbox.findAll({ where: { agencyId }, order: [['id', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
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

  /** Takes `count` consecutive UIDs (the first is returned) and one new MODSEQ. */
  async allocateUids(t: Transaction, mailboxId: number, count: number): Promise<{ uid: number; modseq: number }> {
    const rows = await runSql(
      this.sequelize,
      t,
      'UPDATE mailboxes SET uid_next = uid_next + ?, highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING uid_next, highest_modseq',
      [count, mailboxId],
    );
    if (rows.length !== 1) throw new Error(`mailbox ${mailboxId} vanished`);
    return { uid: toNumber(rows[0].uid_next) - count, modseq: toNumber(rows[0].highest_modseq) };
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
    const delivered: DeliveredRow[] = new Array(inputs.length);
    for (const [mailboxId, indexes] of folders) {
      const { uid, modseq } = await this.allocateUids(t, mailboxId, indexes.length);
      indexes.forEach((i, k) => (delivered[i] = { mailboxId, agencyId: inputs[i].agencyId, uid: uid + k, modseq }));
    }
    await insertRows(
      this.sequelize,
      t,
      'mailbox_messages',
      ['mailbox_id', 'uid', 'message_id', 'document_id', 'flags', 'modseq', 'internal_date'],
      inputs.map((input, i) => [mailboxIds[i], delivered[i].uid, input.messageId, input.documentId, JSON.stringify(input.flags), delivered[i].modseq, input.internalDate]),
    );
    return delivered;
  }

  async deliver(t: Transaction, input: DeliveryInput): Promise<DeliveredRow> {
    return (await this.deliverMany(t, [input]))[0];
  }
}
