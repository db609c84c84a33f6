// What the office-signature check files with the document for each signature (DocumentRecord.officeSignatures).

import type { DocumentSignerRecord } from '../smime/signer-identity.js';

export interface OfficeSignatureRecord {
  file: string;
  part: string;
  status: 'verified' | 'failed';
  /** Parts the signature leaves out although they change the document (signature-partial). */
  uncovered: string[];
  signer: DocumentSignerRecord | null;
}
