// A register SubmissionRecord for storage tests, with realistic defaults (a unique trace prefix per
// tracking id, as intake writes it); tests override what they exercise.

import type { Transaction } from 'sequelize';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../config/log.js';
import { openStorage, type Storage } from '../../storage/index.js';
import type { SubmissionRecord } from '../../storage/register/types.js';
import { AGENCIES, type TestEnv } from './env.js';

export type SubmissionOverrides = Partial<Omit<SubmissionRecord, 'metadata'>> & { trackingId: string; metadata?: Partial<SubmissionRecord['metadata']> };

export function submissionRecord(over: SubmissionOverrides): SubmissionRecord {
  const { metadata, ...rest } = over;
  const recipients = rest.recipientAgencyIds ?? [AGENCIES.snv.id];
  return {
    receivedAt: new Date('2026-11-25T03:00:00Z'),
    year: 2026,
    status: 'accepted',
    reason: rest.status && rest.status !== 'accepted' ? 'metadata-invalid' : 'ok',
    senderAgencyId: AGENCIES.ubnd.id,
    senderAccount: AGENCIES.ubnd.address,
    envelopeFrom: AGENCIES.ubnd.address,
    envelopeRecipients: recipients.map((id) => `vanthu@${id}.test`),
    recipientAgencyIds: recipients,
    message: { blobSha256: 'a'.repeat(64), blobSize: 10, prefix: `X-Docgate-Tracking-Id: ${over.trackingId}\r\n`, structure: null, header: null },
    rfc822MessageId: `<${over.trackingId}@ubnd.hatinh.gov.vn>`,
    subject: 'Công văn',
    metadataJson: '{}',
    verdictJson: '{}',
    signatureJson: null,
    paperCopyRequired: false,
    files: [],
    note: null,
    ...rest,
    metadata: {
      documentNumber: null,
      signedDate: '2026-11-25',
      signer: null,
      documentType: 'Công văn',
      summary: 'V/v',
      urgency: null,
      confidentiality: null,
      ...metadata,
    },
  };
}

/** The test environment's storage with the folders of the UBND and the Sở Nội vụ, then `seed` in the same transaction. */
export async function openSeededStorage(env: TestEnv, at: Date, seed: (storage: Storage, t: Transaction) => Promise<void>): Promise<Storage> {
  const storage = await openStorage(loadConfig({ configDir: env.configDir, dataDir: env.dataDir }), createLogger('silent'));
  await storage.writes.run(async (t) => {
    await storage.mailboxes.ensureAgencyFolders(t, AGENCIES.ubnd.id, at);
    await storage.mailboxes.ensureAgencyFolders(t, AGENCIES.snv.id, at);
    await seed(storage, t);
  });
  return storage;
}
