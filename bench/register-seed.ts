// Seeds a register with N synthetic documents through the real write path (RegisterRepository.recordMany
// in group-commit-sized batches: register rows, search index, recipient copies, mailbox rows), for the
// register benchmarks and the report tests. Deterministic: the same N gives the same register. With
// `outcomes`, each document also gets what the report counts (seedOutcome): refusals by reason, S/MIME
// and PDF signatures, ngày ký on or before the sending day, paper copies, and per recipient a
// registration (03) after a known delay, a return (02) with reasons, or nothing; alerts for Hỏa tốc.

import type { Transaction } from 'sequelize';
import { reasonsFromFlags, returnNote, returnReasonKeywords } from '../gateway/imap/filing/reasons.js';
import { localDate } from '../policies/text/dates.js';
import type { Database } from '../storage/db.js';
import { MailboxRepository } from '../storage/mailbox/repository.js';
import { toNumber } from '../storage/models.js';
import type { DocumentFileRow, DocumentRow, MessageRow, RegisterBook, RegisterEntryRow, RegisterEventRow, RegisterStatus } from '../storage/rows.js';
import { chainHash, type ChainedContent } from '../storage/register/chain.js';
import { lockChainHead, type NewRegisterEvent } from '../storage/register/events.js';
import { RegisterRepository } from '../storage/register/repository.js';
import { SEARCH_COLUMNS, searchRow } from '../storage/register/search-index.js';
import { documentSnapshot, entrySnapshot } from '../storage/register/snapshots.js';
import type { SubmissionRecord } from '../storage/register/types.js';
import { bulkInsertRows, bulkInsertValues, execute, query, type SqlValue } from '../storage/sql.js';

/** 20 agencies of Hà Tĩnh: the UBND and departments 01..19. */
export const SEED_AGENCIES = Array.from({ length: 20 }, (_, i) => `000.${String(i).padStart(2, '0')}.00.H27`);

const TYPES = [
  ['Công văn', ''],
  ['Quyết định', 'QĐ'],
  ['Kế hoạch', 'KH'],
  ['Báo cáo', 'BC'],
  ['Thông báo', 'TB'],
  ['Giấy mời', 'GM'],
  ['Tờ trình', 'TTr'],
];
const TOPICS = [
  'triển khai',
  'tổng kết',
  'kiểm tra',
  'đào tạo',
  'chuyển đổi số',
  'đất đai',
  'đầu tư công',
  'phòng chống thiên tai',
  'cải cách hành chính',
  'Đoàn thanh niên',
];
const OBJECTS = ['năm 2026', 'quý III', 'tháng 11', 'giai đoạn 2026-2030', 'trên địa bàn tỉnh', 'các sở, ngành', 'cấp huyện', 'cấp xã'];
const URGENCY = [null, null, null, null, 'urgent', 'very-urgent', 'flash'];

/** A small deterministic PRNG (mulberry32), so seeds repeat exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededDocument {
  trackingId: string;
  documentNumber: string;
  summary: string;
}

/** Time between two seeded documents' arrivals (50 s: 1.2 documents a minute), unless spread otherwise. */
const DEFAULT_SPACING_MS = 50_000;

