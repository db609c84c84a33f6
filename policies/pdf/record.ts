// What the pdf-signature check files with the document for each PDF signature (DocumentRecord.pdfSignatures).

import type { DocumentSignerRecord } from '../smime/signer-identity.js';
import type { PdfSignatureField } from './signatures.js';

export interface PdfSignatureRecord {
  file: string;
  field: string | null;
  kind: PdfSignatureField['kind'];
  subFilter: string | null;
  byteRange: number[] | null;
  /** The signed revision is the whole file (no update after signing). */
  wholeFile: boolean;
  /** A certification signature's DocMDP permission (1–3), which then decides what later updates may change. */
  docMdp: 1 | 2 | 3 | null;
  changesAfterSigning: { detail: string; allowed: boolean }[];
  status: 'verified' | 'failed';
  signer: DocumentSignerRecord | null;
  /** Document time-stamps only: the RFC 3161 token's verdict. */
  timeStamp?: { status: 'trusted' | 'untrusted' | 'invalid'; genTime: string | null; tsa: string | null; detail: string };
}
