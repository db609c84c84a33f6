// InboundMessage: what every policy check and the register see of one submission, built once from the
// parsed MIME tree (build-message.ts). The stored bytes are never rewritten; everything here is derived from them.

import type { Agency } from '../config/schema.js';
import type { DocumentMetadata } from './metadata/form.js';
import type { SniffedKind } from './files/sniff.js';
import type { PartContent } from './mime/content.js';
import type { MimeNode, MimeParseResult } from './mime/parser.js';
import type { HeaderField } from './mime/types.js';

export interface MailAddress {
  name: string;
  address: string;
}

export interface Attachment {
  node: MimeNode;
  /** IMAP section path of the part. */
  path: string;
  /** Decoded file name (NFC), or null when the part names none. */
  filename: string | null;
  declaredType: string;
  disposition: string | null;
  size: number;
  sha256: string;
  detected: SniffedKind;
  detectedType: string;
  /** Inside an embedded message/rfc822 part. */
  insideMessage: boolean;
  content: PartContent | null;
}

interface SubmissionSender {
  /** Authenticated account (its e-mail address). */
  account: string;
  agency: Agency;
  remoteAddress: string;
}

/** What intake knows of a submission before reading its content. */
export interface SubmissionFacts {
  trackingId: string;
  receivedAt: Date;
  envelope: { mailFrom: string; rcptTo: string[] };
  sender: SubmissionSender;
  recipientAgencies: Agency[];
  /** The stored bytes (submitted, with X-Docgate-* neutralised), without docgate's trace headers. */
  raw: { path: string; size: number; sha256: string };
  mime: MimeParseResult;
}

export interface InboundMessage extends SubmissionFacts {
  /**
   * The signed entity inside an opaque S/MIME message (gateway/intake/unwrap.ts), or null. When present,
   * textBody, attachments and metadata come from it (attachment paths are then prefixed "p7m:", since
   * they are not IMAP sections of the stored message); `mime` stays the outer tree.
   */
  unwrapped: MimeParseResult | null;
  headers: HeaderField[];
  from: MailAddress[];
  /** Number of From header fields (RFC 5322 allows exactly one). */
  fromFieldCount: number;
  /** The Sender header field's addresses (RFC 5322 3.6.2), with their display names. */
  senderHeader: MailAddress[];
  subject: string | null;
  messageId: string | null;
  date: string | null;
  /**
   * Decoded text of the main text/plain part (format=flowed already joined), or, when the message has
   * no text/plain part, the text of its text/html part; null when it has neither.
   */
  textBody: string | null;
  textCharset: string | null;
  attachments: Attachment[];
  /** Index in `attachments` of the main document: the file a "Văn bản chính" form line names, else the first of an allowed type. */
  mainDocument: number | null;
  metadata: DocumentMetadata;
}
