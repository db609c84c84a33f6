// The recall workflow (NĐ 30; edXML business type 1, statuses 13 / 15 / 16). The sender asks by moving
// its copy from "Văn bản đi" into "Thu hồi" (or `docgate document recall`): each recipient with a mailbox
// here gets the request in its INBOX, its copies of the document get the keyword $ThuHoi, and its sổ đến
// entry an event 13. The recipient answers by filing the request into "Đồng ý thu hồi" (15: its entry
// becomes 15) or "Từ chối thu hồi" (16, allowed whatever it did with the document, registered or not);
// the sender gets each answer in "Thông báo". Each step is one transaction, after the IMAP move's own.

import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import type { Agency } from '../../config/schema.js';
import type { Storage } from '../../storage/index.js';
import { FOLDERS, HIERARCHY_DELIMITER } from '../../storage/mailbox/folders.js';
import type { MailboxInfo, MessageMeta } from '../../storage/mailbox/store.js';
import {
  answerRecall,
  flagDocumentCopies,
  insertRecallRequest,
  messageRowIdOf,
  openRecallsByMessage,
  recallRequestsOf,
} from '../../storage/register/recall.js';
import type { DeliveredRow, DocumentRow } from '../../storage/rows.js';
import type { MailboxEvents } from '../events.js';
import { noticeFields, prepareNotice } from './prepared.js';
import { composeRecallMessage } from './recall-message.js';

const RECALL_KEYWORD = '$ThuHoi';

export interface RecallDeps {
  config: Config;
  storage: Storage;
  agencies: AgencyDirectory;
  events: MailboxEvents;
  log: Logger;
  now: () => Date;
}

export class RecallError extends Error {
  constructor(
    readonly vi: string,
    readonly en: string,
  ) {
    super(`${vi} / ${en}`);
  }
}

const within = (name: string, folder: string): boolean => name === folder || name.startsWith(`${folder}${HIERARCHY_DELIMITER}`);

export class RecallService {
  constructor(private readonly deps: RecallDeps) {}

  /** A COPY/MOVE finished: a sender's copy into "Thu hồi" recalls; a request into an answer folder answers. */
  async afterTransfer(actor: string, source: MailboxInfo, target: MailboxInfo, metas: MessageMeta[]): Promise<void> {
    if (source.agencyId !== target.agencyId || source.id === target.id) return;
    try {
      if (within(target.name, FOLDERS.recall.name) && source.name === FOLDERS.sent.name) {
        for (const id of new Set(metas.map((m) => m.documentId).filter((d): d is string => d !== null))) {
          const doc = await this.deps.storage.register.findDocument(id);
          if (doc?.senderAgencyId === target.agencyId) await this.request(id, actor).catch((err: unknown) => this.warn(err, id));
        }
      } else if (within(target.name, FOLDERS.recallAgreed.name)) await this.answer(actor, target.agencyId, metas, '15');
      else if (within(target.name, FOLDERS.recallRefused.name)) await this.answer(actor, target.agencyId, metas, '16');
    } catch (err) {
      this.deps.log.error('recall step failed', { err, actor });
    }
  }

  private warn(err: unknown, documentId: string): void {
    this.deps.log.warn('recall not requested', { document: documentId, err: (err as Error).message });
  }

  private recipientsHere(doc: DocumentRow, agencyIds: string[]): Agency[] {
    return agencyIds
      .map((id) => this.deps.agencies.get(id))
      .filter((a): a is Agency => a !== undefined && a.relay?.keepMailbox !== false && a.id !== doc.senderAgencyId);
  }

