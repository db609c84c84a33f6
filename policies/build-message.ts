// Builds the InboundMessage of one submission from its parsed MIME tree: header fields, the text body,
// the files with their sniffed types, the form metadata and the main document.

import { parseFormMetadata } from './metadata/form.js';
import { selectMainDocument } from './files/main-document.js';
import { officeType } from './files/office-type.js';
import { sniff, SNIFFED_MIME } from './files/sniff.js';
import { parseAddressList } from './mime/addresses.js';
import { decodeWords, headerValue, headerValues } from './mime/headers.js';
import type { MimeNode, MimeParseResult } from './mime/parser.js';
import { decodeText } from './text/decode.js';
import { decodeFlowed } from './text/flowed.js';
import { htmlToText } from './text/html-text.js';
import { nfc } from './text/vietnamese.js';
import type { Attachment, InboundMessage, SubmissionFacts } from './message.js';

const TEXT_LIMIT = 1024 * 1024;
const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

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

/** The first inline part of the type outside embedded messages. */
function findInlinePart(root: MimeNode, type: string): MimeNode | null {
  const stack: MimeNode[] = [root];
  while (stack.length > 0) {
    const node = stack.shift()!;
    if (node.contentType.value === type && node.disposition?.value !== 'attachment' && node.filename === null) return node;
    stack.unshift(...node.children);
  }
  return null;
}

/**
 * The body text the form lines are read from: text/plain wins (also inside multipart/alternative);
 * Outlook's default HTML-only message is read from its text/html part.
 */
async function readTextBody(root: MimeNode): Promise<{ text: string; charset: string } | null> {
  const plain = findInlinePart(root, 'text/plain');
  const node = plain ?? findInlinePart(root, 'text/html');
  if (!node?.content) return null;
  const charset = node.contentType.params.charset ?? 'us-ascii';
  const decoded = decodeText(await node.content.read(0, TEXT_LIMIT), charset);
  if (!plain) return { text: htmlToText(decoded), charset };
  const params = node.contentType.params;
  const text = params.format?.toLowerCase() === 'flowed' ? decodeFlowed(decoded, params.delsp?.toLowerCase() === 'yes') : decoded;
  return { text, charset };
}

export interface BuildMessageInput extends SubmissionFacts {
  unwrapped?: MimeParseResult | null;
  /** Extensions of document files (policy's allow-list), for choosing the main document. */
  allowedExtensions?: readonly string[];
}

export async function buildInboundMessage(input: BuildMessageInput): Promise<InboundMessage> {
  const root = input.mime.root;
  const contentRoot = input.unwrapped?.root ?? root;
  const pathPrefix = input.unwrapped ? 'p7m:' : '';
  const headers = root.headers;
  const fromValues = headerValues(headers, 'from');
  const subjectRaw = headerValue(headers, 'subject');
  const subject = subjectRaw === null ? null : nfc(decodeWords(subjectRaw));

  const body = await readTextBody(contentRoot);
  const textBody = body?.text ?? null;
  const textCharset = body?.charset ?? null;

  const attachments: Attachment[] = [];
  for (const { node, insideMessage } of collectAttachments(contentRoot)) {
    const content = node.content;
    const head = content ? await content.read(0, 8192) : Buffer.alloc(0);
    const size = content?.size ?? 0;
    const detected = sniff(head, size);
    const office = content ? await officeType(detected, size, (position, length) => content.read(position, length)) : null;
    attachments.push({
      node,
      path: pathPrefix + node.path,
      filename: node.filename,
      declaredType: node.contentType.value,
      disposition: node.disposition?.value ?? null,
      size,
      sha256: content?.sha256 ?? node.decodedSha256 ?? '',
      detected,
      detectedType: office ?? SNIFFED_MIME[detected],
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
