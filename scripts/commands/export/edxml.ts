// One register entry as an edXML-style envelope header (QCVN 102:2016 element names: From, Code,
// PromulgationInfo, DocumentType, Subject, SignerInfo, OtherInfo/Priority, DocumentId, TraceHeader),
// with docgate's register fields (số đến, status, file list and hashes) in a namespace of its own.
// Every value is escaped; characters XML 1.0 cannot carry (C0 controls, lone surrogates) become U+FFFD.

import type { ManifestDocument } from './manifest.js';

const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const DOCGATE_NS = 'urn:docgate:register:1';

const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function xmlText(value: string): string {
  return value.replace(NOT_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(value: string): string {
  return xmlText(value).replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** edXML's Priority: 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc. */
const PRIORITY: Record<string, string> = { normal: '0', urgent: '1', 'very-urgent': '2', flash: '3' };

function el(name: string, value: string | number | null | undefined, indent: string): string {
  return value === null || value === undefined || value === '' ? '' : `${indent}<${name}>${xmlText(String(value))}</${name}>\n`;
}

/** "05/QĐ-UBND" → number "05", notation "QĐ-UBND". */
function splitCode(documentNumber: string | null): { number: string | null; notation: string | null } {
  if (!documentNumber) return { number: null, notation: null };
  const slash = documentNumber.indexOf('/');
  return slash < 0 ? { number: documentNumber, notation: null } : { number: documentNumber.slice(0, slash), notation: documentNumber.slice(slash + 1) };
}

/** edXML document id: `{issuer},{yyyy/MM/dd},{số}/{ký hiệu}` when the signing date and number are known. */
function documentId(d: ManifestDocument): string | null {
  if (!d.documentNumber || !d.signedDate) return null;
  return `${d.issuingAgency},${d.signedDate.replace(/-/g, '/')},${d.documentNumber}`;
}

export function registerXml(d: ManifestDocument, issuerName: string | null): string {
  const code = splitCode(d.documentNumber);
  const i3 = '      ';
  const i4 = '        ';
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>\n');
  out.push(`<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NS}" xmlns:dg="${DOCGATE_NS}">\n`);
  out.push('  <edXML:edXMLHeader>\n    <edXML:MessageHeader>\n');
  out.push(
    `${i3}<edXML:From>\n${el('edXML:OrganId', d.issuingAgency, i4)}${el('edXML:OrganName', issuerName, i4)}${el('edXML:Email', d.senderAccount, i4)}${i3}</edXML:From>\n`,
  );
  if (d.book === 'incoming') out.push(`${i3}<edXML:To>\n${el('edXML:OrganId', d.agencyId, i4)}${i3}</edXML:To>\n`);
  out.push(el('edXML:DocumentId', documentId(d), i3));
  if (code.number) out.push(`${i3}<edXML:Code>\n${el('edXML:CodeNumber', code.number, i4)}${el('edXML:CodeNotation', code.notation, i4)}${i3}</edXML:Code>\n`);
  if (d.signedDate) out.push(`${i3}<edXML:PromulgationInfo>\n${el('edXML:PromulgationDate', d.signedDate, i4)}${i3}</edXML:PromulgationInfo>\n`);
  if (d.documentType) out.push(`${i3}<edXML:DocumentType>\n${el('edXML:TypeName', d.documentType, i4)}${i3}</edXML:DocumentType>\n`);
  out.push(el('edXML:Subject', d.summary ?? d.subject, i3));
  if (d.signer) out.push(`${i3}<edXML:SignerInfo>\n${el('edXML:FullName', d.signer, i4)}${i3}</edXML:SignerInfo>\n`);
  out.push(`${i3}<edXML:OtherInfo>\n${el('edXML:Priority', PRIORITY[d.urgency ?? 'normal'] ?? '0', i4)}${i3}</edXML:OtherInfo>\n`);
  out.push('    </edXML:MessageHeader>\n    <edXML:TraceHeaderList>\n');
  out.push(`${i3}<edXML:TraceHeader>\n${el('edXML:OrganId', d.agencyId, i4)}${el('edXML:Timestamp', d.registeredAt, i4)}${i3}</edXML:TraceHeader>\n`);
  out.push('    </edXML:TraceHeaderList>\n  </edXML:edXMLHeader>\n');
  const attrs: [string, string | number | boolean | null][] = [
    ['book', d.book],
    ['agency', d.agencyId],
    ['year', d.year],
    ['number', d.number],
    ['status', d.status],
    ['registeredAt', d.registeredAt],
    ['origin', d.origin],
    ['trackingId', d.trackingId],
  ];
  out.push(`  <dg:Register${attrs.map(([k, v]) => (v === null ? '' : ` ${k}="${xmlAttr(String(v))}"`)).join('')}>\n`);
  for (const [name, value] of [
    ['dg:Confidentiality', d.confidentiality],
    ['dg:PaperCopyRequired', d.paperCopyRequired ? 'true' : null],
    ['dg:Counterpart', d.counterpartAgencyId],
    ['dg:Note', d.note],
    ['dg:RawSha256', d.rawSha256],
    ['dg:RawSize', d.rawSize],
    ['dg:Message', d.eml],
  ] as const)
    out.push(el(name, value, '    '));
  out.push('    <dg:Files>\n');
  for (const f of d.files) {
    const fa: [string, string | number | null][] = [
      ['position', f.position],
      ['role', f.role],
      ['path', f.path],
      ['name', f.originalName],
      ['type', f.detectedType],
      ['size', f.size],
      ['sha256', f.sha256],
    ];
    out.push(`      <dg:File${fa.map(([k, v]) => (v === null ? '' : ` ${k}="${xmlAttr(String(v))}"`)).join('')}/>\n`);
  }
  out.push('    </dg:Files>\n  </dg:Register>\n</edXML:edXMLEnvelope>\n');
  return out.join('');
}