/** The i-th synthetic document (0-based). */
export function seedDocument(i: number, year = 2026, spacingMs = DEFAULT_SPACING_MS): SubmissionRecord {
  const r = prng(i + 1);
  const pick = <T>(list: T[]) => list[Math.floor(r() * list.length)];
  const sender = SEED_AGENCIES[i % SEED_AGENCIES.length];
  const recipients = [...new Set([SEED_AGENCIES[(i * 7 + 1) % SEED_AGENCIES.length], SEED_AGENCIES[(i * 13 + 3) % SEED_AGENCIES.length]])].filter(
    (a) => a !== sender,
  );
  const [type, abbr] = pick(TYPES);
  const unit = `S${sender.slice(4, 6)}`;
  const documentNumber = `${i + 1}/${abbr ? `${abbr}-` : ''}${unit}`;
  const summary = `V/v ${pick(TOPICS)} ${pick(TOPICS)} ${pick(OBJECTS)}`;
  const receivedAt = new Date(Date.UTC(year, 0, 1, 1) + ((i * spacingMs) % (360 * 86_400_000)));
  const trackingId = `DG${year}0101-S${String(i).padStart(9, '0')}`;
  const day = receivedAt.toISOString().slice(0, 10);
  return {
    trackingId,
    receivedAt,
    year,
    status: 'accepted',
    reason: 'ok',
    senderAgencyId: sender,
    senderAccount: `vanthu@${unit.toLowerCase()}.hatinh.gov.vn`,
    envelopeFrom: `vanthu@${unit.toLowerCase()}.hatinh.gov.vn`,
    envelopeRecipients: recipients.map((a) => `vanthu@s${a.slice(4, 6)}.hatinh.gov.vn`),
    recipientAgencyIds: recipients,
    message: { blobSha256: 'a'.repeat(64), blobSize: 1000, prefix: `X-Docgate-Tracking-Id: ${trackingId}\r\n`, structure: null, header: null },
    rfc822MessageId: `<${trackingId}@seed.test>`,
    subject: `${type} ${documentNumber}`,
    metadata: { documentNumber, signedDate: day, signer: 'Nguyễn Văn An', documentType: type, summary, urgency: pick(URGENCY), confidentiality: null },
    metadataJson: '{}',
    verdictJson: '{}',
    signatureJson: null,
    paperCopyRequired: false,
    files: [
      {
        position: 1,
        partPath: '2',
        filename: `${type} ${i + 1}.pdf`,
        size: 50_000,
        declaredType: 'application/pdf',
        detectedType: 'application/pdf',
        sha256: 'b'.repeat(64),
        role: 'main',
      },
    ],
    note: null,
  };
}

/** The register's time zone the seeded dates are meant in (the sample docgate.yaml's). */
export const SEED_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Refusal reason codes of the seeded refused submissions. */
export const SEED_REFUSALS = ['legacy-encoding', 'attachment-type', 'metadata-invalid', 'signature-invalid', 'malware'] as const;
/** Registration delays (seconds) a recipient may take, from ten minutes to three days. */
const FILING_DELAYS = [600, 1800, 3600, 7200, 4 * 3600, 8 * 3600, 86_400, 3 * 86_400];
/** Return reason sets ($TraLai-* keywords) a recipient may give; the empty set is "no reason given". */
const RETURN_SETS: string[][] = [[0], [1], [2], [3, 1], []].map((set) => set.map((k) => returnReasonKeywords()[k]));

export type RecipientFate = { kind: 'filed'; delaySeconds: number } | { kind: 'returned'; keywords: string[] } | { kind: 'arrived' };

export interface SeedOutcome {
  /** A refusal code, or null when accepted. */
  refused: (typeof SEED_REFUSALS)[number] | null;
  signature: 'smime' | 'pdf' | 'smime-failed' | null;
  /** ngày ký this many local days before the arrival day (0: signed and sent the same day). */
  signedDaysBefore: number;
  paperCopyRequired: boolean;
  /** One per recipient agency, in recipientAgencyIds order. */
  recipients: RecipientFate[];
  /** Per recipient of a Hỏa tốc document: whether its alert went out. */
  alerts: ('alert-sent' | 'alert-failed')[];
}

/** What happens to the i-th document, from its own random stream (seedDocument's picks are unchanged). */
export function seedOutcome(i: number, doc: SubmissionRecord = seedDocument(i)): SeedOutcome {
  const r = prng(i * 31 + 7_777_777);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)];
  const refused = r() < 0.06 ? pick(SEED_REFUSALS) : null;
  const s = r();
  const signature = s < 0.3 ? 'smime' : s < 0.5 ? 'pdf' : s < 0.55 ? 'smime-failed' : null;
  const signedDaysBefore = r() < 0.6 ? 0 : 1 + Math.floor(r() * 5);
  const paperCopyRequired = r() < 0.1;
  const recipients = doc.recipientAgencyIds.map((): RecipientFate => {
    const f = r();
    if (f < 0.6) return { kind: 'filed', delaySeconds: pick(FILING_DELAYS) };
    if (f < 0.72) return { kind: 'returned', keywords: pick(RETURN_SETS) };
    return { kind: 'arrived' };
  });
  const alerts = doc.metadata.urgency === 'flash' ? doc.recipientAgencyIds.map(() => (r() < 0.8 ? ('alert-sent' as const) : ('alert-failed' as const))) : [];
  return { refused, signature, signedDaysBefore, paperCopyRequired, recipients, alerts };
}