  /** Sends the request (13) to every recipient not yet asked; returns the agencies asked. */
  async request(documentId: string, actor: string): Promise<string[]> {
    const { storage, config, agencies } = this.deps;
    const doc = await storage.register.findDocument(documentId);
    if (!doc || doc.status !== 'accepted') throw new RecallError(`Không có văn bản đã gửi ${documentId}`, `No sent document ${documentId}`);
    const asked = new Set((await recallRequestsOf(storage.db.sequelize, documentId)).map((r) => r.agencyId));
    const entries = (await storage.register.entriesOf(documentId)).filter((e) => e.book === 'incoming' && !asked.has(e.agencyId));
    const recipients = this.recipientsHere(
      doc,
      entries.map((e) => e.agencyId),
    );
    if (recipients.length === 0) return [];
    const at = this.deps.now();
    const senderName = agencies.get(doc.senderAgencyId)?.name ?? doc.senderAgencyId;
    const prepared = await Promise.all(
      recipients.map(async (recipient) => ({
        recipient,
        notice: await prepareNotice(
          storage,
          'recall',
          await composeRecallMessage({
            hostname: config.docgate.hostname,
            timeZone: config.docgate.timezone,
            document: doc,
            senderName,
            recipient,
            status: '13',
            actor,
            at,
          }),
        ),
      })),
    );
    const sequelize = storage.db.sequelize;
    const changes = await storage.writes.submit({
      syncDirs: prepared.flatMap((p) => p.notice.blob.syncDirs),
      run: async (t) => {
        const out: { exists: DeliveredRow[]; flags: DeliveredRow[] } = { exists: [], flags: [] };
        for (const { recipient, notice } of prepared) {
          const delivered = await storage.register.recordNotice(t, {
            documentId,
            agencyId: recipient.id,
            folder: FOLDERS.inbox.name,
            ...noticeFields(notice),
            at,
          });
          out.exists.push(delivered);
          await insertRecallRequest(sequelize, t, {
            documentId,
            agencyId: recipient.id,
            messageRowId: await messageRowIdOf(sequelize, t, delivered),
            requestedBy: actor,
            at,
          });
          out.flags.push(...(await flagDocumentCopies(sequelize, t, documentId, recipient.id, RECALL_KEYWORD)));
          const entry = entries.find((e) => e.agencyId === recipient.id)!;
          await storage.register.appendEvents(t, [
            { documentId, entryId: entry.id, agencyId: recipient.id, status: '13', actor, note: `recall requested by ${doc.senderAgencyId}`, at },
          ]);
        }
        return out;
      },
    });
    this.publish(changes.exists, changes.flags);
    this.deps.log.info('recall requested', { document: documentId, by: actor, recipients: recipients.map((r) => r.id) });
    return recipients.map((r) => r.id);
  }

  private async answer(actor: string, agencyId: string, metas: MessageMeta[], status: '15' | '16'): Promise<void> {
    const { storage, config, agencies } = this.deps;
    const recipient = agencies.get(agencyId);
    if (!recipient) return;
    const open = await openRecallsByMessage(
      storage.db.sequelize,
      agencyId,
      metas.map((m) => m.messageRowId),
    );
    for (const request of open) {
      const doc = await storage.register.findDocument(request.documentId);
      if (!doc) continue;
      const at = this.deps.now();
      const notice = await prepareNotice(
        storage,
        'notice',
        await composeRecallMessage({
          hostname: config.docgate.hostname,
          timeZone: config.docgate.timezone,
          document: doc,
          senderName: agencies.get(doc.senderAgencyId)?.name ?? doc.senderAgencyId,
          recipient,
          status,
          actor,
          at,
        }),
      );
      const delivered = await storage.writes.submit({
        syncDirs: notice.blob.syncDirs,
        run: async (t) => {
          if (!(await answerRecall(storage.db.sequelize, t, request.id, status, actor, at))) return null;
          const note = status === '15' ? 'recall agreed' : 'recall refused';
          const changed =
            status === '15'
              ? await storage.register.changeIncomingStatus(t, {
                  agencyId,
                  documentId: doc.id,
                  from: ['01', '02', '03', '04', '05', '06', '13', '16'],
                  to: '15',
                  actor,
                  note,
                  at,
                })
              : null;
          if (!changed) {
            const entry = await storage.register.incomingEntry(agencyId, doc.id, t);
            await storage.register.appendEvents(t, [{ documentId: doc.id, entryId: entry?.id ?? null, agencyId, status, actor, note, at }]);
          }
          return storage.register.recordNotice(t, {
            documentId: doc.id,
            agencyId: doc.senderAgencyId,
            folder: FOLDERS.notices.name,
            ...noticeFields(notice),
            at,
          });
        },
      });
      if (delivered) this.publish([delivered], []);
      this.deps.log.info('recall answered', { document: doc.id, agency: agencyId, status, by: actor });
    }
  }

  private publish(exists: DeliveredRow[], flags: DeliveredRow[]): void {
    for (const d of exists) this.deps.events.publish({ ...d, kind: 'exists' });
    for (const d of flags) this.deps.events.publish({ ...d, kind: 'flags' });
  }
}
