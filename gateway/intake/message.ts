// InboundMessage: what every policy check and the register see of one submission, built once from the
// parsed MIME tree. The stored bytes are never rewritten; everything here is derived from them.

import iconv from 'iconv-lite';
import addressparser from 'nodemailer/lib/addressparser';
import type { Agency } from '../../config/schema.js';
import { parseFormMetadata, type DocumentMetadata } from '../../policies/metadata/form.js';
import { sniff, SNIFFED_MIME, type SniffedKind } from '../../policies/files/sniff.js';
import { nfc } from '../../policies/text/vietnamese.js';
import type { PartContent } from './mime/content.js';
import { decodeWords, headerValue, headerValues } from './mime/headers.js';
import { walk, type MimeNode, type MimeParseResult } from './mime/parser.js';
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

export interface SubmissionSender {
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
  /** Decoded text of the main text/plain part, if any. */
  textBody: string | null;
  textCharset: string | null;
  attachments: Attachment[];
  /** Index in `attachments` of the main document: the file a "Văn bản chính" form line names, else the first of an allowed type. */
  mainDocument: number | null;
  metadata: DocumentMetadata;
}

const TEXT_LIMIT = 1024 * 1024;
const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

export function parseAddressList(value: string | null): MailAddress[] {
  if (!value) return [];
  try {
    const flat: MailAddress[] = [];
    for (const entry of addressparser(value, { flatten: true }) as { name?: string; address?: string }[]) {
      if (entry.address) flat.push({ name: nfc(decodeWords(entry.name ?? '')), address: entry.address.toLowerCase() });
    }
    return flat;
  } catch {
    return [];
  }
}

/**
 * Text of a part in its declared charset, NFC. Unknown charsets, and us-ascii (the default when none is
 * declared), are read as UTF-8: clients send 8-bit UTF-8 under both, and pure ASCII reads the same.
 */
export function decodeText(data: Buffer, charset: string | undefined): string {
  const name = (charset ?? 'utf-8').trim().toLowerCase();
  const known = name !== 'us-ascii' && iconv.encodingExists(name) ? name : 'utf-8';
  return nfc(iconv.decode(data, known));
}

function isAttachmentNode(node: MimeNode, parent: MimeNode | null): boolean {
  if (node.contentType.type === 'multipart' || node.message) return false;
  if (parent && parent.contentType.value === 'multipart/signed' && SIGNATURE_TYPES.has(node.contentType.value)) return false;
  if (node.disposition?.value === 'attachment') return true;
  if (node.filename !== null) return true;
  return node.contentType.type !== 'text';
}

/** Leaf parts that are files, with their parents known (signature parts of multipart/signed excluded). */
function collectAttachments(root: MimeNode): { node: MimeNode; insideMessage: boolean }[] {
  const out: { node: MimeNode; insideMessage: boolean }[] = [];
  const visit = (node: MimeNode, parent: MimeNode | null, insideMessage: boolean) => {
    if (isAttachmentNode(node, parent)) out.push({ node, insideMessage });
    for (const child of node.children) visit(child, node, insideMessage);
    if (node.message) visit(node.message, node, true);
  };
  visit(root, null, false);
  return out;
}

/** The first inline text/plain part outside embedded messages. */
function findTextBody(root: MimeNode): MimeNode | null {
  const stack: MimeNode[] = [root];
  while (stack.length > 0) {
    const node = stack.shift()!;
    if (node.contentType.value === 'text/plain' && node.disposition?.value !== 'attachment' && node.filename === null) return node;
    stack.unshift(...node.children);
  }
  return null;
}

export interface BuildMessageInput extends SubmissionFacts {
  unwrapped?: MimeParseResult | null;
  /** Extensions of document files (policy's allow-list), for choosing the main document. */
  allowedExtensions?: readonly string[];
}

const DEFAULT_DOCUMENT_EXTENSIONS = ['doc', 'docx', 'xls', 'xlsx', 'pdf', 'zip', 'rar'];

/** DESIGN.md: the first attachment of an allowed type is the main document unless a form line names it. */
export function selectMainDocument(attachments: Attachment[], metadata: DocumentMetadata, allowed: readonly string[] = DEFAULT_DOCUMENT_EXTENSIONS): number | null {
  const candidates = attachments.map((a, i) => ({ a, i })).filter(({ a }) => !a.insideMessage && a.filename !== null);
  if (metadata.mainFile) {
    const wanted = nfc(metadata.mainFile).trim().toLowerCase();
    const named = candidates.find(({ a }) => a.filename!.trim().toLowerCase() === wanted);
    if (named) return named.i;
  }
  const types = new Set(allowed.map((e) => e.toLowerCase()));
  const first = candidates.find(({ a }) => {
    const dot = a.filename!.lastIndexOf('.');
    return dot > 0 && types.has(a.filename!.slice(dot + 1).toLowerCase());
  });
  return first ? first.i : null;
}

export async function buildInboundMessage(input: BuildMessageInput): Promise<InboundMessage> {
  const root = input.mime.root;
  const contentRoot = input.unwrapped?.root ?? root;
  const pathPrefix = input.unwrapped ? 'p7m:' : '';
  const headers = root.headers;
  const fromValues = headerValues(headers, 'from');
  const subjectRaw = headerValue(headers, 'subject');
  const subject = subjectRaw === null ? null : nfc(decodeWords(subjectRaw));

  const textNode = findTextBody(contentRoot);
  let textBody: string | null = null;
  let textCharset: string | null = null;
  if (textNode?.content) {
    const head = await textNode.content.read(0, TEXT_LIMIT);
    textCharset = textNode.contentType.params.charset ?? 'us-ascii';
    textBody = decodeText(head, textCharset);
  }

  const attachments: Attachment[] = [];
  for (const { node, insideMessage } of collectAttachments(contentRoot)) {
    const content = node.content;
    const head = content ? await content.read(0, 8192) : Buffer.alloc(0);
    const size = content?.size ?? 0;
    const detected = sniff(head, size);
    attachments.push({
      node,
      path: pathPrefix + node.path,
      filename: node.filename,
      declaredType: node.contentType.value,
      disposition: node.disposition?.value ?? null,
      size,
      sha256: content?.sha256 ?? node.decodedSha256 ?? '',
      detected,
      detectedType: SNIFFED_MIME[detected],
      insideMessage,
      content,
    });
  }

  const metadata = parseFormMetadata(textBody, subject);
  const { allowedExtensions, ...rest } = input;
  return {
    ...rest,
    unwrapped: input.unwrapped ?? null,
    headers,
    from: fromValues.flatMap((value) => parseAddressList(value)),
    fromFieldCount: fromValues.length,
    senderHeader: headerValues(headers, 'sender').flatMap((value) => parseAddressList(value)),
    subject,
    messageId: headerValue(headers, 'message-id')?.trim() ?? null,
    date: headerValue(headers, 'date'),
    textBody,
    textCharset,
    attachments,
    mainDocument: selectMainDocument(attachments, metadata, allowedExtensions),
    metadata,
  };
}

export { walk };