/** The document as submitted under its outcome: refused or accepted, signed, dated, with a paper-copy warning. */
export function seedSubmission(i: number, year = 2026, spacingMs = DEFAULT_SPACING_MS): { doc: SubmissionRecord; outcome: SeedOutcome } {
  const doc = seedDocument(i, year, spacingMs);
  const outcome = seedOutcome(i, doc);
  const signedDate = localDate(new Date(doc.receivedAt.getTime() - outcome.signedDaysBefore * 86_400_000), SEED_TIME_ZONE);
  const pdfVerdict = { outcomes: [{ check: 'pdf-signature', findings: [], data: { status: 'verified', signatures: [] }, durationMs: 1 }] };
  return {
    outcome,
    doc: {
      ...doc,
      status: outcome.refused ? 'returned' : 'accepted',
      reason: outcome.refused ?? 'ok',
      metadata: { ...doc.metadata, signedDate },
      signatureJson:
        outcome.signature === 'smime'
          ? JSON.stringify({ signed: true, status: 'verified' })
          : outcome.signature === 'smime-failed'
            ? JSON.stringify({ signed: true, status: 'failed' })
            : null,
      verdictJson: outcome.signature === 'pdf' ? JSON.stringify(pdfVerdict) : '{"outcomes":[]}',
      paperCopyRequired: outcome.paperCopyRequired,
      note: outcome.refused ? `${outcome.refused}: seeded refusal` : null,
    },
  };
}

/** The recipients' registrations, returns and alerts of an accepted batch, as the filing workflow and alert sender write them. */
async function applyOutcomes(
  db: Database,
  register: RegisterRepository,
  t: Transaction,
  batch: { doc: SubmissionRecord; outcome: SeedOutcome }[],
): Promise<void> {
  const accepted = batch.filter((b) => !b.outcome.refused);
  if (accepted.length === 0) return;
  const rows = await query(
    db.sequelize,
    "SELECT id, agency_id, document_id FROM register_entries WHERE book = 'incoming' AND document_id IN (:ids)",
    { ids: accepted.map((b) => b.doc.trackingId) },
    t,
  );
  const entryOf = new Map(rows.map((r) => [`${String(r.document_id)} ${String(r.agency_id)}`, toNumber(r.id)]));
  const events: NewRegisterEvent[] = [];
  const byStatus = new Map<string, number[]>();
  for (const { doc, outcome } of accepted) {
    doc.recipientAgencyIds.forEach((agencyId, k) => {
      const entryId = entryOf.get(`${doc.trackingId} ${agencyId}`)!;
      const fate = outcome.recipients[k];
      const actor = `vanthu@s${agencyId.slice(4, 6)}.hatinh.gov.vn`;
      if (fate.kind === 'filed') {
        byStatus.set('03', [...(byStatus.get('03') ?? []), entryId]);
        const at = new Date(doc.receivedAt.getTime() + fate.delaySeconds * 1000);
        events.push({ documentId: doc.trackingId, entryId, agencyId, status: '03', actor, note: null, at });
      } else if (fate.kind === 'returned') {
        const note = returnNote(reasonsFromFlags(fate.keywords));
        byStatus.set(`02\u0000${note}`, [...(byStatus.get(`02\u0000${note}`) ?? []), entryId]);
        events.push({ documentId: doc.trackingId, entryId, agencyId, status: '02', actor, note, at: new Date(doc.receivedAt.getTime() + 3_600_000) });
      }
      const alert = outcome.alerts[k];
      if (alert)
        events.push({ documentId: doc.trackingId, entryId, agencyId, status: alert, actor: null, note: null, at: new Date(doc.receivedAt.getTime() + 5_000) });
    });
  }
  for (const [key, ids] of byStatus) {
    const [status, note] = key.split('\u0000');
    await execute(db.sequelize, 'UPDATE register_entries SET status = :status, note = :note WHERE id IN (:ids)', { status, note: note ?? null, ids }, t);
  }
  await register.appendEvents(t, events);
}

