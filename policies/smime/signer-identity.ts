// Who a document signer is, for the checks of signatures inside documents (PDF, Office): the subject's
// attributes, whether the certificate stands for a person or for the organisation (the seal, dấu), and
// whether its organisation is the sending agency (policy `binding`).

import type { InboundMessage } from '../message.js';
import { foldKey } from '../text/vietnamese.js';
import { OID } from './oids.js';
import { signerVerified } from './report.js';
import type { SignerIssue, SignerResult } from './verify.js';

/** Certificates fit for signing documents: document signing (RFC 9336, Microsoft, Adobe) or e-mail protection. */
export const DOCUMENT_SIGNING_USAGES = [OID.documentSigning, OID.msDocumentSigning, OID.adobeAuthenticDocuments, OID.emailProtection];

function attribute(subject: string | null, key: string): string | null {
  if (!subject) return null;
  for (const part of subject.split(/,\s*(?=[A-Za-z.0-9]+=)/)) {
    const at = part.indexOf('=');
    if (part.slice(0, at).trim() === key) return part.slice(at + 1).trim();
  }
  return null;
}

function roleOf(subject: string | null): 'person' | 'organisation' {
  const cn = attribute(subject, 'CN');
  const org = [attribute(subject, 'O'), attribute(subject, 'OU')].filter((v): v is string => v !== null).map(foldKey);
  return cn === null || org.includes(foldKey(cn)) ? 'organisation' : 'person';
}

/** "Ủy ban nhân dân tỉnh Hà Tĩnh" and "UBND tinh Ha Tinh" name the same agency. */
function agencyKey(name: string): string {
  return foldKey(name)
    .replace(/^uy ban nhan dan\b/, 'ubnd')
    .replace(/^hoi dong nhan dan\b/, 'hdnd')
    .replace(/[^a-z0-9 ]/g, '');
}

export function bindingIssue(signer: SignerResult, message: InboundMessage): SignerIssue | null {
  if (signer.subject === null) return null;
  const agency = message.sender.agency;
  if (signer.subject.includes(agency.id)) return null;
  const names = [attribute(signer.subject, 'O'), attribute(signer.subject, 'OU')].filter((v): v is string => v !== null);
  if (names.some((n) => agencyKey(n) === agencyKey(agency.name))) return null;
  return {
    code: 'signer-mismatch',
    detail: `certificate organisation ${names.join(' / ') || '(none)'} is not the sending agency ${agency.name} (${agency.id})`,
  };
}

/** What is filed with the document about one signer of a signature inside a document. */
export interface DocumentSignerRecord {
  name: string | null;
  organisation: string | null;
  /** An organisation certificate stands for the seal (dấu); a personal one for the signer's hand. */
  role: 'person' | 'organisation';
  subject: string | null;
  serial: string | null;
  signedAt: string;
  timeSource: SignerResult['timeSource'];
  verified: boolean;
  trusted: boolean;
  issues: string[];
}

export function signerRecordOf(signer: SignerResult): DocumentSignerRecord {
  return {
    name: attribute(signer.subject, 'CN'),
    organisation: attribute(signer.subject, 'O'),
    role: roleOf(signer.subject),
    subject: signer.subject,
    serial: signer.serial,
    signedAt: signer.evaluatedAt,
    timeSource: signer.timeSource,
    verified: signerVerified(signer),
    trusted: signer.chain.length > 0 && signer.chain[signer.chain.length - 1].anchor,
    issues: signer.issues.map((i) => `${i.code}: ${i.detail}`),
  };
}

/** A value for a trace header field: ASCII without diacritics (Đ → D), no `;`, at most 120 characters. */
export function headerToken(value: string): string {
  return (
    value
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^\x20-\x7e]|;/g, '')
      .trim()
      .slice(0, 120) || 'unknown'
  );
}
