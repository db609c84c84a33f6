// A register SubmissionRecord for storage tests, with realistic defaults (a unique trace prefix per
// tracking id, as intake writes it); tests override what they exercise.

import type { SubmissionRecord } from '../../storage/register/types.js';
import { AGENCIES } from './env.js';

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
