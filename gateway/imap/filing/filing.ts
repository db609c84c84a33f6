// The IMAP filing workflow: a clerk moves (or copies) a document from the agency's INBOX into
// "Đã vào sổ" (or a folder below it) → its incoming register entry becomes 03 (registered); into "Trả lại"
// (or below) → 02 (returned),
// with the reason taken from the message's $TraLai-* keyword. Each change is a register event with
// time and clerk, and the sender gets a bilingual notice in its "Thông báo" folder — all in the same
// transaction as the move. Here the plan is prepared (reads and notice blobs); storage applies it.

import type { AgencyDirectory } from '../../../config/agencies.js';
import type { Config } from '../../../config/load.js';
import { parseMimeBuffer, structureOf } from '../../../policies/mime/parser.js';
import { headerBlockOf } from '../../intake/header-block.js';
import type { Logger } from '../../../config/log.js';
import { composeStatusNotice } from '../../notify/status-notice.js';
import type { BlobStore } from '../../../storage/blobs.js';
import { FOLDERS, HIERARCHY_DELIMITER } from '../../../storage/mailbox/folders.js';
import { storeBlob } from '../../../storage/mailbox/spool-file.js';
import type { FilingPlan, MailboxInfo, MessageMeta } from '../../../storage/mailbox/store.js';
import type { RegisterRepository } from '../../../storage/register/repository.js';
import { NO_REASON, reasonsFromFlags, returnNote } from './reasons.js';

export interface FilingDeps {
  config: Config;
  agencies: AgencyDirectory;
  register: RegisterRepository;
  blobs: BlobStore;
  spoolDir: string;
  log: Logger;
  now: () => Date;
}

/** The folder or any folder below it ("Đã vào sổ/2026", Thunderbird's per-year archive folders). */
const within = (name: string, folder: string): boolean => name === folder || name.startsWith(`${folder}${HIERARCHY_DELIMITER}`);

function filingStatus(target: MailboxInfo): '02' | '03' | null {
  if (within(target.name, FOLDERS.registered.name)) return '03';
  if (within(target.name, FOLDERS.returned.name)) return '02';
  return null;
}

export class FilingService {
  constructor(private readonly deps: FilingDeps) {}

  /** The register changes a COPY/MOVE implies, or undefined when it implies none. */
  async plan(actor: string, source: MailboxInfo, target: MailboxInfo, messages: MessageMeta[]): Promise<FilingPlan | undefined> {
    const status = filingStatus(target);
    if (!status || source.id === target.id || source.agencyId !== target.agencyId) return undefined;
    const agency = this.deps.agencies.get(target.agencyId);
    if (!agency) return undefined;
    const at = this.deps.now();
    const documents: FilingPlan['documents'] = new Map();
    for (const message of messages) {
      const documentId = message.documentId;
      if (!documentId || documents.has(documentId)) continue;
      const entry = await this.deps.register.incomingEntry(target.agencyId, documentId);
      if (!entry || entry.status !== '01') continue;
      const document = await this.deps.register.findDocument(documentId);
      if (!document) continue;
      const reasons = status === '02' ? reasonsFromFlags(message.flags) : [];
      const reason =
        status === '02' ? (reasons.length > 0 ? { vi: reasons.map((r) => r.vi).join('; '), en: reasons.map((r) => r.en).join('; ') } : NO_REASON) : null;
      const bytes = composeStatusNotice({
        hostname: this.deps.config.docgate.hostname,
        timeZone: this.deps.config.docgate.timezone,
        document,
        sender: { id: document.senderAgencyId, name: this.deps.agencies.get(document.senderAgencyId)?.name ?? document.senderAgencyId },
        recipient: { id: agency.id, name: agency.name },
        status,
        incomingNumber: entry.number,
        actor,
        at,
        reason,
      });
      const parsed = await parseMimeBuffer(bytes, { decode: false });
      const blob = await storeBlob(this.deps.blobs, this.deps.spoolDir, 'notice', bytes);
      documents.set(documentId, {
        note: status === '02' ? returnNote(reasons) : null,
        notice: { blob, structure: structureOf(parsed.root), header: headerBlockOf(bytes, parsed.root.bodyStart) },
        senderAgencyId: document.senderAgencyId,
        noticeFolder: FOLDERS.notices.name,
      });
    }
    if (documents.size === 0) return undefined;
    return { status, actor, at, documents };
  }
}
