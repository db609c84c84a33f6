// Seeds a register with N synthetic documents through the real write path (RegisterRepository.recordMany
// in group-commit-sized batches: register rows, search index, recipient copies, mailbox rows), for the
// register benchmarks and later report/export work. Deterministic: the same N gives the same register.

import type { Database } from '../storage/db.js';
import { MailboxRepository } from '../storage/mailbox/repository.js';
import { RegisterRepository } from '../storage/register/repository.js';
import type { SubmissionRecord } from '../storage/register/types.js';

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

/** The i-th synthetic document (0-based). */
export function seedDocument(i: number, year = 2026): SubmissionRecord {
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
  const receivedAt = new Date(Date.UTC(year, 0, 1, 1) + (Math.floor((i / 1.2) * 60_000) % (360 * 86_400_000)));
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

/** Writes documents [from, from + count) in batches of `batch` (one transaction each, as the group commit does). */
export async function seedRegister(db: Database, from: number, count: number, batch = 200): Promise<void> {
  const mailboxes = new MailboxRepository(db.sequelize, db.models);
  const register = new RegisterRepository(db.sequelize, db.models, mailboxes);
  await db.sequelize.transaction(async (t) => {
    for (const agency of SEED_AGENCIES) await mailboxes.ensureAgencyFolders(t, agency, new Date());
  });
  for (let at = from; at < from + count; at += batch) {
    const docs = Array.from({ length: Math.min(batch, from + count - at) }, (_, k) => seedDocument(at + k));
    await db.sequelize.transaction((t) => register.recordMany(t, docs));
  }
}