export interface SeedOptions {
  /** Documents per transaction, as the group commit batches them. */
  batch?: number;
  /** Also write seedOutcome's refusals, signatures, registrations, returns and alerts. */
  outcomes?: boolean;
  year?: number;
  spacingMs?: number;
  /** Changes a submission before it is written (with `outcomes`), e.g. a test's hostile trích yếu. */
  edit?: (seeded: { doc: SubmissionRecord; outcome: SeedOutcome }) => void;
}

/** Writes documents [from, from + count) in batches (one transaction each, as the group commit does). */
export async function seedRegister(db: Database, from: number, count: number, options: SeedOptions = {}): Promise<void> {
  const batch = options.batch ?? 200;
  const mailboxes = new MailboxRepository(db.sequelize, db.models);
  const register = new RegisterRepository(db.sequelize, db.models, mailboxes);
  await db.sequelize.transaction(async (t) => {
    for (const agency of SEED_AGENCIES) await mailboxes.ensureAgencyFolders(t, agency, new Date());
  });
  for (let at = from; at < from + count; at += batch) {
    const indexes = Array.from({ length: Math.min(batch, from + count - at) }, (_, k) => at + k);
    if (!options.outcomes) {
      const docs = indexes.map((i) => seedDocument(i, options.year, options.spacingMs));
      await db.sequelize.transaction((t) => register.recordMany(t, docs));
      continue;
    }
    const subs = indexes.map((i) => seedSubmission(i, options.year, options.spacingMs));
    for (const sub of subs) options.edit?.(sub);
    await db.sequelize.transaction(async (t) => {
      await register.recordMany(
        t,
        subs.map((s) => s.doc),
      );
      await applyOutcomes(db, register, t, subs);
    });
  }
}

// ---- Bulk seeding (the 1,000,000-entry benches) ----------------------------------------------------
// The same register the write path makes (documents, their message rows, files, search index with its
// FTS5 / tsvector, numbered sổ đi / sổ đến entries, and the hash-chained events with the snapshots the
// appender records), written directly: multi-row INSERTs of a whole transaction of documents, register
// numbers and ids counted here, chain hashes and snapshots computed in the batch from the rows written.
// Mailbox rows, recipient copies and notice jobs are not written (no register bench reads them); the
// indexes are the migrations' own, kept through the load as in production. `register verify` accepts it.

/** A stored blob the seeded documents point at (default: none stored, 'a'×64 of 1,000 bytes). */
export type SeedBlob = (i: number) => { sha256: string; size: number };

export interface BulkSeedOptions {
  outcomes?: boolean;
  year?: number;
  spacingMs?: number;
  /** Documents per transaction (default 5,000). */
  batch?: number;
  blob?: SeedBlob;
  /** Stop (between transactions) once this instant has passed; the count written is returned. */
  deadline?: number;
}

type Rec = Record<string, SqlValue>;

async function maxId(db: Database, t: Transaction, table: string): Promise<number> {
  const [row] = await query<{ n: unknown }>(db.sequelize, `SELECT MAX(id) AS n FROM ${table}`, {}, t);
  return row?.n === null || row?.n === undefined ? 0 : toNumber(row.n);
}

interface PlannedEvent {
  entry: Rec | null;
  status: string;
  agencyId: string;
  actor: string | null;
  note: string | null;
  at: Date;
  /** Carry the entry's state as it is at this event (the appender records it with the first event of a batch). */
  entryState: string | null;
  carriesDocument: boolean;
}

interface SeedState {
  messageId: number;
  entryId: number;
  /** Last register number per "agency book year". */
  counters: Map<string, number>;
  seq: number;
  prev: string;
}

interface SeedBatch {
  messages: Omit<MessageRow, 'header' | 'origin'>[];
  documents: DocumentRow[];
  files: Omit<DocumentFileRow, 'id'>[];
  search: string[][];
  entries: RegisterEntryRow[];
  events: Omit<RegisterEventRow, 'id'>[];
  /** The chain head before and after the batch. */
  from: { seq: number; hash: string };
  to: { seq: number; hash: string };
  counters: [string, number][];
}

