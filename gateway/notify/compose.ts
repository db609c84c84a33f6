// The one builder of what docgate writes to a sender: header fields (threaded to the original with
// In-Reply-To/References), and a multipart/mixed entity holding the bilingual text (Vietnamese first),
// the facts as JSON and, for status notices, the edXML-style status. Receipts sign that entity
// (receipt.ts), DSNs carry it as their human-readable first part (relay/dsn.ts).

import { randomBytes } from 'node:crypto';
import libqp from 'libqp';
import type { DocumentRow } from '../../storage/rows.js';
import { rfc5322Date } from '../intake/trace.js';
import { edxmlStatusXml } from './edxml-status.js';
import type { NoticeFacts } from './facts.js';

export interface NoticeContent {
  hostname: string;
  timeZone: string;
  at: Date;
  document: Pick<DocumentRow, 'id' | 'rfc822MessageId' | 'senderAccount'>;
  /** X-Docgate-Status: 01, 02, 03, receipt-accepted, receipt-delivered, relay-failed … */
  statusHeader: string;
  /** Local part of the From address (receipts: postmaster, the signing certificate's address). */
  fromLocal: string;
  subject: string;
  text: { vi: string[]; en: string[] };
  facts: NoticeFacts;
  /** Status notices carry the edXML status too. */
  edxml: boolean;
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** An RFC 2047 encoded word (subjects carry Vietnamese). */
function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The top-level fields, without MIME-Version and Content-Type; docgate's own fields first. */
export function noticeHeaderLines(c: NoticeContent): string[] {
  const original = c.document.rfc822MessageId;
  return [
    `X-Docgate-Tracking-Id: ${c.document.id}`,
    `X-Docgate-Status: ${c.statusHeader}`,
    `From: "docgate" <${c.fromLocal}@${c.hostname}>`,
    `To: <${c.document.senderAccount}>`,
    `Subject: ${encodedWord(c.subject)}`,
    `Date: ${rfc5322Date(c.at, c.timeZone)}`,
    `Message-ID: <${c.document.id}.${c.statusHeader}.${randomBytes(4).toString('hex')}@${c.hostname}>`,
    ...(original ? [`In-Reply-To: ${original}`, `References: ${original}`] : []),
    'Auto-Submitted: auto-generated',
  ];
}

/** Text for people in quoted-printable (readable in the raw message), machine parts in base64. */
function part(type: string, body: string, filename?: string): string {
  const data = Buffer.from(body, 'utf8');
  const qp = type === 'text/plain';
  return [
    `Content-Type: ${type}; charset=utf-8${filename ? `; name="${filename}"` : ''}`,
    `Content-Transfer-Encoding: ${qp ? 'quoted-printable' : 'base64'}`,
    ...(filename ? [`Content-Disposition: inline; filename="${filename}"`] : []),
    '',
    qp ? libqp.wrap(libqp.encode(data), 76) : base64Lines(data),
  ].join('\r\n');
}

/** The multipart/mixed entity (its own Content-Type field, a blank line, the body). */
export function noticeEntity(c: NoticeContent): Buffer {
  const boundary = `=_docgate-notice-${randomBytes(8).toString('hex')}`;
  const parts = [
    part('text/plain', [...c.text.vi, '', '---', '', ...c.text.en, ''].join('\r\n')),
    part('application/json', JSON.stringify(c.facts, null, 2) + '\n', `${c.facts.kind}.json`),
    ...(c.edxml ? [part('application/xml', edxmlStatusXml(c.facts), 'status.edxml')] : []),
  ];
  const body = [`Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts.map((p) => `--${boundary}\r\n${p}`), `--${boundary}--`, ''];
  return Buffer.from(body.join('\r\n'), 'utf8');
}

/** A complete unsigned notice. */
export function composeNotice(c: NoticeContent): Buffer {
  return Buffer.concat([Buffer.from([...noticeHeaderLines(c), 'MIME-Version: 1.0', ''].join('\r\n'), 'latin1'), noticeEntity(c)]);
}
