// The register's event log becomes a hash chain (storage/register/chain.ts): every event gets its place
// (seq, gap-free), the hashes linking it to the one before, the snapshots of the rows it concerns, and
// a kind, so administrators' actions that concern no document are events too (document_id and
// agency_id become nullable: SQLite needs the table rebuilt for that, so both databases rebuild it the
// same way). The events found here are chained in id order, each row's current state recorded with its
// first event. A one-row register_chain_head holds the head (appenders lock it on PostgreSQL), and
// triggers refuse UPDATE and DELETE of events on both databases: a correction is a new event.

import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { toDate } from '../models.js';
import { chainHash, GENESIS_HASH, type ChainedContent } from '../register/chain.js';
import { columnText, readDocumentSnapshots, readEntrySnapshots } from '../register/snapshots.js';

const PAGE = 1000;

function eventColumns(): Parameters<QueryInterface['createTable']>[1] {
  return {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    seq: { type: DataTypes.BIGINT, allowNull: false, unique: true },
    kind: { type: DataTypes.STRING(10), allowNull: false },
    document_id: { type: DataTypes.STRING(40), allowNull: true },
    entry_id: { type: DataTypes.INTEGER, allowNull: true },
    agency_id: { type: DataTypes.STRING(13), allowNull: true },
    status: { type: DataTypes.STRING(20), allowNull: false },
    actor: { type: DataTypes.STRING(254), allowNull: true },
    note: { type: DataTypes.TEXT, allowNull: true },
    subject: { type: DataTypes.TEXT, allowNull: true },
    at: { type: DataTypes.DATE, allowNull: false },
    entry_state: { type: DataTypes.TEXT, allowNull: true },
    document_state: { type: DataTypes.TEXT, allowNull: true },
    document_sha256: { type: DataTypes.STRING(64), allowNull: false },
    prev_hash: { type: DataTypes.STRING(64), allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
  };
}

/** Copies the old events into `target`, chained; returns the head. */
async function chainExisting(qi: QueryInterface, target: string): Promise<{ seq: number; hash: string }> {
  const sequelize = qi.sequelize;
  const seenEntries = new Set<number>();
  const seenDocuments = new Set<string>();
  let seq = 0;
  let prev = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const events = await sequelize.query<Record<string, unknown>>(
      'SELECT id, document_id, entry_id, agency_id, status, actor, note, at FROM register_events WHERE id > $1 ORDER BY id LIMIT $2',
      { bind: [after, PAGE], type: QueryTypes.SELECT },
    );
    if (events.length === 0) return { seq, hash: prev };
    const entries = await readEntrySnapshots(
      sequelize,
      undefined,
      events.filter((e) => e.entry_id !== null).map((e) => Number(e.entry_id)),
    );
    const documents = await readDocumentSnapshots(
      sequelize,
      undefined,
      events.map((e) => String(e.document_id)),
    );
    const rows = events.map((e) => {
      const entryId = e.entry_id === null ? null : Number(e.entry_id);
      const documentId = String(e.document_id);
      const doc = documents.get(documentId);
      const firstEntry = entryId !== null && !seenEntries.has(entryId);
      const firstDocument = !seenDocuments.has(documentId);
      if (entryId !== null) seenEntries.add(entryId);
      seenDocuments.add(documentId);
      const content: ChainedContent = {
        seq: ++seq,
        kind: 'document',
        documentId,
        entryId,
        agencyId: columnText(e.agency_id),
        status: String(e.status),
        actor: columnText(e.actor),
        note: columnText(e.note),
        subject: null,
        at: toDate(e.at),
        entryState: firstEntry ? (entries.get(entryId) ?? null) : null,
        documentState: firstDocument ? (doc?.state ?? null) : null,
        documentSha256: doc?.sha256 ?? '',
      };
      const hash = chainHash(content, prev);
      const row = {
        id: Number(e.id),
        seq: content.seq,
        kind: content.kind,
        document_id: documentId,
        entry_id: entryId,
        agency_id: content.agencyId,
        status: content.status,
        actor: content.actor,
        note: content.note,
        subject: null,
        at: content.at,
        entry_state: content.entryState,
        document_state: content.documentState,
        document_sha256: content.documentSha256,
        prev_hash: prev,
        hash,
      };
      prev = hash;
      return row;
    });
    await qi.bulkInsert(target, rows);
    after = Number(events[events.length - 1].id);
  }
}

async function appendOnlyTriggers(qi: QueryInterface): Promise<void> {
  if (qi.sequelize.getDialect() === 'postgres') {
    await qi.sequelize.query(
      "CREATE OR REPLACE FUNCTION register_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'register_events is append-only: % refused', TG_OP; END $$",
    );
    await qi.sequelize.query(
      'CREATE TRIGGER register_events_no_change BEFORE UPDATE OR DELETE ON register_events FOR EACH ROW EXECUTE FUNCTION register_events_append_only()',
    );
    await qi.sequelize.query(
      'CREATE TRIGGER register_events_no_truncate BEFORE TRUNCATE ON register_events FOR EACH STATEMENT EXECUTE FUNCTION register_events_append_only()',
    );
  } else {
    await qi.sequelize.query(
      "CREATE TRIGGER register_events_no_update BEFORE UPDATE ON register_events BEGIN SELECT RAISE(ABORT, 'register_events is append-only: UPDATE refused'); END",
    );
    await qi.sequelize.query(
      "CREATE TRIGGER register_events_no_delete BEFORE DELETE ON register_events BEGIN SELECT RAISE(ABORT, 'register_events is append-only: DELETE refused'); END",
    );
  }
}

export const registerChainSchema = {
  name: '011-register-chain',
  async up(qi: QueryInterface): Promise<void> {
    const sequelize = qi.sequelize;
    // A start that died half-way left the copy behind: begin again from the untouched old table.
    await qi.dropTable('register_events_chained').catch(() => undefined);
    await qi.createTable('register_events_chained', eventColumns());
    const head = await chainExisting(qi, 'register_events_chained');
    await qi.dropTable('register_events');
    await qi.renameTable('register_events_chained', 'register_events');
    if (sequelize.getDialect() === 'postgres') {
      await sequelize.query("SELECT setval(pg_get_serial_sequence('register_events', 'id'), GREATEST((SELECT MAX(id) FROM register_events), 1))");
    }
    await qi.addIndex('register_events', ['document_id', 'seq'], { name: 'register_events_document_seq' });
    await qi.addIndex('register_events', ['entry_id', 'seq'], { name: 'register_events_entry_seq' });
    await qi.addIndex('register_events', ['kind', 'seq'], { name: 'register_events_kind_seq' });
    await qi.addIndex('register_events', ['at'], { name: 'register_events_at' });
    await appendOnlyTriggers(qi);
    await qi.createTable('register_chain_head', {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      seq: { type: DataTypes.BIGINT, allowNull: false },
      hash: { type: DataTypes.STRING(64), allowNull: false },
    });
    await qi.bulkInsert('register_chain_head', [{ id: 1, seq: head.seq, hash: head.hash }]);
  },
  async down(): Promise<void> {
    throw new Error('011-register-chain cannot be undone: the chained event log is the register’s proof');
  },
};
