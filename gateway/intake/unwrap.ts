// Opaque S/MIME (application/pkcs7-mime; smime-type=signed-data) carries the document inside the CMS
// structure: the other checks (attachments, metadata, confidentiality) must see that inner entity, not a
// smime.p7m blob. This parses the eContent as MIME; `message.mime` stays the outer tree (stored bytes,
// IMAP structure) and the signature itself is verified by the smime-signature check.

import { CmsError, parseSignedData } from '../../policies/smime/cms.js';
import { peekCmsContentType } from '../../policies/smime/layout.js';
import { OID } from '../../policies/smime/oids.js';
import { ContentTooLargeError } from '../../policies/mime/content.js';
import { parseMimeBuffer, type MimeParseOptions, type MimeParseResult } from '../../policies/mime/parser.js';

const PKCS7_MIME = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);

/** The inner entity of an opaque signed message, or null when the message is not one (or is unreadable). */
export async function unwrapOpaqueSignature(
  outer: MimeParseResult,
  options: Partial<MimeParseOptions>,
  maxSize = 32 * 1024 * 1024,
): Promise<MimeParseResult | null> {
  const root = outer.root;
  if (!root.content || root.contentType.type === 'multipart') return null;
  const declared = PKCS7_MIME.has(root.contentType.value) && (root.contentType.params['smime-type'] ?? '').toLowerCase() === 'signed-data';
  if (!declared && peekCmsContentType(await root.content.read(0, 64)) !== OID.signedData) return null;
  try {
    const signed = parseSignedData(await root.content.buffer(maxSize));
    if (!signed.eContent || signed.eContentType !== OID.data) return null;
    return await parseMimeBuffer(signed.eContent, options);
  } catch (err) {
    // An unreadable signature leaves the outer message as it is; the signature check reports why.
    if (err instanceof CmsError || err instanceof ContentTooLargeError) return null;
    throw err;
  }
}