async function readState(db: Database): Promise<SeedState> {
  return db.transaction(async (t) => {
    const head = await lockChainHead(db.sequelize, t);
    const counters = new Map<string, number>();
    for (const r of await query(db.sequelize, 'SELECT agency_id, book, year, last_number FROM register_counters', {}, t))
      counters.set(`${String(r.agency_id)} ${String(r.book)} ${toNumber(r.year)}`, toNumber(r.last_number));
    return { messageId: await maxId(db, t, 'messages'), entryId: await maxId(db, t, 'register_entries'), counters, seq: head.seq, prev: head.hash };
  });
}

/** Documents between two yields of a batch's build, so the previous batch's statements go on meanwhile. */
const BUILD_SLICE = 250;

/** The rows of documents [at, at + n), numbered and chained on from `state` (which moves past them). */
async function buildBatch(state: SeedState, at: number, n: number, options: BulkSeedOptions): Promise<SeedBatch> {
  let { messageId, entryId, seq, prev } = state;
  const from = { seq, hash: prev };
  const counters = state.counters;
  const next = (agencyId: string, book: RegisterBook, year: number) => {
    const key = `${agencyId} ${book} ${year}`;
    const number = (counters.get(key) ?? 0) + 1;
    counters.set(key, number);
    return number;
  };
  const messages: SeedBatch['messages'] = [];
  const documents: DocumentRow[] = [];
  const files: SeedBatch['files'] = [];
  const search: string[][] = [];
  const entries: RegisterEntryRow[] = [];
  const events: SeedBatch['events'] = [];
  for (let k = 0; k < n; k++) {
    if (k % BUILD_SLICE === BUILD_SLICE - 1) await new Promise(setImmediate);
    const i = at + k;
    const { doc, outcome } = options.outcomes
      ? seedSubmission(i, options.year, options.spacingMs)
      : { doc: seedDocument(i, options.year, options.spacingMs), outcome: null };
    const blob = options.blob?.(i) ?? { sha256: doc.message.blobSha256, size: doc.message.blobSize };
    const m = { ...doc.message, blobSha256: blob.sha256, blobSize: blob.size };
    messages.push({
      id: ++messageId,
      blobSha256: m.blobSha256,
      blobSize: m.blobSize,
      prefix: m.prefix,
      size: Buffer.byteLength(m.prefix, 'latin1') + m.blobSize,
      structure: m.structure,
      createdAt: doc.receivedAt,
    });
    const document: DocumentRow = {
      id: doc.trackingId,
      messageRowId: messageId,
      rfc822MessageId: doc.rfc822MessageId,
      senderAgencyId: doc.senderAgencyId,
      senderAccount: doc.senderAccount,
      envelopeFrom: doc.envelopeFrom,
      recipients: JSON.stringify(doc.envelopeRecipients),
      subject: doc.subject,
      ...doc.metadata,
      metadata: doc.metadataJson,
      status: doc.status,
      reason: doc.reason,
      verdict: doc.verdictJson,
      signature: doc.signatureJson,
      paperCopyRequired: doc.paperCopyRequired,
      receivedAt: doc.receivedAt,
      origin: null,
    };
    documents.push(document);
    const docFiles = doc.files.map((f) => ({ documentId: doc.trackingId, ...f }));
    files.push(...docFiles);
    search.push(searchRow({ trackingId: doc.trackingId, subject: doc.subject, ...doc.metadata, filenames: doc.files.map((f) => f.filename) }));
    // The rows as verify reads them back (snapshots.ts), so each event's snapshot is what the appender records.
    const documentState = documentSnapshot(
      {
        id: document.id,
        status: document.status,
        reason: document.reason,
        sender_agency_id: document.senderAgencyId,
        sender_account: document.senderAccount,
        envelope_from: document.envelopeFrom,
        recipients: document.recipients,
        subject: document.subject,
        document_number: document.documentNumber,
        signed_date: document.signedDate,
        signer: document.signer,
        document_type: document.documentType,
        summary: document.summary,
        urgency: document.urgency,
        confidentiality: document.confidentiality,
        paper_copy_required: document.paperCopyRequired,
        received_at: document.receivedAt,
        metadata: document.metadata,
        signature: document.signature,
        blob_sha256: blob.sha256,
      },
      docFiles.map((f) => ({
        position: f.position,
        part_path: f.partPath,
        filename: f.filename,
        size: f.size,
        declared_type: f.declaredType,
        detected_type: f.detectedType,
        sha256: f.sha256,
        role: f.role,
      })),
    ).state;
    const newEntry = (agencyId: string, book: RegisterBook, number: number | null, counterpart: string | null, status: RegisterStatus, note: string | null) => {
      const e: RegisterEntryRow = {
        id: ++entryId,
        agencyId,
        book,
        year: doc.year,
        number,
        documentId: doc.trackingId,
        counterpartAgencyId: counterpart,
        status,
        registeredAt: doc.receivedAt,
        note,
      };
      entries.push(e);
      return e;
    };
    const stateOf = (e: RegisterEntryRow) =>
      entrySnapshot({
        id: e.id,
        agency_id: e.agencyId,
        book: e.book,
        year: e.year,
        number: e.number,
        document_id: e.documentId,
        counterpart_agency_id: e.counterpartAgencyId,
        status: e.status,
        registered_at: e.registeredAt,
        note: e.note,
      });
    const planned: PlannedEvent[] = [];
    const plan = (
      e: RegisterEntryRow | null,
      status: string,
      agencyId: string,
      actor: string | null,
      note: string | null,
      when: Date,
      carriesDocument: boolean,
    ) => planned.push({ entry: null, status, agencyId, actor, note, at: when, entryState: e ? stateOf(e) : null, carriesDocument });
    if (doc.status !== 'accepted') {
      const e = newEntry(doc.senderAgencyId, 'outgoing', null, null, 'returned', doc.note);
      plan(e, 'returned', doc.senderAgencyId, doc.senderAccount, doc.note, doc.receivedAt, true);
      events.push(...chained(planned, e, doc.trackingId, blob.sha256, documentState));
    } else {
      const out = newEntry(doc.senderAgencyId, 'outgoing', next(doc.senderAgencyId, 'outgoing', doc.year), null, 'sent', doc.note);
      const incoming = doc.recipientAgencyIds.map((a) => newEntry(a, 'incoming', next(a, 'incoming', doc.year), doc.senderAgencyId, '01', null));
      const ids: (RegisterEntryRow | null)[] = [out, ...incoming];
      const group: PlannedEvent[] = [];
      group.push({
        entry: null,
        status: 'sent',
        agencyId: doc.senderAgencyId,
        actor: doc.senderAccount,
        note: doc.note,
        at: doc.receivedAt,
        entryState: stateOf(out),
        carriesDocument: true,
      });
      for (const e of incoming)
        group.push({
          entry: null,
          status: '01',
          agencyId: e.agencyId,
          actor: null,
          note: null,
          at: doc.receivedAt,
          entryState: stateOf(e),
          carriesDocument: false,
        });
      const later: { e: RegisterEntryRow; ev: PlannedEvent }[] = [];
      if (outcome) {
        doc.recipientAgencyIds.forEach((agencyId, j) => {
          const e = incoming[j];
          const fate = outcome.recipients[j];
          const actor = `vanthu@s${agencyId.slice(4, 6)}.hatinh.gov.vn`;
          let first = true;
          if (fate.kind === 'filed') {
            e.status = '03';
            later.push({
              e,
              ev: {
                entry: null,
                status: '03',
                agencyId,
                actor,
                note: null,
                at: new Date(doc.receivedAt.getTime() + fate.delaySeconds * 1000),
                entryState: '',
                carriesDocument: false,
              },
            });
            first = false;
          } else if (fate.kind === 'returned') {
            const note = returnNote(reasonsFromFlags(fate.keywords));
            e.status = '02';
            e.note = note;
            later.push({
              e,
              ev: {
                entry: null,
                status: '02',
                agencyId,
                actor,
                note,
                at: new Date(doc.receivedAt.getTime() + 3_600_000),
                entryState: '',
                carriesDocument: false,
              },
            });
            first = false;
          }
          const alert = outcome.alerts[j];
          if (alert)
            later.push({
              e,
              ev: {
                entry: null,
                status: alert,
                agencyId,
                actor: null,
                note: null,
                at: new Date(doc.receivedAt.getTime() + 5_000),
                entryState: first ? '' : null,
                carriesDocument: false,
              },
            });
        });
        // The appender records each row as the outcome writes left it, with the first event of their batch.
        later.forEach((l, j) => {
          if (l.ev.entryState === '') l.ev.entryState = stateOf(l.e);
          l.ev.carriesDocument = j === 0;
        });
      }
      events.push(...chained(group, ids, doc.trackingId, blob.sha256, documentState));
      events.push(
        ...chained(
          later.map((l) => l.ev),
          later.map((l) => l.e),
          doc.trackingId,
          blob.sha256,
          documentState,
        ),
      );
    }
  }
  function chained(planned: PlannedEvent[], entryOf: RegisterEntryRow | (RegisterEntryRow | null)[], documentId: string, sha: string, documentState: string) {
    return planned.map((p, j) => {
      const e = Array.isArray(entryOf) ? entryOf[j] : entryOf;
      const content: ChainedContent = {
        seq: ++seq,
        kind: 'document',
        documentId,
        entryId: e?.id ?? null,
        agencyId: p.agencyId,
        status: p.status,
        actor: p.actor,
        note: p.note,
        subject: null,
        at: p.at,
        entryState: p.entryState,
        documentState: p.carriesDocument ? documentState : null,
        documentSha256: sha,
      };
      const hash = chainHash(content, prev);
      const row = { ...content, status: p.status as RegisterStatus, prevHash: prev, hash };
      prev = hash;
      return row;
    });
  }
  Object.assign(state, { messageId, entryId, seq, prev });
  return { messages, documents, files, search, entries, events, from, to: { seq, hash: prev }, counters: [...counters] };
}

/** One transaction of a built batch, on the chain head it was built on (else a writer came between: stop). */
async function writeBatch(db: Database, b: SeedBatch): Promise<void> {
  const models = db.models;
  await db.transaction(async (t) => {
    const head = await lockChainHead(db.sequelize, t);
    if (head.seq !== b.from.seq || head.hash !== b.from.hash) throw new Error(`seed: the chain head moved (seq ${head.seq}, expected ${b.from.seq})`);
    await bulkInsertRows(db.sequelize, t, models.Message, b.messages);
    await bulkInsertRows(db.sequelize, t, models.Document, b.documents);
    await bulkInsertRows(db.sequelize, t, models.DocumentFile, b.files);
    await bulkInsertValues(db.sequelize, t, 'document_search', SEARCH_COLUMNS, b.search);
    await bulkInsertRows(db.sequelize, t, models.RegisterEntry, b.entries);
    await bulkInsertRows(db.sequelize, t, models.RegisterEvent, b.events);
    await execute(db.sequelize, 'UPDATE register_chain_head SET seq = :seq, hash = :hash WHERE id = 1', { seq: b.to.seq, hash: b.to.hash }, t);
    for (const [key, last] of b.counters) {
      const [agencyId, book, year] = key.split(' ');
      await execute(
        db.sequelize,
        'INSERT INTO register_counters (agency_id, book, year, last_number) VALUES (:a, :b, :y, :n) ON CONFLICT (agency_id, book, year) DO UPDATE SET last_number = :n',
        { a: agencyId, b: book, y: Number(year), n: last },
        t,
      );
    }
  });
}

/**
 * Writes documents [from, from + count) in bulk; returns how many were written (fewer past `deadline`).
 * Pipelined: the next batch is built (numbers, snapshots, hashes) while the database writes this one.
 */
export async function seedRegisterBulk(db: Database, from: number, count: number, options: BulkSeedOptions = {}): Promise<number> {
  const batch = options.batch ?? 5000;
  const state = await readState(db);
  let written = 0;
  let writing: Promise<void> | null = null;
  for (let at = from; at < from + count; at += batch) {
    if (options.deadline !== undefined && Date.now() > options.deadline) break;
    const n = Math.min(batch, from + count - at);
    const built = await buildBatch(state, at, n, options);
    await writing;
    writing = writeBatch(db, built).then(() => void (written += n));
    // Awaited at the next batch or below; the handler keeps a failure from counting as unhandled meanwhile.
    writing.catch(() => undefined);
  }
  await writing;
  if (db.dialect === 'postgres')
    for (const table of ['messages', 'register_entries'])
      await db.sequelize.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1))`);
  return written;
}
